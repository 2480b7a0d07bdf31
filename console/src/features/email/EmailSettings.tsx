import { useEffect, useState } from 'preact/hooks';
import type { EmailStatusDto } from '@kamflo/shared';
import { useAppStore } from '../../app-context.tsx';
import { formatDateTime } from '../../lib/format.ts';

const mb = (n: number) => `${Math.round(n / 1048576)} MB`;

/** Settings → Email: whether each direction is connected, the acknowledgement switch, the limits. */
export function EmailSettings() {
  const load = useAppStore((s) => s.loadEmailStatus);
  const status = useAppStore((s) => s.emailStatus);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void load().then((r) => setError(r.ok ? null : r.message));
  }, [load]);
  return (
    <section class="card email-settings" aria-labelledby="email-settings-title">
      <h2 id="email-settings-title" class="card-title">
        Email
      </h2>
      {error && <p class="error">Couldn't load the email settings: {error}</p>}
      {status && <EmailStatus status={status} />}
    </section>
  );
}

function Line(props: { label: string; state: 'connected' | 'off' | 'problem'; text: string; detail?: string }) {
  const word = { connected: 'Connected', off: 'Not configured', problem: 'Not connected' }[props.state];
  return (
    <div class={`email-direction email-${props.state}`}>
      <dt>{props.label}</dt>
      <dd>
        <strong>{word}</strong>
        {props.text && ` · ${props.text}`}
        {props.detail && <span class="error"> · {props.detail}</span>}
      </dd>
    </div>
  );
}

function EmailStatus({ status }: { status: EmailStatusDto }) {
  const setAcknowledge = useAppStore((s) => s.setAcknowledge);
  const [message, setMessage] = useState<string | null>(null);
  const { outbound, inbound } = status;
  const anyInbound = inbound.smtp.configured || inbound.imap.configured;
  return (
    <>
      <p class="muted">
        {status.supportAddress
          ? `Support address: ${status.supportAddress}`
          : 'Email is off: set KAMFLO_SUPPORT_ADDRESS and KAMFLO_SMTP_URL (see the README, "Connect your mailbox").'}
      </p>
      <dl class="facts email-directions">
        <Line
          label="Outbound (replies by email)"
          state={!outbound.configured ? 'off' : outbound.connected ? 'connected' : 'problem'}
          text={outbound.configured ? `SMTP ${outbound.server}` : 'KAMFLO_SMTP_URL is not set: replies reach customers only in the chat widget'}
          {...(outbound.error ? { detail: outbound.error } : {})}
        />
        <Line
          label="Inbound: Kamflo's SMTP listener"
          state={!inbound.smtp.configured ? 'off' : inbound.smtp.listening ? 'connected' : 'problem'}
          text={inbound.smtp.configured ? (inbound.smtp.listening ? `listening on port ${inbound.smtp.port}` : '') : 'KAMFLO_INBOUND_SMTP_PORT is not set'}
          {...(inbound.smtp.error ? { detail: inbound.smtp.error } : {})}
        />
        <Line
          label="Inbound: IMAP mailbox"
          state={!inbound.imap.configured ? 'off' : inbound.imap.connected ? 'connected' : 'problem'}
          text={
            inbound.imap.configured
              ? `${inbound.imap.server} · ${inbound.imap.mailbox}${inbound.imap.lastPollAt ? ` · last checked ${formatDateTime(inbound.imap.lastPollAt)}` : ''}`
              : 'KAMFLO_IMAP_URL is not set'
          }
          {...(inbound.imap.error ? { detail: inbound.imap.error } : {})}
        />
      </dl>
      {!anyInbound && <p class="muted small">No inbound mail: customers' emails do not become tickets until a mailbox is connected.</p>}
      <p class="muted small">
        Limits: {mb(status.limits.maxMessageBytes)} per message, {mb(status.limits.maxAttachmentBytes)} per attachment.
      </p>
      <label class="inline-field">
        <input
          type="checkbox"
          checked={status.acknowledge}
          disabled={!outbound.configured}
          onChange={async (e) => {
            const r = await setAcknowledge(e.currentTarget.checked);
            setMessage(r.ok ? 'Saved' : r.message);
          }}
        />
        <span>Acknowledge new email tickets ("we got your request, ticket #N")</span>
      </label>
      {message && (
        <p class="muted" role="status">
          {message}
        </p>
      )}
    </>
  );
}
