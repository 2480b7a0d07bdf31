import { useEffect, useRef, useState } from 'preact/hooks';
import { can, DEFAULT_SITE } from '@kamflo/shared/constants';
import type { HcArticleDetailDto, HcArticleDto, HcSettingsDto } from '@kamflo/shared';
import { useAppStore, useDeps } from '../../app-context.tsx';
import { errorMessage } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { Link } from '../../ui/Link.tsx';
import { ArticleEditor } from './ArticleEditor.tsx';
import { HelpCenterSettings } from './HelpCenterSettings.tsx';
import { statusLabel } from './article-status.ts';

/** The Help Center section: the article list (and, for admins, the site's settings), a new article, or one article's editor. */
export function HelpCenterView({ article }: { article?: string }) {
  const me = useAppStore((s) => s.agent);
  const navigate = useAppStore((s) => s.navigate);
  // The site whose articles are listed; kept while moving between the list and an article.
  const [site, setSite] = useState(DEFAULT_SITE);
  // A new article, once saved, is opened at its own address without loading it again (a ref: the
  // store's navigate may render before a state update would land).
  const handoff = useRef<{ article: HcArticleDetailDto; notice: string; preview: string | null } | null>(null);
  if (article) {
    return (
      <ArticleEditor
        key={article}
        id={article === 'new' ? undefined : article}
        site={site}
        initial={handoff.current?.article.id === article ? handoff.current : undefined}
        onCreated={(h) => {
          handoff.current = h;
          navigate({ view: 'helpcenter', article: h.article.id });
        }}
      />
    );
  }
  return (
    <>
      <ArticleList site={site} onSite={setSite} />
      {me && can(me.role, 'helpcenter.configure') && <HelpCenterSettings key={site} site={site} />}
    </>
  );
}

const NONE = '\u0000';
/** Articles by category, then section, then title; the ones without a category last. */
function grouped(list: HcArticleDto[]): [string, HcArticleDto[]][] {
  const key = (s: string) => s || NONE;
  const sorted = [...list].sort(
    (a, b) => key(a.category).localeCompare(key(b.category)) || key(a.section).localeCompare(key(b.section)) || a.title.localeCompare(b.title),
  );
  const groups = new Map<string, HcArticleDto[]>();
  for (const a of sorted) groups.set(a.category, [...(groups.get(a.category) ?? []), a]);
  return [...groups].sort(([a], [b]) => key(a).localeCompare(key(b)));
}

function ArticleList({ site, onSite }: { site: string; onSite: (site: string) => void }) {
  const { api } = useDeps();
  const [articles, setArticles] = useState<HcArticleDto[] | null>(null);
  const [settings, setSettings] = useState<HcSettingsDto | null>(null);
  const [status, setStatus] = useState<'' | 'draft' | 'published'>('');
  const [locale, setLocale] = useState('');
  const [siteInput, setSiteInput] = useState(site);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setArticles(null);
    setError(null);
    api.call('GET /api/helpcenter/articles', { query: { site } }).then(setArticles, (e) => setError(errorMessage(e)));
    api.call('GET /api/helpcenter/settings', { query: { site } }).then(setSettings, () => setSettings(null));
  }, [api, site]);

  const locales = [...new Set((articles ?? []).map((a) => a.locale))].sort();
  const shown = (articles ?? []).filter((a) => (!status || a.status === status) && (!locale || a.locale === locale));
  return (
    <section class="card helpcenter" aria-labelledby="hc-title">
      <div class="card-head">
        <h2 id="hc-title" class="card-title">
          Help Center
        </h2>
        <Link to={{ view: 'helpcenter', article: 'new' }} class="button primary">
          New article
        </Link>
      </div>
      {settings && (
        <p class="muted small">
          {settings.enabled ? 'Public site: ' : 'The public site is off (an admin turns it on below). Its address: '}
          <a href={settings.url} target="_blank" rel="noopener noreferrer">
            {settings.url}
          </a>
        </p>
      )}
      <div class="actions">
        <form
          class="inline-field"
          aria-label="Choose a site"
          onSubmit={(e) => {
            e.preventDefault();
            if (/^[a-z0-9-]{1,40}$/.test(siteInput.trim())) onSite(siteInput.trim());
            else setError('A site key is 1–40 lowercase letters, digits or hyphens');
          }}
        >
          <label class="inline-field">
            <span>Site</span>
            <input value={siteInput} size={12} onInput={(e) => setSiteInput(e.currentTarget.value)} />
          </label>
          <button type="submit" class="button small">
            Show
          </button>
        </form>
        <label class="inline-field">
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)}>
            <option value="">All</option>
            <option value="draft">Drafts</option>
            <option value="published">Published</option>
          </select>
        </label>
        <label class="inline-field">
          <span>Locale</span>
          <select value={locale} onChange={(e) => setLocale(e.currentTarget.value)}>
            <option value="">All</option>
            {locales.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {articles && !shown.length && <p class="muted">{articles.length ? 'No articles match.' : 'No articles yet.'}</p>}
      {grouped(shown).map(([category, list]) => (
        <section key={category} class="hc-category" aria-label={category || 'No category'}>
          <h3>{category || 'No category'}</h3>
          <table class="ticket-table" aria-label={`Articles: ${category || 'No category'}`}>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Section</th>
                <th scope="col">Locale</th>
                <th scope="col">Status</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <tr key={a.id}>
                  <td class="subject">
                    <Link to={{ view: 'helpcenter', article: a.id }}>{a.title}</Link>
                  </td>
                  <td>{a.section || '—'}</td>
                  <td>{a.locale}</td>
                  <td>{statusLabel(a)}</td>
                  <td>
                    {formatDateTime(a.updatedAt)} · {a.authorName}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </section>
  );
}
