import { useEffect, useState } from 'preact/hooks';
import { STATUS_LABELS } from '@kamflo/shared/constants';
import type { VisitorProfileDto } from '@kamflo/shared';
import { useAppStore, useDeps } from '../../app-context.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { ChatStatusBadge } from '../../ui/badges.tsx';
import { Link } from '../../ui/Link.tsx';

/** "Verified" (proved by the site's backend) or "Unverified" (only claimed by the page), in words, never colour alone. */
export function VerifiedBadge({ verified }: { verified: boolean }) {
  return verified ? <span class="badge verified">Verified</span> : <span class="badge unverified">Unverified</span>;
}

/**
 * Who the widget visitor behind a chat or ticket is: the user the page signed in (verified or
 * not, their id and email) and their other conversations and tickets, each linking to it. Shows
 * nothing for an anonymous visitor with no other conversations or tickets.
 */
export function VisitorIdentity({
  site,
  visitorId,
  conversationId,
  ticketNumber,
}: {
  site: string;
  visitorId: string;
  /** The conversation on screen: left out of the list. */
  conversationId?: string;
  /** The ticket on screen: left out of the list. */
  ticketNumber?: number;
}) {
  const { api } = useDeps();
  const [profile, setProfile] = useState<VisitorProfileDto | null>(null);
  const myChats = useAppStore((s) => s.chats);
  const selectChat = useAppStore((s) => s.selectChat);
  useEffect(() => {
    let live = true;
    api.call('GET /api/visitor-profiles/:site/:visitorId', { params: { site, visitorId } }).then(
      (p) => live && setProfile(p),
      () => live && setProfile(null),
    );
    return () => {
      live = false;
    };
  }, [api, site, visitorId]);
  if (!profile) return null;
  const conversations = profile.conversations.filter((c) => c.id !== conversationId);
  const tickets = profile.tickets.filter((t) => t.number !== ticketNumber);
  if (!profile.user && !conversations.length && !tickets.length) return null;
  const user = profile.user;
  return (
    <section class="visitor-identity" aria-label="Customer">
      {user ? (
        <p>
          <VerifiedBadge verified={user.verified} /> {user.name && <strong>{user.name}</strong>} <span class="muted">User ID</span> <code>{user.id}</code>
          {user.email && (
            <>
              {' '}
              · <span>{user.email}</span>
            </>
          )}
        </p>
      ) : (
        <p class="muted small">Anonymous visitor</p>
      )}
      {conversations.length > 0 && (
        <>
          <h3 class="small">Other conversations</h3>
          <ul class="plain-list" aria-label="Other conversations">
            {conversations.map((c) => {
              const mine = myChats.some((m) => m.id === c.id);
              const label = `${formatDateTime(c.createdAt)}: ${c.firstMessage}`;
              return (
                <li key={c.id}>
                  <ChatStatusBadge status={c.status} />{' '}
                  {c.ticketNumber ? (
                    <Link to={{ view: 'tickets', ticket: c.ticketNumber }}>
                      {label} (ticket #{c.ticketNumber})
                    </Link>
                  ) : mine ? (
                    <button type="button" class="button-link" onClick={() => selectChat(c.id)}>
                      {label}
                    </button>
                  ) : (
                    <span>{label}</span>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
      {tickets.length > 0 && (
        <>
          <h3 class="small">{ticketNumber ? 'Other tickets' : 'Tickets'}</h3>
          <ul class="plain-list" aria-label={ticketNumber ? 'Other tickets' : 'Tickets'}>
            {tickets.map((t) => (
              <li key={t.id}>
                <Link to={{ view: 'tickets', ticket: t.number }}>
                  #{t.number} {t.subject}
                </Link>{' '}
                <span class="muted small">{STATUS_LABELS[t.status]}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
