import { vi } from 'vitest';
import { act } from '@testing-library/preact';
import type { MessageDto, QueueStateDto, VisitorConversationDto } from '@kamflo/shared';
import type { ErrorCode } from '@kamflo/shared/constants';
import type { ClientEvents, WidgetClient, WidgetUser } from '../app/client.ts';
import type { KeyValue } from '../app/storage.ts';

const ok = <T>(data: T) => ({ ok: true as const, data });

/**
 * A WidgetClient backed by a tiny in-memory server: it stores messages once per clientId, like the
 * real one. `server.tab()` is another client of the same visitor (a second browser tab); with
 * `echo`, the visitor's own messages are pushed to all their tabs, as the real server does.
 */
export interface FakeArticle {
  slug: string;
  title: string;
  html: string;
}
const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function createFakeClient({ agentsOnline = true, echo = false, emailEnabled = true, helpCenter = false, articles = [] as FakeArticle[] } = {}) {
  let conversation: VisitorConversationDto | null = null;
  let conversations = 0;
  /** Every conversation, by id (the current one too), and how far the visitor read each. */
  const known = new Map<string, VisitorConversationDto>();
  const readUpTo = new Map<string, number>();
  const remember = (c: VisitorConversationDto) => {
    conversation = c;
    known.set(c.id, c);
    return c;
  };
  const messages: MessageDto[] = [];
  let seq = 0;
  /** The connected tabs' event handlers. */
  const tabs = new Set<ClientEvents>();
  const all = (fn: (e: ClientEvents) => void) => tabs.forEach(fn);
  let connected = false;

  const store = (m: Pick<MessageDto, 'clientId' | 'author' | 'text'> & { authorName?: string }, conversationId = conversation!.id): MessageDto => {
    const existing = messages.find((x) => x.clientId === m.clientId);
    if (existing) return existing;
    seq += 1;
    const message: MessageDto = {
      id: `m${seq}`,
      conversationId,
      seq,
      createdAt: new Date(2026, 0, 1, 12, seq).toISOString(),
      ...m,
    };
    messages.push(message);
    if (echo && m.author === 'visitor') all((e) => e.message(message));
    return message;
  };
  const down = () => ({ ok: false as const, error: { code: 'unavailable' as const, message: 'Not connected' } });

  let user: WidgetUser | undefined;
  const tab = () =>
    ({
      setUser: vi.fn<WidgetClient['setUser']>((u) => {
        user = u;
      }),
      user: () => user,
      status: vi.fn<WidgetClient['status']>(async () => ok({ site: 'default', siteName: 'Acme Support', agentsOnline, emailEnabled, helpCenter })),
      connect: vi.fn<WidgetClient['connect']>((e: ClientEvents) => {
        tabs.add(e);
        return () => void tabs.delete(e);
      }),
      start: vi.fn<WidgetClient['start']>(async (input) => {
        if (!connected) return down();
        // Like the server: a chat that ended or became a ticket is not the open one.
        if (!conversation || conversation.status === 'ended' || conversation.status === 'ticket') {
          const n = ++conversations;
          remember({ id: String(n).padStart(24, 'c'), status: 'queued', createdAt: new Date(2026, 0, n).toISOString() });
        }
        const message = store({ clientId: input.clientId, author: 'visitor', text: input.text });
        return ok({ conversation: conversation!, message });
      }),
      send: vi.fn<WidgetClient['send']>(async (input) => {
        if (!connected) return down();
        return ok(store({ clientId: input.clientId, author: 'visitor', text: input.text }, input.conversationId));
      }),
      sync: vi.fn<WidgetClient['sync']>(async (input) => {
        if (!connected) return down();
        const c = input.conversationId ? (known.get(input.conversationId) ?? null) : conversation;
        return ok({ conversation: c, messages: messages.filter((m) => m.conversationId === c?.id && m.seq > (input.afterSeq ?? 0)) });
      }),
      history: vi.fn<WidgetClient['history']>(async () => {
        if (!connected) return down();
        const list = [...known.values()].reverse().map((c) => {
          const mine = messages.filter((m) => m.conversationId === c.id);
          const readSeq = readUpTo.get(c.id) ?? 0;
          return { conversation: c, last: mine.at(-1), unread: mine.filter((m) => m.author === 'agent' && m.seq > readSeq).length, readSeq };
        });
        return ok({ conversations: list });
      }),
      leaveMessage: vi.fn<WidgetClient['leaveMessage']>(async () => ok({ ticketNumber: 1003 })),
      end: vi.fn<WidgetClient['end']>(async () => {
        if (!connected) return down();
        remember({ ...conversation!, status: 'ended' });
        all((e) => e.updated(conversation!));
        return ok(conversation!);
      }),
      typing: vi.fn<WidgetClient['typing']>(),
      read: vi.fn<WidgetClient['read']>((r) => void readUpTo.set(r.conversationId, Math.max(readUpTo.get(r.conversationId) ?? 0, r.seq))),
      submitRequest: vi.fn<WidgetClient['submitRequest']>(async () => ok({ ticketNumber: 1002 })),
      // Search as the server answers it: escaped HTML whose only markup is <mark> around the match.
      search: vi.fn<WidgetClient['search']>(async (q, signal) => {
        await Promise.resolve();
        if (signal?.aborted) return down();
        const word = q.trim().toLowerCase();
        const mark = (t: string) => {
          const i = t.toLowerCase().indexOf(word);
          return i < 0 ? esc(t) : `${esc(t.slice(0, i))}<mark>${esc(t.slice(i, i + word.length))}</mark>${esc(t.slice(i + word.length))}`;
        };
        const hits = articles.filter((a) => a.title.toLowerCase().includes(word));
        return ok({
          results: hits.map((a) => ({
            slug: a.slug,
            title: a.title,
            titleHtml: mark(a.title),
            url: `/help/default/articles/${a.slug}`,
            snippetHtml: mark(a.title),
            score: 1,
          })),
        });
      }),
      article: vi.fn<WidgetClient['article']>(async (slug) => {
        const a = articles.find((x) => x.slug === slug);
        return a
          ? ok({ ...a, url: `/help/default/articles/${slug}`, updatedAt: new Date(2026, 0, 1).toISOString() })
          : { ok: false, error: { code: 'not_found', message: '' } };
      }),
      feedback: vi.fn<WidgetClient['feedback']>(async () => ok({ recorded: true as const })),
      suggestedRead: vi.fn<WidgetClient['suggestedRead']>(async () => ok({ counted: true })),
    }) satisfies WidgetClient;
  const client = tab();

  const server = {
    get conversation() {
      return conversation;
    },
    messages,
    /** The socket (re)connects. */
    connect: () =>
      act(() => {
        connected = true;
        all((e) => e.connect());
      }),
    disconnect: () =>
      act(() => {
        connected = false;
        all((e) => e.disconnect());
      }),
    /** The server refuses the page's user (as POST /api/visitors does with identity_unverified). */
    refuse: (code: ErrorCode = 'identity_unverified') => act(() => all((e) => e.refused?.(code))),
    /** The server changes the conversation and tells the widget. */
    update: (patch: Partial<VisitorConversationDto>) =>
      act(() => {
        remember({ ...conversation!, ...patch });
        all((e) => e.updated(conversation!));
      }),
    /** Stores a message (e.g. from an agent) and pushes it to the widget. */
    say: (m: Pick<MessageDto, 'author' | 'text'> & { authorName?: string }) =>
      act(() => {
        const message = store({ clientId: `srv_${seq + 1}`, ...m });
        all((e) => e.message(message));
      }),
    /** A system line as the server writes them (`sys_<kind>_<…>` client ids, English text). */
    system: (key: string, text: string) =>
      act(() => {
        const message = store({ clientId: `sys_${key}`, author: 'system', text });
        all((e) => e.message(message));
      }),
    /** An agent's reply in an earlier conversation (a ticket's), pushed to the widget. */
    replyIn: (conversationId: string, text: string) =>
      act(() => {
        const message = store({ clientId: `srv_${seq + 1}`, author: 'agent', authorName: 'Alice', text }, conversationId);
        all((e) => e.message(message));
      }),
    /** Changes an earlier conversation (e.g. its ticket's status) and tells the widget. */
    updateIn: (conversationId: string, patch: Partial<VisitorConversationDto>) =>
      act(() => {
        const c = { ...known.get(conversationId)!, ...patch };
        known.set(conversationId, c);
        if (conversation?.id === conversationId) conversation = c;
        all((e) => e.updated(c));
      }),
    /** Pushes a message as is (to test duplicates). */
    push: (m: MessageDto) => act(() => all((e) => e.message(m))),
    availability: (online: boolean) => act(() => all((e) => e.availability(online))),
    /** The visitor's place in the queue; defaults to the current conversation. */
    queue: (q: Partial<QueueStateDto>) =>
      act(() => all((e) => e.queue({ conversationId: conversation!.id, position: 1, etaSeconds: 60, offerLeaveMessage: false, ...q }))),
    /** The agent types (or stops) in the current conversation. */
    typing: (typing: boolean, name = 'Alice') => act(() => all((e) => e.typing({ conversationId: conversation!.id, typing, name }))),
    /** The agent has read the current conversation up to seq. */
    read: (seq: number) => act(() => all((e) => e.read({ conversationId: conversation!.id, seq }))),
    /** Another tab of the same visitor: a second client of this server. */
    tab,
  };
  return { client, server };
}

/** A KeyValue in memory, shared between renders to play a page reload. */
export function memoryStorage(): KeyValue & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: <T>(k: string) => (data.has(k) ? (JSON.parse(data.get(k)!) as T) : undefined),
    set: (k, v) => void data.set(k, JSON.stringify(v)),
    remove: (k) => void data.delete(k),
  };
}
