import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ConversationDto } from '@kamflo/shared';
import { SOURCE_LABELS } from '@kamflo/shared/constants';
import { useAppStore, useDeps } from '../../app-context.tsx';
import { ApiError } from '../../lib/api.ts';
import { formatClock } from '../../lib/format.ts';
import { ChannelBadge, ChatStatusBadge } from '../../ui/badges.tsx';
import { Link } from '../../ui/Link.tsx';
import { PageLink } from '../../ui/PageLink.tsx';
import { ConvertToTicket } from './ConvertToTicket.tsx';
import { VisitorIdentity } from '../identity/VisitorIdentity.tsx';
import { EndChatConfirm, HandoffNotes, TransferDialog } from './ChatControls.tsx';
import type { ChatMessageView } from './messages.ts';
import { InsertArticleLink } from '../helpcenter/InsertArticleLink.tsx';
import { createTypingNotifier } from './typing.ts';

const NO_MESSAGES: ChatMessageView[] = [];

/** The open conversation: messages, composer, Transfer, End chat and "Convert to ticket". */
export function Conversation() {
  const chat = useAppStore((s) => s.chats.find((c) => c.id === s.selectedChatId));
  if (!chat) {
    return (
      <section class="card conversation conversation-empty">
        <p class="empty">Choose a chat from “My chats”, or accept a request, to start talking.</p>
      </section>
    );
  }
  // Keyed: switching chats starts with a closed form and an empty composer.
  return <ChatPane key={chat.id} chat={chat} />;
}

function ChatPane({ chat }: { chat: ConversationDto }) {
  const messages = useAppStore((s) => s.messages[chat.id] ?? NO_MESSAGES);
  const syncError = useAppStore((s) => s.syncError);
  const syncChat = useAppStore((s) => s.syncChat);
  const markSeen = useAppStore((s) => s.markSeen);
  const online = useAppStore((s) => s.connection === 'online');
  const [converting, setConverting] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [ending, setEnding] = useState(false);
  const convertButton = useRef<HTMLButtonElement>(null);
  const transferButton = useRef<HTMLButtonElement>(null);
  const endButton = useRef<HTMLButtonElement>(null);
  const live = chat.status === 'active';

  const closeConvert = () => {
    setConverting(false);
    convertButton.current?.focus();
  };
  const closeTransfer = () => {
    setTransferring(false);
    transferButton.current?.focus();
  };
  const closeEnd = () => {
    setEnding(false);
    // The button comes back on the next render.
    setTimeout(() => endButton.current?.focus(), 0);
  };

  // What is on screen is seen: clear the unread count and tell the visitor how far we have read.
  useEffect(() => {
    const seen = () => {
      if (document.visibilityState !== 'hidden') markSeen(chat.id);
    };
    seen();
    document.addEventListener('visibilitychange', seen);
    return () => document.removeEventListener('visibilitychange', seen);
  }, [chat.id, messages, online, markSeen]);

  return (
    <section class="card conversation" aria-label={`Chat with ${chat.visitorName}`}>
      <header class="conversation-head">
        <div>
          <h2 class="card-title">
            {chat.visitorName} <ChannelBadge channel={chat.channel} /> <ChatStatusBadge status={chat.status} />
          </h2>
          {chat.channel && (
            <p class="muted small">
              {chat.handle ? `${chat.handle} on ` : 'on '}
              {SOURCE_LABELS[chat.channel]}: messages go to the customer's app; it sends no delivered or read receipts, so Sent is as far as Kamflo knows.
            </p>
          )}
          {chat.page && (
            <p class="muted small">
              on <PageLink url={chat.page} />
            </p>
          )}
          {chat.locale && <p class="muted small">Language: {languageName(chat.locale)}</p>}
        </div>
        <div class="actions">
          {live && (
            <button
              type="button"
              class="button"
              ref={transferButton}
              aria-expanded={transferring}
              onClick={() => {
                setConverting(false);
                setTransferring(true);
              }}
            >
              Transfer
            </button>
          )}
          {live && !ending && (
            <button
              type="button"
              class="button"
              ref={endButton}
              onClick={() => {
                setTransferring(false);
                setConverting(false);
                setEnding(true);
              }}
            >
              End chat
            </button>
          )}
          {chat.status === 'ticket' && chat.ticketNumber ? (
            <Link to={{ view: 'tickets', ticket: chat.ticketNumber }} class="button">
              Open ticket #{chat.ticketNumber}
            </Link>
          ) : (
            <button
              type="button"
              class="button"
              ref={convertButton}
              aria-expanded={converting}
              onClick={() => {
                setTransferring(false);
                setConverting(true);
              }}
            >
              Convert to ticket
            </button>
          )}
        </div>
      </header>
      {live && ending && <EndChatConfirm chat={chat} onClose={closeEnd} />}
      {live && transferring && <TransferDialog chat={chat} onClose={closeTransfer} />}
      {converting && <ConvertToTicket chat={chat} onClose={closeConvert} />}
      <VisitorIdentity site={chat.site} visitorId={chat.visitorId} conversationId={chat.id} />
      <HandoffNotes chat={chat} />
      {syncError && (
        <p class="error" role="alert">
          Couldn't load the latest messages: {syncError}{' '}
          <button type="button" class="button small" onClick={() => void syncChat(chat.id)}>
            Try again
          </button>
        </p>
      )}
      <MessageLog chat={chat} messages={messages} />
      <TypingIndicator chat={chat} />
      <Composer chat={chat} />
    </section>
  );
}

