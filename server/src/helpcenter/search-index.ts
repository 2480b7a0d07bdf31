import crypto from 'node:crypto';
import MiniSearch, { type SearchResult } from 'minisearch';
import { Schema, type Connection, type Types } from 'mongoose';
import type { HcSearchResultDto } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import type { Peers } from '../realtime/cluster.ts';
import { articleModel } from './article.model.ts';
import { publicArticlePath } from './article.service.ts';
import { htmlText, plainText } from './markdown.ts';
import { highlight, snippet } from './search-snippet.ts';

/**
 * Per site, a token that changes whenever the site's published set changes (publish, unpublish,
 * the slug of a published article). A fresh random value rather than a counter: FerretDB 1.x can
 * lose `$inc`s, and a reader only needs to know "not what I built from".
 */
interface SearchVersionDoc {
  _id: string;
  token: string;
  at: Date;
}
const versionSchema = new Schema<SearchVersionDoc>({ _id: String, token: String, at: Date }, { versionKey: false });
const versionModel = (conn: Connection) => conn.model<SearchVersionDoc>('HcSearchVersion', versionSchema, 'hc_search_versions');

interface Indexed {
  revision: number;
  slug: string;
  title: string;
  text: string;
}
interface SiteIndex {
  token: string | null;
  checkedAt: number;
  mini: MiniSearch<{ id: string; title: string; text: string }>;
  docs: Map<string, Indexed>;
}

const newMini = () =>
  new MiniSearch<{ id: string; title: string; text: string }>({
    fields: ['title', 'text'],
    searchOptions: { boost: { title: 3 }, prefix: true, fuzzy: 0.2, combineWith: 'AND' },
  });

/**
 * Full-text search over the PUBLISHED articles of each site, in process (MiniSearch). Built from
 * the database on the first search of a site; before a search, at most every `checkEveryMs`
 * (by `clock`), the site's version token is read, and a changed token brings the index up to date
 * (only the articles whose published revision or slug changed are read again). With a cluster,
 * a change is also announced to the other processes, which then check at their next search.
 */
