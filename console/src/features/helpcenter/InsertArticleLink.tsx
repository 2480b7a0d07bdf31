import { useState } from 'preact/hooks';
import type { HcSearchResultDto } from '@kamflo/shared';
import { useDeps } from '../../app-context.tsx';
import { ApiError, errorMessage } from '../../lib/api.ts';

/**
 * "Insert article link" beside a reply box: searches the site's published Help Center articles
 * (the public search, so only what customers can open) and hands back `Title: <public URL>`.
 */
export function InsertArticleLink({ site, onInsert }: { site: string; onInsert: (text: string) => void }) {
  const { api } = useDeps();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [results, setResults] = useState<HcSearchResultDto[] | null>(null);
  const [base, setBase] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function search() {
    if (!q.trim()) return;
    setBusy(true);
    setError(null);
    try {
      // The public address: the settings' url is absolute when the server knows its public URL.
      const home = base ?? new URL((await api.call('GET /api/helpcenter/settings', { query: { site } })).url, location.origin).href;
      setBase(home);
      setResults((await api.call('GET /api/helpcenter/search', { query: { site, q: q.trim(), limit: '8' } })).results);
    } catch (e) {
      setResults(null);
      setError(e instanceof ApiError && e.status === 404 ? "This site's Help Center is off: its articles have no public links." : errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <button type="button" class="button ghost small" aria-expanded="false" onClick={() => setOpen(true)}>
        Insert article link
      </button>
    );
  }
  return (
    <div class="article-link-picker" role="group" aria-label="Insert article link">
      <div class="actions">
        <label class="inline-field">
          <span>Search articles</span>
          <input
            type="search"
            value={q}
            maxLength={200}
            onInput={(e) => setQ(e.currentTarget.value)}
            onKeyDown={(e) => {
              // Enter searches here instead of sending the reply around it.
              if (e.key === 'Enter') {
                e.preventDefault();
                void search();
              }
            }}
          />
        </label>
        <button type="button" class="button small" disabled={busy || !q.trim()} onClick={() => void search()}>
          Search
        </button>
        <button type="button" class="button ghost small" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {results && !results.length && <p class="muted small">No published article matches.</p>}
      {results && results.length > 0 && base && (
        <ul class="article-link-results" aria-label="Articles">
          {results.map((r) => (
            <li key={r.slug}>
              <button
                type="button"
                class="button ghost small"
                aria-label={`Insert a link to “${r.title}”`}
                onClick={() => {
                  onInsert(`${r.title}: ${new URL(r.url, base).href}`);
                  setOpen(false);
                  setResults(null);
                  setQ('');
                }}
              >
                Insert “{r.title}”
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