function MessageLog({ chat, messages }: { chat: ConversationDto; messages: ChatMessageView[] }) {
  const log = useRef<HTMLDivElement>(null);
  const retryMessage = useAppStore((s) => s.retryMessage);
  // "Seen" goes on the agent's last confirmed message once the visitor has read that far.
  const lastAgentSeq = useMemo(() => {
    let seq = -1;
    for (const m of messages) if (m.author === 'agent' && m.delivery === 'sent' && m.seq > seq) seq = m.seq;
    return seq;
  }, [messages]);
  const seenUpTo = chat.visitorReadSeq ?? -1;

  // Keep the newest message in view.
  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, chat.id]);

  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable log must be reachable by keyboard to scroll it
    <div class="log" role="log" aria-label="Conversation" tabIndex={0} ref={log}>
      {messages.length === 0 ? (
        <p class="empty">No messages yet.</p>
      ) : (
        <ol class="messages">
          {messages.map((m) => (
            <li key={m.id} class={`msg msg-${m.author}${m.delivery === 'failed' ? ' msg-failed' : ''}`}>
              <div class="msg-meta">
                <span class="msg-author">{authorLabel(m, chat)}</span>
                <time dateTime={m.createdAt}>{formatClock(m.createdAt)}</time>
              </div>
              <p class="msg-text">{m.text}</p>
              {m.attachments?.some((a) => a.url) && (
                <ul class="msg-attachments" aria-label="Attachments">
                  {m.attachments.map((a, i) =>
                    a.url ? (
                      <li key={i}>
                        <a href={a.url} download>
                          Download {a.name ?? a.kind}
                        </a>
                      </li>
                    ) : null,
                  )}
                </ul>
              )}
              {m.social && m.author !== 'visitor' && <SocialDelivery messageId={m.id} social={m.social} />}
              {m.author === 'agent' && !m.social && (!chat.channel || m.delivery !== 'sent') && (
                <div class="msg-delivery">
                  {m.delivery === 'sending' && <span>Sending…</span>}
                  {m.delivery === 'sent' && (m.seq === lastAgentSeq && seenUpTo >= m.seq ? <span class="seen">Seen</span> : <span>Sent</span>)}
                  {m.delivery === 'failed' && (
                    <>
                      <span class="error-text">Not sent{m.error ? `: ${m.error}` : ''}</span>
                      <button type="button" class="button small" onClick={() => void retryMessage(chat.id, m.clientId)}>
                        Retry
                      </button>
                    </>
                  )}
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function SocialDelivery({ messageId, social }: { messageId: string; social: NonNullable<ChatMessageView['social']> }) {
  const { api } = useDeps();
  const [error, setError] = useState<string | null>(null);
  const where = SOURCE_LABELS[social.channel];
  return (
    <div class="msg-delivery">
      {social.state === 'queued' && <span>Sending to {where}…</span>}
      {social.state === 'sent' && <span>Sent to {where}</span>}
      {social.state === 'retrying' && (
        <span class="error-text">
          Retrying{social.nextAttemptAt ? ` at ${formatClock(social.nextAttemptAt)}` : ''}
          {social.error ? `: ${social.error}` : ''}
        </span>
      )}
      {social.state === 'failed' && (
        <>
          <span class="error-text">
            Not delivered to {where}
            {social.error ? `: ${social.error}` : ''}
          </span>
          <button
            type="button"
            class="button small"
            onClick={() =>
              api.call('POST /api/channels/messages/:id/retry', { params: { id: messageId } }).then(
                () => setError(null),
                (e) => setError(e instanceof ApiError ? e.message : 'Something went wrong'),
              )
            }
          >
            Retry
          </button>
        </>
      )}
      {error && (
        <span class="error-text" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

function authorLabel(m: ChatMessageView, chat: ConversationDto): string {
  if (m.author === 'visitor') return chat.visitorName;
  if (m.author === 'system') return 'Kamflo';
  return m.authorName ?? 'Agent';
}

function Composer({ chat }: { chat: ConversationDto }) {
  const sendMessage = useAppStore((s) => s.sendMessage);
  const sendTyping = useAppStore((s) => s.sendTyping);
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const open = chat.status === 'active';
  const [typing] = useState(() => createTypingNotifier((value) => sendTyping(chat.id, value)));

  useEffect(() => {
    if (open) input.current?.focus();
  }, []);
  // Leaving the chat (or it closing) ends "typing" for the visitor.
  useEffect(() => {
    if (!open) typing.stop();
    return () => typing.stop();
  }, [open, typing]);

  const send = () => {
    if (!text.trim() || !open) return;
    typing.stop();
    void sendMessage(chat.id, text);
    setText('');
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label class="visually-hidden" for="chat-message">
        Message
      </label>
      <textarea
        id="chat-message"
        ref={input}
        rows={2}
        value={text}
        disabled={!open}
        placeholder={open ? 'Write a message… (Enter to send, Shift+Enter for a new line)' : 'This chat is closed.'}
        onInput={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          if (value.trim()) typing.input();
          else typing.stop();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}
      />
      <button type="submit" class="button primary" disabled={!open || !text.trim()}>
        Send
      </button>
      {open && (
        <InsertArticleLink
          site={chat.site}
          onInsert={(link) => {
            setText((t) => (t.trim() ? `${t.trimEnd()} ${link}` : link));
            input.current?.focus();
          }}
        />
      )}
    </form>
  );
}

/** "Visitor is typing…", from the visitor's `chat:typing`; a polite live region, always present. */
function TypingIndicator({ chat }: { chat: ConversationDto }) {
  const typing = useAppStore((s) => s.visitorTyping[chat.id] ?? false);
  return (
    <p class="typing muted small" role="status" aria-live="polite">
      {typing && chat.status === 'active' ? 'Visitor is typing…' : ''}
    </p>
  );
}

/** "German (de)": the visitor's widget language as the agent reads it. */
export function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language' }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
}
