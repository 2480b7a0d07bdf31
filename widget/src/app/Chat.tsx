import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_MESSAGE_LENGTH } from '@kamflo/shared/constants';
import { Suggestions } from './articles.tsx';
import type { WidgetClient } from './client.ts';
import { Field, FormError, useForm } from './form.tsx';
import { History, titleOf } from './History.tsx';
import { errorText, joinedAgent, systemText, useT, type Translate } from './i18n.ts';
import { linesOf, queueOf, shouldLeaveMessage, unreadElsewhere, type ChatState, type ChatStore, type Line } from './store.ts';

/**
 * One line about where the conversation stands. When the server already said it in the log
 * (it posts "Alice joined the chat" and the ticket number as system lines), it isn't repeated.
 */
export function noticeOf(s: ChatState, t: Translate): string {
  const c = s.conversation;
  const system = s.messages.filter((m) => m.author === 'system');
  const q = queueOf(s);
  if (s.typing !== undefined) return t('typing', { name: s.typing || t('agent') });
  switch (c?.status) {
    case 'queued':
    case 'offered':
      // The server's estimate is never 0 s, so this says at least "about 1 min".
      return q ? t('queue', { position: q.position, minutes: Math.ceil(q.etaSeconds / 60) }) : t('waiting');
    case 'active': {
      if (c.agentName && system.some((m) => joinedAgent(m) === c.agentName)) return '';
      return t('joined', { agent: c.agentName ?? t('anAgent') });
    }
    case 'ticket': {
      const n = c.ticketNumber;
      if (n && system.some((m) => m.clientId === `sys_ticket_${n}`)) return '';
      return n ? t('ticket', { number: n }) : t('ticketNoNumber');
    }
    case 'ended':
      return t('ended');
    default:
      return '';
  }
}

export function ChatPanel({
  store,
  state: s,
  visible,
  prefill,
  suggest,
}: {
  store: ChatStore;
  state: ChatState;
  visible: boolean;
  prefill?: Prefill;
  /** With the site's Help Center on: the client that suggests articles while a first message is typed. */
  suggest?: WidgetClient;
}) {
  const t = useT();
  // "Your conversations" (list), or the chat: one opened from the list (where Back returns), or the current one.
  const [view, setView] = useState<'chat' | 'list' | 'opened'>('chat');
  // The page's showNewMessage goes to the chat, wherever the visitor was.
  useEffect(() => {
    if (prefill) setView('chat');
  }, [prefill?.n]);
  const focus = (selector: string) => setTimeout(() => document.querySelector<HTMLElement>(`#kf-tabpanel-chat ${selector}`)?.focus());
  const show = (next: typeof view) => {
    setView(next);
    focus(next === 'list' ? 'h2+button' : next === 'opened' ? '.kf-bar button' : 'textarea');
  };
  useEffect(() => {
    // Read means on screen: the chat tab of the open panel, in the browser tab in front.
    const read = () => visible && view !== 'list' && !document.hidden && store.read();
    read();
    addEventListener('visibilitychange', read);
    return () => removeEventListener('visibilitychange', read);
  }, [visible, view, s.messages, s.connected]);
  if (s.leftTicket) {
    return (
      <div class="kf-done">
        <p class="kf-done-title" role="status">
          {t('leftTitle', { number: s.leftTicket })}
        </p>
        <p>{t(s.emailEnabled ? 'leftBody' : 'leftBodyNoEmail')}</p>
        <button type="button" class="kf-secondary" onClick={store.dismissLeft}>
          {t('backToChat')}
        </button>
      </div>
    );
  }
  if (view === 'list')
    return (
      <History
        store={store}
        state={s}
        onOpen={(c) => {
          if (c) void store.open(c);
          else store.startNew();
          show(c ? 'opened' : 'chat');
        }}
      />
    );
  const c = s.conversation;
  const ticket = c?.status === 'ticket';
  const elsewhere = unreadElsewhere(s);
  // A ticket's thread has its own reply; "leave a message" is for a new chat nobody can take.
  const leave = !ticket && shouldLeaveMessage(s);
  const lines = linesOf(s);
  const end = async () => {
    // The button goes with the chat: keep the keyboard in the panel, where the next chat starts.
    if ((await store.end()).ok) document.querySelector<HTMLElement>('#kf-tabpanel-chat :is(textarea,input)')?.focus();
  };
  return (
    <>
      {s.synced && (
        <div class="kf-bar">
          <button type="button" class="kf-link" onClick={() => show('list')}>
            {t(view === 'opened' ? 'back' : 'yourConversations')}
          </button>
          {/* Beside the button, not in it: its name stays "Your conversations". */}
          {elsewhere > 0 && <span class="kf-unread">{t('unread', { count: elsewhere })}</span>}
        </div>
      )}
      <p class="kf-notice" role="status">
        {noticeOf(s, t)}
      </p>
      {(ticket || c?.status === 'ended') && (
        <div class="kf-after">
          {ticket && <strong>{titleOf(t, c)}</strong>}
          <button
            type="button"
            class="kf-secondary"
            onClick={() => {
              store.startNew();
              show('chat');
            }}
          >
            {t('newConversation')}
          </button>
        </div>
      )}
      <FormError text={s.identityError && errorText(t, { code: s.identityError })} />
      {['queued', 'offered', 'active'].includes(s.conversation?.status ?? '') && (
        <div class="kf-end">
          <FormError text={s.endError && errorText(t, { code: s.endError })} />
          <button type="button" class="kf-link" onClick={end}>
            {t('endChat')}
          </button>
        </div>
      )}
      {(!leave || lines.length > 0) && <Log lines={lines} onRetry={store.retry} visible={visible} />}
      {leave ? (
        <LeaveMessage store={store} prefill={prefill} emailEnabled={s.emailEnabled === true} />
      ) : ticket && c.ticketStatus === 'closed' ? (
        <p class="kf-notice">{t('ticketClosed')}</p>
      ) : ticket && !s.reply ? (
        // Writing into a ticket (and re-opening it) is the visitor's choice, never where a new question lands.
        <div class="kf-after">
          <button
            type="button"
            class="kf-secondary"
            onClick={() => {
              store.replyHere();
              focus('textarea');
            }}
          >
            {t('replyTicket')}
          </button>
        </div>
      ) : (
        <Composer store={store} prefill={prefill} suggest={lines.length ? undefined : suggest} />
      )}
    </>
  );
}

