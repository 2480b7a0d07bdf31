import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConversationDto } from '@kamflo/shared';
import { useAppStore } from '../../app-context.tsx';
import { formatClock } from '../../lib/format.ts';
import { ChatStatusBadge } from '../../ui/badges.tsx';
import { Link } from '../../ui/Link.tsx';
import { PageLink } from '../../ui/PageLink.tsx';
import { ConvertToTicket } from './ConvertToTicket.tsx';
import type { ChatMessageView } from './messages.ts';

const NO_MESSAGES: ChatMessageView[] = [];

/** The open conversation: messages, composer and "Convert to ticket". */
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
  const [converting, setConverting] = useState(false);
  const convertButton = useRef<HTMLButtonElement>(null);

  const closeConvert = () => {
    setConverting(false);
    convertButton.current?.focus();
  };

  return (
    <section class="card conversation" aria-label={`Chat with ${chat.visitorName}`}>
      <header class="conversation-head">
        <div>
          <h2 class="card-title">
            {chat.visitorName} <ChatStatusBadge status={chat.status} />
          </h2>
          {chat.page && (
            <p class="muted small">
              on <PageLink url={chat.page} />
            </p>
          )}
        </div>
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
            onClick={() => setConverting(true)}
          >
            Convert to ticket
          </button>
        )}
      </header>
      {converting && <ConvertToTicket chat={chat} onClose={closeConvert} />}
      {syncError && (
        <p class="error" role="alert">
          Couldn't load the latest messages: {syncError}{' '}
          <button type="button" class="button small" onClick={() => void syncChat(chat.id)}>
            Try again
          </button>
        </p>
      )}
      <MessageLog chat={chat} messages={messages} />
      <Composer chat={chat} />
    </section>
  );
}

function MessageLog({ chat, messages }: { chat: ConversationDto; messages: ChatMessageView[] }) {
  const log = useRef<HTMLDivElement>(null);
  const retryMessage = useAppStore((s) => s.retryMessage);

  // Keep the newest message in view.
  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, chat.id]);

  return (
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
              {m.author === 'agent' && (
                <div class="msg-delivery">
                  {m.delivery === 'sending' && <span>Sending…</span>}
                  {m.delivery === 'sent' && <span>Sent</span>}
                  {m.delivery === 'failed' && (
                    <>
                      <span class="error-text">Not sent{m.error ? `: ${m.error}` : ''}</span>
                      <button
                        type="button"
                        class="button small"
                        onClick={() => void retryMessage(chat.id, m.clientId)}
                      >
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

function authorLabel(m: ChatMessageView, chat: ConversationDto): string {
  if (m.author === 'visitor') return chat.visitorName;
  if (m.author === 'system') return 'Kamflo';
  return m.authorName ?? 'Agent';
}

function Composer({ chat }: { chat: ConversationDto }) {
  const sendMessage = useAppStore((s) => s.sendMessage);
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const open = chat.status === 'active';

  useEffect(() => {
    if (open) input.current?.focus();
  }, []);

  const send = () => {
    if (!text.trim() || !open) return;
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
        onInput={(e) => setText(e.currentTarget.value)}
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
    </form>
  );
}
