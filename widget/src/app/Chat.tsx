import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_MESSAGE_LENGTH } from '@kamflo/shared/constants';
import { Field, FormError, useForm } from './form.tsx';
import { linesOf, queueOf, shouldLeaveMessage, type ChatState, type ChatStore, type Line } from './store.ts';

/**
 * One line about where the conversation stands. When the server already said it in the log
 * (it posts "Alice joined the chat" and the ticket number as system messages), it isn't repeated.
 */
export function noticeOf(s: ChatState): string {
  const c = s.conversation;
  const said = (t: string) => s.messages.some((m) => m.author === 'system' && m.text.includes(t));
  const q = queueOf(s);
  if (s.typing) return `${s.typing} is typing…`;
  switch (c?.status) {
    case 'queued':
    case 'offered':
      // The server's estimate is never 0 s, so this says at least "about 1 min".
      return q ? `Queue position: ${q.position} · about ${Math.ceil(q.etaSeconds / 60)} min` : 'Waiting for an agent…';
    case 'active': {
      const who = c.agentName ?? 'An agent';
      return said(`${who} joined`) ? '' : `${who} joined the chat`;
    }
    case 'ticket': {
      const n = c.ticketNumber ? `#${c.ticketNumber}` : '';
      return n && said(n) ? '' : `We've turned this into ticket ${n || 'for you'}. We'll reply here.`;
    }
    case 'ended':
      return 'This chat has ended. Write below to start a new one.';
    default:
      return '';
  }
}

export function ChatPanel({ store, state: s, visible }: { store: ChatStore; state: ChatState; visible: boolean }) {
  useEffect(() => {
    // Read means on screen: the chat tab of the open panel, in the browser tab in front.
    const read = () => visible && !document.hidden && store.read();
    read();
    addEventListener('visibilitychange', read);
    return () => removeEventListener('visibilitychange', read);
  }, [visible, s.messages, s.connected]);
  if (s.leftTicket) {
    return (
      <div class="kf-done">
        <p class="kf-done-title" role="status">{`Thanks! Your ticket number is #${s.leftTicket}`}</p>
        <p>{s.emailEnabled ? "We'll get back to you as soon as we can, here and by email." : "We'll get back to you here as soon as we can."}</p>
        <button type="button" class="kf-secondary" onClick={store.dismissLeft}>
          Back to chat
        </button>
      </div>
    );
  }
  const leave = shouldLeaveMessage(s);
  const lines = linesOf(s);
  const end = async () => {
    // The button goes with the chat: keep the keyboard in the panel, where the next chat starts.
    if ((await store.end()).ok) document.querySelector<HTMLElement>('#kf-tabpanel-chat :is(textarea,input)')?.focus();
  };
  return (
    <>
      <p class="kf-notice" role="status">
        {noticeOf(s)}
      </p>
      {['queued', 'offered', 'active'].includes(s.conversation?.status ?? '') && (
        <div class="kf-end">
          <FormError text={s.endError} />
          <button type="button" class="kf-link" onClick={end}>
            End chat
          </button>
        </div>
      )}
      {(!leave || lines.length > 0) && <Log lines={lines} onRetry={store.retry} visible={visible} />}
      {leave ? <LeaveMessage store={store} emailEnabled={s.emailEnabled === true} /> : <Composer store={store} />}
    </>
  );
}

const STATE_TEXT = { sending: 'Sending…', sent: 'Sent', seen: 'Seen', failed: 'Not sent' };

function Log({ lines, onRetry, visible }: { lines: Line[]; onRetry: () => void; visible: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  // Newest at the bottom, in view: on every new line and whenever the log is shown again.
  useEffect(() => {
    const el = ref.current;
    if (el && visible) el.scrollTop = el.scrollHeight;
  }, [lines.length, visible]);
  return (
    <div ref={ref} class="kf-log" role="log" aria-live="polite" aria-label="Conversation">
      {lines.length === 0 && <p class="kf-empty">Hi there! Ask us anything — we're happy to help.</p>}
      {lines.map((l) => (
        <div key={l.key} class={`kf-msg kf-${l.author}`}>
          {l.author !== 'system' && <span class="kf-author">{l.author === 'visitor' ? 'You' : (l.authorName ?? 'Agent')}</span>}
          <p class="kf-text">{l.text}</p>
          {l.state && (
            <span class={`kf-state kf-${l.state}`}>
              {STATE_TEXT[l.state]}
              {l.state === 'failed' && (
                <button type="button" class="kf-link" onClick={onRetry}>
                  Retry
                </button>
              )}
            </span>
          )}
        </div>
      ))}
    </div>
  );
}

function Composer({ store }: { store: ChatStore }) {
  const [text, setText] = useState('');
  const send = (e?: Event) => {
    e?.preventDefault();
    if (!text.trim()) return;
    store.send(text);
    setText('');
  };
  return (
    <form class="kf-composer" onSubmit={send}>
      <label for="kf-message" class="kf-sr">
        Message
      </label>
      <textarea
        id="kf-message"
        rows={1}
        placeholder="Write a message…"
        maxLength={MAX_MESSAGE_LENGTH}
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          store.typing(!!e.currentTarget.value.trim());
        }}
        onKeyDown={(e) => {
          // Enter sends; Shift+Enter (and Enter while composing with an IME) makes a new line.
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e);
        }}
      />
      <button type="submit" class="kf-primary">
        Send
      </button>
    </form>
  );
}

function LeaveMessage({ store, emailEnabled }: { store: ChatStore; emailEnabled: boolean }) {
  const form = useForm(['email', 'text'] as const);
  return (
    <form class="kf-form" noValidate onSubmit={form.submit(store.leaveMessage)}>
      <p class="kf-away">
        <strong>No one is available right now</strong>
        <br />
        {emailEnabled ? "Leave a message and we'll get back to you by email." : "Leave a message and we'll get back to you here."}
      </p>
      <Field form="kf-leave" label="Email" type="email" autocomplete="email" {...form.field('email')} />
      <Field form="kf-leave" label="Message" multiline {...form.field('text')} />
      <FormError text={form.summary} />
      <button type="submit" class="kf-primary" disabled={form.busy}>
        Leave a message
      </button>
    </form>
  );
}
