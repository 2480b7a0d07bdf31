import { useEffect, useState } from 'preact/hooks';
import { API_SCOPE_LABELS, API_SCOPES, type ApiScope } from '@kamflo/shared/constants';
import type { ApiTokenDto } from '@kamflo/shared';
import { useDeps } from '../../app-context.tsx';
import { ApiError } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';

const messageOf = (e: unknown) => (e instanceof ApiError ? e.message : 'Something went wrong');

/** Settings → API tokens (admins): create one with a name and scopes, see its secret once, revoke. */
export function ApiTokens() {
  const { api } = useDeps();
  const [tokens, setTokens] = useState<ApiTokenDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);

  useEffect(() => {
    api.call('GET /api/admin/api-tokens').then(setTokens, (e) => setError(messageOf(e)));
  }, [api]);

  async function revoke(t: ApiTokenDto) {
    try {
      const revoked = await api.call('POST /api/admin/api-tokens/:id/revoke', { params: { id: t.id } });
      setTokens((list) => (list ?? []).map((x) => (x.id === revoked.id ? revoked : x)));
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <section class="card api-tokens" aria-labelledby="api-tokens-title">
      <h2 id="api-tokens-title" class="card-title">
        API tokens
      </h2>
      <p class="muted small">
        Other systems call the REST API with <code>Authorization: Bearer &lt;token&gt;</code>; each token reaches only the routes of its scopes.
      </p>
      <CreateTokenForm
        onCreated={(token, secret) => {
          setTokens((list) => [token, ...(list ?? [])]);
          setCreated({ name: token.name, secret });
        }}
      />
      {created && <NewSecret {...created} onDone={() => setCreated(null)} />}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {tokens && <TokenList tokens={tokens} onRevoke={revoke} />}
    </section>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (token: ApiTokenDto, secret: string) => void }) {
  const { api } = useDeps();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiScope[]>([]);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      class="api-token-form"
      aria-label="New API token"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          const r = await api.call('POST /api/admin/api-tokens', { body: { name, scopes } });
          onCreated(r.token, r.secret);
          setName('');
          setScopes([]);
          setError(null);
        } catch (err) {
          setError(messageOf(err));
        }
      }}
    >
      <label class="inline-field">
        <span>Token name</span>
        <input type="text" value={name} maxLength={60} required onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <fieldset>
        <legend>Scopes</legend>
        {API_SCOPES.map((scope) => (
          <label key={scope} class="inline-field">
            <input
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                setScopes((list) => (on ? [...list, scope] : list.filter((s) => s !== scope)));
              }}
            />
            <span>
              <code>{scope}</code> {API_SCOPE_LABELS[scope]}
            </span>
          </label>
        ))}
      </fieldset>
      <button type="submit" class="button primary" disabled={!name.trim() || !scopes.length}>
        Create token
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** The secret of a token just created: shown this once, with a copy button. */
function NewSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <div class="api-token-secret" role="region" aria-label={`Secret of ${name}`}>
      <p>Copy the secret of “{name}” now: it is not shown again.</p>
      <input type="text" readOnly value={secret} aria-label={`API token secret for ${name}`} onFocus={(e) => e.currentTarget.select()} />
      <button
        type="button"
        class="button"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(secret);
            setCopied('Copied');
          } catch {
            setCopied('Copying failed: select the secret and copy it');
          }
        }}
      >
        Copy secret
      </button>
      <button type="button" class="button ghost" onClick={onDone}>
        Done
      </button>
      {copied && (
        <span class="muted" role="status">
          {copied}
        </span>
      )}
    </div>
  );
}

function TokenList({ tokens, onRevoke }: { tokens: ApiTokenDto[]; onRevoke: (t: ApiTokenDto) => void }) {
  if (!tokens.length) return <p class="muted">No API tokens yet.</p>;
  return (
    <table aria-label="API tokens">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Scopes</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {tokens.map((t) => (
          <tr key={t.id}>
            <td>
              {t.name} <code class="muted">{t.prefix}…</code>
            </td>
            <td>{t.scopes.join(', ')}</td>
            <td>
              {formatDateTime(t.createdAt)} by {t.createdBy.name}
            </td>
            <td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'Never'}</td>
            <td>
              {t.revokedAt ? (
                <span>Revoked {formatDateTime(t.revokedAt)}</span>
              ) : (
                <button type="button" class="button ghost small" onClick={() => onRevoke(t)}>
                  Revoke <span class="visually-hidden">{t.name}</span>
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
