import { Types, type Connection } from 'mongoose';
import {
  DEFAULT_SITE,
  slugify,
  type ArticleCreateInput,
  type ArticleUpdateInput,
  type HcArticleDetailDto,
  type HcArticleDto,
  type HcSettingsDto,
  type HcSettingsInput,
} from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import { AppError, isDuplicateKey } from '../lib/errors.ts';
import type { AgentDoc } from '../agents/agent.model.ts';
import { articleModel, feedbackModel, hcSettingsModel, revisionModel, slugModel, type ArticleDoc } from './article.model.ts';
import { renderMarkdown } from './markdown.ts';

export const publicArticlePath = (site: string, slug: string) => `/help/${encodeURIComponent(site)}/articles/${encodeURIComponent(slug)}`;

/** Articles: drafts, published revisions, stable slugs with redirects, feedback, per-site settings. */
export function createArticleService({
  conn,
  clock,
  onPublishedChange = async () => {},
  publicUrl,
}: {
  /** KAMFLO_PUBLIC_URL: the settings' `url` is absolute with it (agents paste article links into replies). */
  publicUrl?: string;
  conn: Connection;
  clock: Clock;
  /** The public set of `site` changed (a publish, an unpublish, a published article's new slug): search re-reads it. */
  onPublishedChange?: (site: string) => Promise<void>;
}) {
  const Article = articleModel(conn);
  const Revision = revisionModel(conn);
  const Slug = slugModel(conn);
  const Feedback = feedbackModel(conn);
  const Settings = hcSettingsModel(conn);

  /** Takes `slug` for the article; with `exact` false, tries `slug-2`, `slug-3`, … when it is taken. */
  async function takeSlug(site: string, slug: string, articleId: Types.ObjectId, exact: boolean): Promise<string> {
    for (let n = 1; n < 50; n++) {
      const candidate = n === 1 ? slug : `${slug.slice(0, 75)}-${n}`;
      try {
        await Slug.create({ _id: `${site}:${candidate}`, articleId, at: clock.now() });
        return candidate;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        const owner = await Slug.findById(`${site}:${candidate}`).lean();
        if (owner?.articleId.equals(articleId)) return candidate; // its own old slug, taken back
        if (exact) throw new AppError('conflict', `The slug "${candidate}" is taken by another article`);
      }
    }
    throw new AppError('conflict', 'No free slug for this title; give one');
  }

  async function addRevision(a: ArticleDoc): Promise<void> {
    await Revision.create({
      _id: `${a._id}:${a.revision}`,
      articleId: a._id,
      n: a.revision,
      title: a.title,
      body: a.body,
      authorName: a.authorName,
      at: a.updatedAt,
    });
  }

  async function create(agent: AgentDoc, input: ArticleCreateInput): Promise<HcArticleDetailDto> {
    const site = input.site ?? DEFAULT_SITE;
    const _id = new Types.ObjectId();
    const slug = await takeSlug(site, input.slug ?? slugify(input.title), _id, input.slug !== undefined);
    const now = clock.now();
    const settings = await getSettingsDoc(site);
    const doc: ArticleDoc = {
      _id,
      site,
      slug,
      locale: input.locale ?? settings.defaultLocale,
      category: input.category ?? '',
      section: input.section ?? '',
      title: input.title,
      body: input.body,
      revision: 1,
      authorId: String(agent._id),
      authorName: agent.name,
      createdAt: now,
      updatedAt: now,
      published: null,
    };
    await Article.create(doc);
    await addRevision(doc);
    return detail(_id);
  }

  async function find(id: string): Promise<ArticleDoc> {
    const a = Types.ObjectId.isValid(id) ? await Article.findById(id).lean() : null;
    if (!a) throw new AppError('not_found', 'No such article');
    return a;
  }

  /** A save: a new draft revision (the published one stays live until Publish). */
  async function update(agent: AgentDoc, id: string, input: ArticleUpdateInput): Promise<HcArticleDetailDto> {
    const a = await find(id);
    const slug = input.slug && input.slug !== a.slug ? await takeSlug(a.site, input.slug, a._id, true) : a.slug;
    const changed = (input.title !== undefined && input.title !== a.title) || (input.body !== undefined && input.body !== a.body);
    const next: ArticleDoc = {
      ...a,
      slug,
      title: input.title ?? a.title,
      body: input.body ?? a.body,
      locale: input.locale ?? a.locale,
      category: input.category ?? a.category ?? '',
      section: input.section ?? a.section ?? '',
      ...(changed ? { revision: a.revision + 1, authorId: String(agent._id), authorName: agent.name, updatedAt: clock.now() } : {}),
    };
    await Article.updateOne(
      { _id: a._id },
      {
        $set: {
          slug: next.slug,
          title: next.title,
          body: next.body,
          locale: next.locale,
          category: next.category,
          section: next.section,
          revision: next.revision,
          authorId: next.authorId,
          authorName: next.authorName,
          updatedAt: next.updatedAt,
        },
      },
    );
    if (changed) await addRevision(next);
    if (a.published && slug !== a.slug) await onPublishedChange(a.site);
    return detail(a._id);
  }

  async function publish(id: string): Promise<HcArticleDetailDto> {
    const a = await find(id);
    const at = clock.now();
    const published = { title: a.title, body: a.body, html: renderMarkdown(a.body), revision: a.revision, at };
    await Article.updateOne({ _id: a._id }, { $set: { published } });
    await Revision.updateOne({ _id: `${a._id}:${a.revision}` }, { $set: { publishedAt: at } });
    await onPublishedChange(a.site);
    return detail(a._id);
  }

  async function unpublish(id: string): Promise<HcArticleDetailDto> {
    const a = await find(id);
    await Article.updateOne({ _id: a._id }, { $set: { published: null } });
    await onPublishedChange(a.site);
    return detail(a._id);
  }

  function toDto(a: ArticleDoc): HcArticleDto {
    return {
      id: String(a._id),
      site: a.site,
      slug: a.slug,
      title: a.title,
      body: a.body,
      locale: a.locale,
      category: a.category ?? '',
      section: a.section ?? '',
      status: a.published ? 'published' : 'draft',
      unpublishedChanges: !a.published || a.published.revision !== a.revision,
      revision: a.revision,
      publishedRevision: a.published?.revision ?? null,
      authorName: a.authorName,
      updatedAt: a.updatedAt.toISOString(),
      publishedAt: a.published?.at.toISOString() ?? null,
      url: publicArticlePath(a.site, a.slug),
    };
  }

  async function detail(id: Types.ObjectId | string): Promise<HcArticleDetailDto> {
    const a = await find(String(id));
    const [revisions, slugs, feedback] = await Promise.all([
      Revision.find({ articleId: a._id }).sort({ n: -1 }).limit(100).lean(),
      Slug.find({ articleId: a._id }).lean(),
      feedbackCounts(a._id),
    ]);
    return {
      ...toDto(a),
      html: renderMarkdown(a.body),
      oldSlugs: slugs.map((s) => s._id.slice(a.site.length + 1)).filter((s) => s !== a.slug),
      revisions: revisions.map((r) => ({ n: r.n, title: r.title, authorName: r.authorName, at: r.at.toISOString(), published: !!r.publishedAt })),
      feedback,
    };
  }

  async function list(site: string, status?: 'draft' | 'published'): Promise<HcArticleDto[]> {
    const docs = await Article.find({ site }).sort({ updatedAt: -1 }).limit(1000).lean();
    return docs.map(toDto).filter((a) => !status || a.status === status);
  }

  /** The published article behind a slug of the site: `redirect` when the slug is an old one. */
  async function published(
    site: string,
    slug: string,
  ): Promise<{ article: ArticleDoc & { published: NonNullable<ArticleDoc['published']> }; redirect?: string } | null> {
    const s = await Slug.findById(`${site}:${slug}`).lean();
    if (!s) return null;
    const a = await Article.findById(s.articleId).lean();
    if (!a?.published) return null;
    return { article: a as ArticleDoc & { published: NonNullable<ArticleDoc['published']> }, ...(a.slug !== slug ? { redirect: a.slug } : {}) };
  }

  async function publishedList(site: string): Promise<ArticleDoc[]> {
    return (await Article.find({ site }).sort({ updatedAt: -1 }).limit(5000).lean()).filter((a) => a.published);
  }

  async function feedbackCounts(articleId: Types.ObjectId): Promise<{ yes: number; no: number }> {
    const [yes, no] = await Promise.all([Feedback.countDocuments({ articleId, helpful: true }), Feedback.countDocuments({ articleId, helpful: false })]);
    return { yes, no };
  }

  async function recordFeedback(site: string, slug: string, helpful: boolean): Promise<{ yes: number; no: number }> {
    const found = await published(site, slug);
    if (!found) throw new AppError('not_found', 'No such article');
    await Feedback.create({ articleId: found.article._id, site, helpful, at: clock.now() });
    return feedbackCounts(found.article._id);
  }

  /** Per site: the articles with the most "Yes" answers, recounted at most once a minute. */
  const popularCache = new Map<string, { at: number; ids: string[] }>();
  const POPULAR_TTL_MS = 60_000;
  async function popularIds(site: string, limit: number): Promise<string[]> {
    const hit = popularCache.get(site);
    const now = clock.now().getTime();
    if (hit && now - hit.at < POPULAR_TTL_MS) return hit.ids.slice(0, limit);
    const rows = await Feedback.aggregate<{ _id: Types.ObjectId; n: number }>([
      { $match: { site, helpful: true } },
      { $group: { _id: '$articleId', n: { $sum: 1 } } },
      { $sort: { n: -1, _id: 1 } },
      // Room for articles that have since been unpublished.
      { $limit: 50 },
    ]);
    const ids = rows.map((r) => String(r._id));
    popularCache.set(site, { at: now, ids });
    return ids.slice(0, limit);
  }

  function defaults(site: string) {
    return { _id: site, enabled: false, name: 'Help Center', logoText: 'Help Center', color: '#1f6feb', defaultLocale: 'en' };
  }
  async function getSettingsDoc(site: string) {
    return (await Settings.findById(site).lean()) ?? defaults(site);
  }
  async function getSettings(site: string): Promise<HcSettingsDto> {
    const { _id, ...rest } = await getSettingsDoc(site);
    const path = `/help/${encodeURIComponent(site)}/`;
    return { site: _id, ...rest, url: publicUrl ? new URL(path, publicUrl).href : path };
  }
  /** The sites whose Help Center is on. */
  async function enabledSites(): Promise<string[]> {
    return (await Settings.find({ enabled: true }).limit(1000).lean()).map((d) => d._id);
  }
  async function putSettings(site: string, input: HcSettingsInput): Promise<HcSettingsDto> {
    await Settings.updateOne({ _id: site }, { $set: input }, { upsert: true });
    return getSettings(site);
  }

  return { create, update, publish, unpublish, detail, list, published, publishedList, recordFeedback, getSettings, putSettings, enabledSites, popularIds };
}
export type ArticleService = ReturnType<typeof createArticleService>;