/** Text the page asked to put into the message box (`Kamflo('showNewMessage', text)`); `n` tells requests apart. */
export interface Prefill {
  text: string;
  n: number;
}

/** Fills a message box from a prefill, once per request, and focuses it. */
function usePrefill(prefill: Prefill | undefined, fill: (text: string) => void, id: string) {
  useEffect(() => {
    if (!prefill) return;
    fill(prefill.text);
    document.getElementById(id)?.focus();
  }, [prefill?.n]);
}

function Log({ lines, onRetry, visible }: { lines: Line[]; onRetry: () => void; visible: boolean }) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  // Newest at the bottom, in view: on every new line and whenever the log is shown again.
  useEffect(() => {
    const el = ref.current;
    if (el && visible) el.scrollTop = el.scrollHeight;
  }, [lines.length, visible]);
  return (
    <div ref={ref} class="kf-log" role="log" aria-live="polite" aria-label={t('conversation')}>
      {lines.length === 0 && <p class="kf-empty">{t('empty')}</p>}
      {lines.map((l) => (
        <div key={l.key} class={`kf-msg kf-${l.author}`}>
          {l.author !== 'system' && <span class="kf-author">{l.author === 'visitor' ? t('you') : (l.authorName ?? t('agent'))}</span>}
          {/* What people write may be in any script: the browser picks its direction. */}
          <p class="kf-text" dir={l.author === 'system' ? undefined : 'auto'}>
            {l.author === 'system' ? systemText(t, l) : l.text}
          </p>
          {l.state && (
            <span class={`kf-state kf-${l.state}`}>
              {t(l.state)}
              {l.state === 'failed' && (
                <button type="button" class="kf-link" onClick={onRetry}>
                  {t('retry')}
                </button>
              )}
            </span>
          )}
        </div>
      ))}
    </div>
  );
}

function Composer({ store, prefill, suggest }: { store: ChatStore; prefill?: Prefill; suggest?: WidgetClient }) {
  const t = useT();
  const [text, setText] = useState('');
  usePrefill(prefill, setText, 'kf-message');
  const send = (e?: Event) => {
    e?.preventDefault();
    if (!text.trim()) return;
    store.send(text);
    setText('');
  };
  return (
    <>
      <Suggestions client={suggest} text={text} />
      <form class="kf-composer" onSubmit={send}>
        <label for="kf-message" class="kf-sr">
          {t('message')}
        </label>
        <textarea
          id="kf-message"
          dir="auto"
          rows={1}
          placeholder={t('placeholder')}
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
          {t('send')}
        </button>
      </form>
    </>
  );
}

function LeaveMessage({ store, prefill, emailEnabled }: { store: ChatStore; prefill?: Prefill; emailEnabled: boolean }) {
  const t = useT();
  const form = useForm(['email', 'text'] as const);
  const text = form.field('text');
  usePrefill(prefill, text.set, 'kf-leave-text');
  return (
    <form class="kf-form" noValidate onSubmit={form.submit(store.leaveMessage)}>
      <p class="kf-away">
        <strong>{t('nobody')}</strong>
        <br />
        {t(emailEnabled ? 'leaveIntro' : 'leaveIntroNoEmail')}
      </p>
      <Field form="kf-leave" label={t('email')} type="email" autocomplete="email" {...form.field('email')} />
      <Field form="kf-leave" label={t('message')} multiline {...text} />
      <FormError text={form.summary} />
      <button type="submit" class="kf-primary" disabled={form.busy}>
        {t('leaveMessage')}
      </button>
    </form>
  );
}
