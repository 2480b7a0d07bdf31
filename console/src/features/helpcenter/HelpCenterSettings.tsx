import { useEffect, useState } from 'preact/hooks';
import type { HcSettingsInput } from '@kamflo/shared';
import { useDeps } from '../../app-context.tsx';
import { errorMessage } from '../../lib/api.ts';

/** Admins: a site's Help Center on or off, its name, logo text and colour, and default locale. */
export function HelpCenterSettings({ site }: { site: string }) {
  const { api } = useDeps();
  const [form, setForm] = useState<HcSettingsInput | null>(null);
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.call('GET /api/helpcenter/settings', { query: { site } }).then(
      ({ site: _site, url: u, ...rest }) => {
        setForm(rest);
        setUrl(u);
      },
      (e) => setError(errorMessage(e)),
    );
  }, [api, site]);

  const set = <K extends keyof HcSettingsInput>(k: K, v: HcSettingsInput[K]) => {
    setForm((f) => (f ? { ...f, [k]: v } : f));
    setSaved(false);
  };
  return (
    <section class="card hc-settings" aria-labelledby="hc-settings-title">
      <h2 id="hc-settings-title" class="card-title">
        Help Center settings
      </h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {form && (
        <form
          aria-label="Help Center settings"
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            try {
              const { site: _site, url: u, ...rest } = await api.call('PUT /api/helpcenter/settings', { query: { site }, body: form });
              setForm(rest);
              setUrl(u);
              setSaved(true);
            } catch (err) {
              setError(errorMessage(err));
            } finally {
              setBusy(false);
            }
          }}
        >
          <p class="muted small">
            Site <strong>{site}</strong>; public address {url}
          </p>
          <label class="field checkbox">
            <input type="checkbox" checked={form.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} />
            <span>Public Help Center enabled</span>
          </label>
          <div class="field-row">
            <label class="field">
              <span>Name</span>
              <input value={form.name} required maxLength={100} onInput={(e) => set('name', e.currentTarget.value)} />
            </label>
            <label class="field">
              <span>Logo text</span>
              <input value={form.logoText} required maxLength={40} onInput={(e) => set('logoText', e.currentTarget.value)} />
            </label>
          </div>
          <div class="field-row">
            <label class="field">
              <span>Logo colour</span>
              <input type="color" value={form.color} onInput={(e) => set('color', e.currentTarget.value)} />
            </label>
            <label class="field">
              <span>Default locale</span>
              <input value={form.defaultLocale} required maxLength={5} onInput={(e) => set('defaultLocale', e.currentTarget.value)} />
            </label>
          </div>
          <div class="actions">
            <button type="submit" class="button primary" disabled={busy}>
              Save settings
            </button>
            {saved && (
              <span class="muted small" role="status">
                Saved
              </span>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
