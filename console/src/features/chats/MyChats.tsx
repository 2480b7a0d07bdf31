import type { ConversationDto } from '@kamflo/shared';
import { useAppStore } from '../../app-context.tsx';
import { ChatStatusBadge, ChannelBadge } from '../../ui/badges.tsx';

const ORDER: Record<ConversationDto['status'], number> = { active: 0, offered: 1, queued: 1, ended: 2, ticket: 2 };

/** Live chats first, newest first within each group. */
function byActivity(a: ConversationDto, b: ConversationDto): number {
  return ORDER[a.status] - ORDER[b.status] || Date.parse(b.createdAt) - Date.parse(a.createdAt);
}

/** The conversations this agent handles; choosing one opens it. */
export function MyChats() {
  const chats = useAppStore((s) => s.chats);
  const selected = useAppStore((s) => s.selectedChatId);
  const unread = useAppStore((s) => s.unread);
  const selectChat = useAppStore((s) => s.selectChat);

  const sorted = [...chats].sort(byActivity);
  return (
    <section class="card my-chats" aria-label="My chats">
      <h2 class="card-title">My chats</h2>
      {sorted.length === 0 ? (
        <p class="empty">No chats yet. Accepted requests appear here.</p>
      ) : (
        <ul class="chat-list">
          {sorted.map((chat) => {
            const count = unread[chat.id] ?? 0;
            return (
              <li key={chat.id}>
                <button type="button" class="chat-item" aria-current={chat.id === selected ? 'true' : undefined} onClick={() => selectChat(chat.id)}>
                  <span class="chat-item-head">
                    <strong>{chat.visitorName}</strong>
                    <ChannelBadge channel={chat.channel} />
                    <ChatStatusBadge status={chat.status} />
                    {count > 0 && (
                      <span class="pill unread">
                        {count}
                        <span class="visually-hidden"> unread</span>
                      </span>
                    )}
                  </span>
                  <span class="chat-item-preview">{chat.firstMessage}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
