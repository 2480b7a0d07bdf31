import { useEffect, useState } from 'preact/hooks';
import type { VisitorConversationDto } from '@kamflo/shared';
import type { ErrorCode } from '@kamflo/shared/constants';
import { FormError } from './form.tsx';
import { errorText, systemText, useT, type MessageKey, type Translate } from './i18n.ts';
import type { ChatState, ChatStore } from './store.ts';

/** "Ticket #1001 · Resolved", or "Chat · Ended": what a conversation is and where it stands. */
export function titleOf(t: Translate, c: VisitorConversationDto): string {
  if (c.status === 'ticket')
    return c.ticketStatus
      ? t('ticketState', { number: c.ticketNumber ?? '', status: t(`st_${c.ticketStatus}` as MessageKey) })
      : t('ticketNumber', { number: c.ticketNumber ?? '' });
  return t('chatState', { status: t(c.status === 'ended' ? 'cs_ended' : c.status === 'active' ? 'cs_active' : 'cs_waiting') });
}

/** "Your conversations": the visitor's chats and tickets, newest first; each opens in the chat tab (null: a new conversation). */
export function History({ store, state: s, onOpen }: { store: ChatStore; state: ChatState; onOpen: (c: VisitorConversationDto | null) => void }) {
  const t = useT();
  const [error, setError] = useState<ErrorCode>();
  // Fetched afresh each time the list is shown; what is known meanwhile stays on screen.
  useEffect(() => {
    void store.loadHistory().then((r) => setError(r.ok ? undefined : r.error.code));
  }, []);
  const list = s.history;
  return (
    <div class="kf-history">
      <h2 id="kf-history-title">{t('yourConversations')}</h2>
      <button type="button" class="kf-primary" onClick={() => onOpen(null)}>
        {t('newConversation')}
      </button>
      <FormError text={error && errorText(t, { code: error })} />
      {!list ? (
        !error && <p>{t('loading')}</p>
      ) : !list.length ? (
        <p>{t('noConversations')}</p>
      ) : (
        <ul aria-labelledby="kf-history-title">
          {list.map((h) => (
            <li key={h.conversation.id}>
              <button type="button" class="kf-conv" onClick={() => onOpen(h.conversation)}>
                <strong>{titleOf(t, h.conversation)}</strong>
                {h.unread > 0 && <span class="kf-unread">{t('unread', { count: h.unread })}</span>}
                {/* What people write may be in any script: the browser picks its direction. */}
                {h.last && (
                  <span class="kf-last" dir={h.last.author === 'system' ? undefined : 'auto'}>
                    {h.last.author === 'system' ? systemText(t, h.last) : h.last.text}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
