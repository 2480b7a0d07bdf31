import { useEffect, useState } from 'preact/hooks';
import { DEFAULT_SITE } from '@kamflo/shared/constants';
import type { SiteSecretDto } from '@kamflo/shared';
import { useDeps } from '../../app-context.tsx';
import { ApiError } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';

const messageOf = (e: unknown) => (e instanceof ApiError ? e.message : 'Something went wrong');

/**
 * Settings → Identity verification (admins): the site's secret, which the site's backend uses to
 * prove who a signed-in user is (a hash or a JWT), "Require verified identity", and "Rotate secret".
 */
export function IdentitySettings({ site = DEFAULT_SITE }: { site?: string }) {
  const { api } = useDeps();
  const [state, setState] = useState<SiteSecretDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.call('GET /api/admin/sites/:site/secret', { params: { site } }).then(setState, (e) => setError(messageOf(e)));
  }, [api, site]);

  async function run(action: () => Promise<SiteSecretDto>) {
    setBusy(true);
    try {
      setState(await action());
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card identity-settings" aria-labelledby="identity-settings-title">
      <h2 id="identity-settings-title" class="card-title">
        Identity verification
      </h2>
      <p class="muted small">
        Your site's backend proves who a signed-in user is with this secret: a <code>hash</code> (hex HMAC-SHA256 of the user id) or an HS256 <code>jwt</code>{' '}
        passed to <code>Kamflo('boot', {'{ user }'})</code>. Keep it on your server, never in the page.
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {state && (
        <>
          <div class="inline-field">
            <label for="identity-secret">Site secret</label>
            <input id="identity-secret" type={shown ? 'text' : 'password'} readOnly value={state.secret} size={46} class="mono" />
            <button type="button" class="button small" aria-pressed={shown} onClick={() => setShown(!shown)}>
              {shown ? 'Hide secret' : 'Show secret'}
            </button>
          </div>
          <p class="muted small">Last rotated {formatDateTime(state.rotatedAt)}</p>
          <label class="inline-field">
            <input
              type="checkbox"
              checked={state.requireVerifiedIdentity}
              disabled={busy}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                void run(() => api.call('PUT /api/admin/sites/:site/identity', { params: { site }, body: { requireVerifiedIdentity: on } }));
              }}
            />
            <span>Require verified identity</span>
          </label>
          <p class="muted small">
            {state.requireVerifiedIdentity
              ? 'A visitor claiming a user without a valid hash or JWT is refused. Anonymous visitors can still chat.'
              : 'A user without a valid hash or JWT is accepted but shown to agents as unverified, and never sees a verified user’s history.'}
          </p>
          {confirming ? (
            <div class="confirm" role="group" aria-label="Confirm rotating the secret">
              <p>
                Rotate the secret? Every hash and JWT made with the current one stops working, and every visitor of this site is signed out of the chat until
                your backend uses the new secret.
              </p>
              <button
                type="button"
                class="button danger"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    const rotated = await api.call('POST /api/admin/sites/:site/secret', { params: { site } });
                    setConfirming(false);
                    return rotated;
                  })
                }
              >
                Yes, rotate secret
              </button>
              <button type="button" class="button ghost" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          ) : (
            <button type="button" class="button" onClick={() => setConfirming(true)}>
              Rotate secret
            </button>
          )}
        </>
      )}
    </section>
  );
}
