import { useEffect, useState } from 'preact/hooks';
import type { SocialConnectionDto } from '@kamflo/shared';
import { useDeps } from '../../app-context.tsx';
import { ApiError } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';

const messageOf = (e: unknown) => (e instanceof ApiError ? e.message : 'Something went wrong');

/** Settings → Channels (admins): connect a Telegram bot to a site, see the connected bots, disconnect. */
export function Channels() {
  const { api } = useDeps();
  const [list, setList] = useState<SocialConnectionDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.call('GET /api/admin/channels').then(setList, (e) => setError(messageOf(e)));
  }, [api]);
  const telegram = (list ?? []).filter((c) => c.channel === 'telegram');

  return (
    <section class="card channels" aria-labelledby="channels-title">
      <h2 id="channels-title" class="card-title">
        Channels
      </h2>
      <section aria-labelledby="telegram-title">
        <h3 id="telegram-title">Telegram</h3>
        <p class="muted small">
          Customers write to your bot; their chats arrive as conversations. Create the bot with @BotFather and paste its token: Kamflo sets the bot's webhook
          with a secret token. The token is stored on the server and never shown again.
        </p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {list && !telegram.length && <p class="muted">No Telegram bot connected.</p>}
        {telegram.length > 0 && (
          <ul class="channel-list">
            {telegram.map((c) => (
              <ConnectionItem key={c.id} connection={c} onRemoved={() => setList((l) => (l ?? []).filter((x) => x.id !== c.id))} />
            ))}
          </ul>
        )}
        <ConnectTelegram onConnected={(c) => setList((l) => [...(l ?? []).filter((x) => x.site !== c.site), c])} />
      </section>
    </section>
  );
}

function ConnectionItem({ connection: c, onRemoved }: { connection: SocialConnectionDto; onRemoved: () => void }) {
  const { api } = useDeps();
  const [error, setError] = useState<string | null>(null);
  const name = c.account.username ? `@${c.account.username}` : c.account.name;
  return (
    <li>
      <strong>{name}</strong> <span class="muted small">site {c.site}</span>
      <span class="muted small"> · connected {formatDateTime(c.connectedAt)}</span>
      {c.lastInboundAt && <span class="muted small"> · last message {formatDateTime(c.lastInboundAt)}</span>}
      <button
        type="button"
        class="button ghost small"
        aria-label={`Disconnect ${name}`}
        onClick={async () => {
          try {
            await api.call('DELETE /api/admin/channels/:id', { params: { id: c.id } });
            onRemoved();
          } catch (e) {
            setError(messageOf(e));
          }
        }}
      >
        Disconnect
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

function ConnectTelegram({ onConnected }: { onConnected: (c: SocialConnectionDto) => void }) {
  const { api } = useDeps();
  const [site, setSite] = useState('default');
  const [botToken, setBotToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      aria-label="Connect a Telegram bot"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        try {
          onConnected(await api.call('POST /api/admin/channels/telegram', { body: { site, botToken } }));
          setBotToken('');
          setError(null);
        } catch (err) {
          setError(messageOf(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <label class="inline-field">
        <span>Site</span>
        <input type="text" value={site} required onInput={(e) => setSite(e.currentTarget.value)} />
      </label>
      <label class="inline-field">
        <span>Bot token</span>
        <input type="password" autocomplete="off" value={botToken} required onInput={(e) => setBotToken(e.currentTarget.value)} />
      </label>
      <button type="submit" class="button primary" disabled={busy}>
        Connect
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
