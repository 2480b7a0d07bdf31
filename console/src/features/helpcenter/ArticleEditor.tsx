import { useEffect, useState } from 'preact/hooks';
import { can } from '@kamflo/shared/constants';
import type { HcArticleDetailDto } from '@kamflo/shared';
import { useAppStore, useDeps } from '../../app-context.tsx';
import { errorMessage } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { Link } from '../../ui/Link.tsx';
import { statusLabel } from './article-status.ts';

interface Fields {
  title: string;
  body: string;
  category: string;
  section: string;
  locale: string;
  slug: string;
}
const EMPTY: Fields = { title: '', body: '', category: '', section: '', locale: '', slug: '' };
const fieldsOf = (a: HcArticleDetailDto): Fields => ({
  title: a.title,
  body: a.body,
  category: a.category,
  section: a.section,
  locale: a.locale,
  slug: a.slug,
});
const same = (a: Fields, b: Fields) => (Object.keys(a) as (keyof Fields)[]).every((k) => a[k] === b[k]);

/**
 * A new article (no `id`) or an article's editor: title, Markdown body, category, section,
 * locale and slug; Preview shows the server's sanitized rendering; Publish and Unpublish only for
 * roles that may publish; the article's edit history.
 */
export function ArticleEditor({
  id,
  site,
  initial,
  onCreated,
}: {
  id?: string;
  site: string;
  /** The article as the previous editor left it (just created), with what was said about it. */
  initial?: { article: HcArticleDetailDto; notice: string; preview: string | null };
  /** A new article was saved: the address now names it. */
  onCreated?: (handoff: { article: HcArticleDetailDto; notice: string; preview: string | null }) => void;
}) {
  const { api } = useDeps();
  const me = useAppStore((s) => s.agent);
  const mayPublish = !!me && can(me.role, 'helpcenter.publish');
  const [article, setArticle] = useState<HcArticleDetailDto | null>(initial?.article ?? null);
  const [fields, setFields] = useState<Fields>(initial ? fieldsOf(initial.article) : EMPTY);
  const [preview, setPreview] = useState<string | null>(initial?.preview ?? null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(initial?.notice ?? null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!id || initial?.article.id === id) return;
    api.call('GET /api/helpcenter/articles/:id', { params: { id } }).then(
      (a) => {
        setArticle(a);
        setFields(fieldsOf(a));
      },
      (e) => setError(errorMessage(e)),
    );
  }, [api, id]);

  const dirty = !article || !same(fields, fieldsOf(article));
  const set = (k: keyof Fields) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => {
    const value = e.currentTarget.value;
    setFields((f) => ({ ...f, [k]: value }));
    setSaved(null);
  };

  /** Saves the draft when it changed (creating the article when new); the saved article. */
  async function save(): Promise<HcArticleDetailDto> {
    if (article && !dirty) return article;
    const optional = { ...(fields.locale.trim() ? { locale: fields.locale.trim() } : {}), ...(fields.slug.trim() ? { slug: fields.slug.trim() } : {}) };
    const body = { title: fields.title, body: fields.body, category: fields.category, section: fields.section, ...optional };
    const a = article
      ? await api.call('PUT /api/helpcenter/articles/:id', { params: { id: article.id }, body })
      : await api.call('POST /api/helpcenter/articles', { body: { site, ...body } });
    setArticle(a);
    setFields(fieldsOf(a));
    return a;
  }

  async function run(action: () => Promise<{ notice: string; article?: HcArticleDetailDto }>) {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const r = await action();
      setBusy(false);
      // After the first save, the address names the article.
      if (!id && r.article && onCreated) onCreated({ article: r.article, notice: r.notice, preview });
      else setSaved(r.notice);
    } catch (e) {
      setBusy(false);
      setError(errorMessage(e));
    }
  }

  const publishable = !article || article.status === 'draft' || article.unpublishedChanges || dirty;
  const title = article ? article.title : 'New article';
  return (
    <section class="card article-editor" aria-labelledby="article-title">
      <p>
        <Link to={{ view: 'helpcenter' }}>← All articles</Link>
      </p>
      <h2 id="article-title" class="card-title">
        {title}
      </h2>
      {article && (
        <p class="muted small" role="status" aria-label="Article status">
          {statusLabel(article)} · revision {article.revision}
          {article.publishedRevision !== null ? ` (revision ${article.publishedRevision} is public)` : ''} · {article.authorName},{' '}
          {formatDateTime(article.updatedAt)}
          {article.status === 'published' && (
            <>
              {' · '}
              <a href={article.url} target="_blank" rel="noopener noreferrer">
                View on the public site
              </a>
            </>
          )}
        </p>
      )}
      <form
        aria-label={article ? `Edit ${article.title}` : 'New article'}
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            return { notice: 'Draft saved', article: await save() };
          });
        }}
      >
        <label class="field">
          <span>Title</span>
          <input value={fields.title} required maxLength={200} onInput={set('title')} />
        </label>
        <label class="field">
          <span>Body (Markdown)</span>
          <textarea value={fields.body} rows={14} onInput={set('body')} />
        </label>
        <div class="field-row">
          <label class="field">
            <span>Category</span>
            <input value={fields.category} maxLength={80} onInput={set('category')} />
          </label>
          <label class="field">
            <span>Section</span>
            <input value={fields.section} maxLength={80} onInput={set('section')} />
          </label>
        </div>
        <div class="field-row">
          <label class="field">
            <span>Locale</span>
            <input value={fields.locale} maxLength={5} placeholder="the site's default" onInput={set('locale')} />
          </label>
          <label class="field">
            <span>Slug</span>
            <input value={fields.slug} maxLength={80} placeholder="from the title" onInput={set('slug')} />
          </label>
        </div>
        {article && article.oldSlugs.length > 0 && <p class="muted small">Old addresses that redirect here: {article.oldSlugs.join(', ')}</p>}
        <div class="actions">
          <button type="submit" class="button" disabled={busy || !dirty}>
            Save draft
          </button>
          <button
            type="button"
            class="button ghost"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                setPreview((await api.call('POST /api/helpcenter/preview', { body: { body: fields.body } })).html);
                return { notice: 'Preview updated' };
              })
            }
          >
            Preview
          </button>
          {mayPublish && publishable && (
            <button
              type="button"
              class="button primary"
              disabled={busy || !fields.title.trim()}
              onClick={() =>
                void run(async () => {
                  const a = await save();
                  const published = await api.call('POST /api/helpcenter/articles/:id/publish', { params: { id: a.id } });
                  setArticle(published);
                  setFields(fieldsOf(published));
                  return { notice: 'Published', article: published };
                })
              }
            >
              Publish
            </button>
          )}
          {mayPublish && article?.status === 'published' && (
            <button
              type="button"
              class="button ghost"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  const a = await api.call('POST /api/helpcenter/articles/:id/unpublish', { params: { id: article.id } });
                  setArticle(a);
                  setFields(fieldsOf(a));
                  return { notice: 'Unpublished' };
                })
              }
            >
              Unpublish
            </button>
          )}
        </div>
        {!mayPublish && <p class="muted small">Your role saves drafts; a team lead, manager or admin publishes them.</p>}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {saved && (
          <p class="muted small" role="status">
            {saved}
          </p>
        )}
      </form>
      {preview !== null && (
        <section class="article-preview" aria-labelledby="preview-title">
          <h3 id="preview-title">Preview</h3>
          {/* The server's rendering, sanitized there exactly as the public site shows it. */}
          <div class="article-preview-body" dangerouslySetInnerHTML={{ __html: preview }} />
        </section>
      )}
      {article && (
        <section aria-labelledby="history-title">
          <h3 id="history-title">History</h3>
          {article.feedback.yes + article.feedback.no > 0 && (
            <p class="muted small">
              Was this helpful? {article.feedback.yes} yes, {article.feedback.no} no
            </p>
          )}
          <ol class="article-history" aria-label="Edit history">
            {article.revisions.map((r) => (
              <li key={r.n}>
                Revision {r.n}: “{r.title}” by {r.authorName}, {formatDateTime(r.at)}
                {r.published ? ' · published' : ''}
              </li>
            ))}
          </ol>
        </section>
      )}
    </section>
  );
}