export function createSearchIndex({ conn, clock, peers, checkEveryMs = 3000 }: { conn: Connection; clock: Clock; peers: Peers; checkEveryMs?: number }) {
  const Article = articleModel(conn);
  const Version = versionModel(conn);
  const sites = new Map<string, SiteIndex>();
  const refreshing = new Map<string, { p: Promise<SiteIndex>; gen: number }>();
  // Bumped by every change this process hears of: a refresh that began before one is not enough.
  const generation = new Map<string, number>();
  const genOf = (site: string) => generation.get(site) ?? 0;

  /** The published set of `site` changed (call after the article write). */
  async function changed(site: string): Promise<void> {
    await Version.updateOne({ _id: site }, { $set: { token: crypto.randomUUID(), at: clock.now() } }, { upsert: true });
    stale(site);
    peers.share('hc-search-changed', { site });
  }
  function stale(site: string) {
    generation.set(site, genOf(site) + 1);
    const s = sites.get(site);
    if (s) s.checkedAt = Number.NEGATIVE_INFINITY;
  }
  peers.on('hc-search-changed', (p) => stale(String((p as { site: string }).site)));

  async function refresh(site: string): Promise<SiteIndex> {
    const s = sites.get(site) ?? { token: null, checkedAt: Number.NEGATIVE_INFINITY, mini: newMini(), docs: new Map() };
    const gen = genOf(site);
    // Read the token first: a change after this read moves it again, so it is seen next time.
    const token = (await Version.findById(site).lean())?.token ?? '';
    // A change heard of during this refresh may have landed after the token read: then the
    // index is marked for a check at the next search.
    const checkedAt = clock.now().getTime();
    if (token === s.token) {
      s.checkedAt = genOf(site) === gen ? checkedAt : Number.NEGATIVE_INFINITY;
      return s;
    }
    // The first build reads the published set once, bodies included; later ones read ids,
    // revisions and slugs, then the bodies of the changed articles only.
    const first = s.docs.size === 0;
    const current = first
      ? await Article.find({ site, published: { $ne: null } }, { slug: 1, published: 1 }).lean()
      : await Article.find({ site, published: { $ne: null } }, { slug: 1, 'published.revision': 1 }).lean();
    const seen = new Set<string>();
    const toRead: Types.ObjectId[] = [];
    const reread = new Set<string>();
    for (const a of current) {
      const id = String(a._id);
      seen.add(id);
      const had = s.docs.get(id);
      if (!had || had.revision !== a.published?.revision) {
        toRead.push(a._id);
        reread.add(id);
      } else if (had.slug !== a.slug) had.slug = a.slug;
    }
    for (const id of [...s.docs.keys()]) {
      if (!seen.has(id) || reread.has(id)) {
        s.mini.discard(id);
        s.docs.delete(id);
      }
    }
    // A few changed articles are read by id; many in one pass over the site,
    // since FerretDB answers a long `$in` by scanning the collection anyway.
    const batch = first
      ? current
      : toRead.length === 0
        ? []
        : toRead.length <= 100
          ? await Article.find({ _id: { $in: toRead }, published: { $ne: null } }, { slug: 1, published: 1 }).lean()
          : (await Article.find({ site, published: { $ne: null } }, { slug: 1, published: 1 }).lean()).filter((a) => reread.has(String(a._id)));
    s.mini.addAll(
      batch.map((a) => {
        const p = a.published!;
        const d: Indexed = { revision: p.revision, slug: a.slug, title: p.title, text: p.html ? htmlText(p.html) : plainText(p.body) };
        s.docs.set(String(a._id), d);
        return { id: String(a._id), title: d.title, text: d.text };
      }),
    );
    s.token = token;
    s.checkedAt = genOf(site) === gen ? checkedAt : Number.NEGATIVE_INFINITY;
    sites.set(site, s);
    return s;
  }

  /** The site's index, checked against the database when its last check is `checkEveryMs` old. */
  async function indexOf(site: string): Promise<SiteIndex> {
    const s = sites.get(site);
    if (s && clock.now().getTime() - s.checkedAt < checkEveryMs) return s;
    const gen = genOf(site);
    const running = refreshing.get(site);
    if (running && running.gen === gen) return running.p;
    // A refresh that began before the latest change heard of: another one after it.
    const p: Promise<SiteIndex> = (running ? running.p.catch(() => undefined) : Promise.resolve())
      .then(() => refresh(site))
      .finally(() => {
        if (refreshing.get(site)?.p === p) refreshing.delete(site);
      });
    refreshing.set(site, { p, gen });
    return p;
  }

  /** Ranked published articles of `site` matching `q` (prefix and typo tolerant), with highlights. */
  async function search(site: string, q: string, limit: number): Promise<HcSearchResultDto[]> {
    const s = await indexOf(site);
    let hits: SearchResult[] = s.mini.search(q);
    // Every word must match for AND; with nothing found, any word will do.
    if (hits.length === 0) hits = s.mini.search(q, { combineWith: 'OR' });
    return hits.slice(0, limit).flatMap((h) => {
      const d = s.docs.get(String(h.id));
      if (!d) return [];
      const terms = new Set(h.terms.map((t) => t.toLowerCase()));
      return [
        {
          title: d.title,
          titleHtml: highlight(d.title, terms),
          slug: d.slug,
          url: publicArticlePath(site, d.slug),
          snippetHtml: snippet(d.text, terms),
          score: Math.round(h.score * 1000) / 1000,
        },
      ];
    });
  }

  return { changed, search, refresh, size: (site: string) => sites.get(site)?.docs.size ?? 0 };
}
export type SearchIndex = ReturnType<typeof createSearchIndex>;
