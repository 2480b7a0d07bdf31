import { useEffect, useState } from 'preact/hooks';
import { WEBHOOK_EVENTS, type WebhookEvent } from '@kamflo/shared/constants';
import type { WebhookDeliveryDto, WebhookDto } from '@kamflo/shared';
import { useDeps } from '../../app-context.tsx';
import { ApiError } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';

const messageOf = (e: unknown) => (e instanceof ApiError ? e.message : 'Something went wrong');
const STATE_LABELS: Record<WebhookDeliveryDto['state'], string> = { queued: 'Queued', retrying: 'Retrying', sent: 'Sent', failed: 'Failed' };

/** Settings → Webhooks (admins): register an endpoint for events, see its secret once, its delivery log, Send test. */
export function Webhooks() {
  const { api } = useDeps();
  const [hooks, setHooks] = useState<WebhookDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  useEffect(() => {
    api.call('GET /api/admin/webhooks').then(setHooks, (e) => setError(messageOf(e)));
  }, [api]);

  return (
    <section class="card webhooks" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title" class="card-title">
        Webhooks
      </h2>
      <p class="muted small">Kamflo POSTs each event, signed with the webhook's secret (Kamflo-Signature), and retries until your endpoint answers 2xx.</p>
      <CreateWebhookForm
        onCreated={(w, secret) => {
          setHooks((list) => [w, ...(list ?? [])]);
          setCreated({ url: w.url, secret });
        }}
      />
      {created && (
        <div class="webhook-secret" role="region" aria-label={`Signing secret of ${created.url}`}>
          <p>Copy the signing secret now: it is not shown again.</p>
          <input type="text" readOnly value={created.secret} aria-label={`Signing secret for ${created.url}`} />
          <button type="button" class="button ghost" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {hooks && !hooks.length && <p class="muted">No webhooks yet.</p>}
      {hooks?.map((w) => (
        <WebhookItem key={w.id} webhook={w} onRemoved={() => setHooks((list) => (list ?? []).filter((x) => x.id !== w.id))} />
      ))}
    </section>
  );
}

function CreateWebhookForm({ onCreated }: { onCreated: (w: WebhookDto, secret: string) => void }) {
  const { api } = useDeps();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      aria-label="New webhook"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          const r = await api.call('POST /api/admin/webhooks', { body: { url, events } });
          onCreated(r.webhook, r.secret);
          setUrl('');
          setEvents([]);
          setError(null);
        } catch (err) {
          setError(messageOf(err));
        }
      }}
    >
      <label class="inline-field">
        <span>Endpoint URL</span>
        <input type="url" value={url} required placeholder="https://" onInput={(e) => setUrl(e.currentTarget.value)} />
      </label>
      <fieldset>
        <legend>Events</legend>
        {WEBHOOK_EVENTS.map((ev) => (
          <label key={ev} class="inline-field">
            <input
              type="checkbox"
              checked={events.includes(ev)}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                setEvents((list) => (on ? [...list, ev] : list.filter((x) => x !== ev)));
              }}
            />
            <span>{ev}</span>
          </label>
        ))}
      </fieldset>
      <button type="submit" class="button primary" disabled={!url.trim() || !events.length}>
        Add webhook
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function WebhookItem({ webhook, onRemoved }: { webhook: WebhookDto; onRemoved: () => void }) {
  const { api } = useDeps();
  const [log, setLog] = useState<WebhookDeliveryDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => api.call('GET /api/admin/webhooks/:id/deliveries', { params: { id: webhook.id } }).then(setLog, (e) => setError(messageOf(e)));
  useEffect(() => {
    void load();
  }, [webhook.id]);
  return (
    <article class="webhook" aria-label={`Webhook ${webhook.url}`}>
      <h3>{webhook.url}</h3>
      <p class="muted small">{webhook.events.join(', ')}</p>
      <button
        type="button"
        class="button small"
        onClick={async () => {
          try {
            const d = await api.call('POST /api/admin/webhooks/:id/test', { params: { id: webhook.id } });
            setLog((list) => [d, ...(list ?? []).filter((x) => x.id !== d.id)]);
            setError(null);
          } catch (e) {
            setError(messageOf(e));
          }
        }}
      >
        Send test <span class="visually-hidden">to {webhook.url}</span>
      </button>
      <button
        type="button"
        class="button ghost small"
        onClick={async () => {
          try {
            await api.call('DELETE /api/admin/webhooks/:id', { params: { id: webhook.id } });
            onRemoved();
          } catch (e) {
            setError(messageOf(e));
          }
        }}
      >
        Remove <span class="visually-hidden">{webhook.url}</span>
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {log && (
        <table aria-label={`Deliveries to ${webhook.url}`}>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">State</th>
              <th scope="col">Response</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last change</th>
            </tr>
          </thead>
          <tbody>
            {log.map((d) => (
              <tr key={d.id}>
                <td>{d.event}</td>
                <td>
                  {STATE_LABELS[d.state]}
                  {d.error ? ` · ${d.error}` : ''}
                  {d.nextAttemptAt ? ` · next try ${formatDateTime(d.nextAttemptAt)}` : ''}
                </td>
                <td>{d.responseStatus ?? '—'}</td>
                <td>{d.attempts}</td>
                <td>{formatDateTime(d.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}
