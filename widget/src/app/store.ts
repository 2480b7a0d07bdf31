import type { MessageAuthor, MessageDto, VisitorConversationDto } from '@kamflo/shared';
import type { Ack } from '@kamflo/shared/constants';
import { contiguousSeq } from '@kamflo/shared/constants';
import type { Result, WidgetClient } from './client.ts';
import { outboxKey, type KeyValue } from './storage.ts';

/** A message the visitor wrote that the server has not acknowledged yet. */
export interface OutboxItem {
  clientId: string;
  text: string;
  /** The last attempt failed; it waits for Retry or the next reconnect. */
  failed?: boolean;
}

export interface ChatState {
  conversation: VisitorConversationDto | null;
  /** Stored messages of the conversation: unique by id, sorted by seq. */
  messages: MessageDto[];
  /** Unacknowledged messages, in the order written; kept in localStorage. */
  outbox: OutboxItem[];
  /** null until known. */
  agentsOnline: boolean | null;
  siteName?: string;
  connected: boolean;
  /** The ticket a "leave a message" just became: the panel shows a confirmation. */
  leftTicket?: number;
}

export type SendState = 'sending' | 'sent' | 'failed';
/** One line of the conversation as shown: stored messages, then the outbox. */
export interface Line {
  key: string;
  author: MessageAuthor;
  authorName?: string;
  text: string;
  /** The visitor's own messages only. */
  state?: SendState;
}

/** The server's chat:sync page size: a full page means there may be more. */
const SYNC_PAGE = 500;
const WAITING = ['queued', 'offered'];

/** Adds incoming messages: one copy per id (the newer wins), ordered by seq. */
export function mergeMessages(current: MessageDto[], incoming: MessageDto[]): MessageDto[] {
  if (!incoming.length) return current;
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

export function linesOf(s: ChatState): Line[] {
  const stored = new Set(s.messages.map((m) => m.clientId));
  return [
    ...s.messages.map((m): Line => ({
      key: m.id,
      author: m.author,
      authorName: m.authorName,
      text: m.text,
      state: m.author === 'visitor' ? 'sent' : undefined,
    })),
    ...s.outbox
      .filter((o) => !stored.has(o.clientId))
      .map((o): Line => ({ key: o.clientId, author: 'visitor', text: o.text, state: o.failed ? 'failed' : 'sending' })),
  ];
}

/** A conversation the visitor can keep writing into (a ticket conversation carries replies too). */
export const isOpen = (c: VisitorConversationDto | null) => !!c && c.status !== 'ended';
/** Nobody can answer: offer "leave a message" instead of a chat that would only wait. */
export const shouldLeaveMessage = (s: ChatState) =>
  s.agentsOnline === false && (!isOpen(s.conversation) || WAITING.includes(s.conversation!.status));

export type ChatStore = ReturnType<typeof createChatStore>;

/**
 * The widget's chat state and the rules that keep it in step with the server: sync on every
 * connect, merge pushed messages, and deliver the outbox in order until each is acknowledged
 * (the server dedupes by clientId, so re-sending is safe).
 */
export function createChatStore({
  client,
  storage,
  site,
  page,
  newId = () => crypto.randomUUID(),
}: {
  client: WidgetClient;
  storage: KeyValue;
  site: string;
  page?: string;
  newId?: () => string;
}) {
  const saved = storage.get<OutboxItem[]>(outboxKey(site));
  let state: ChatState = {
    conversation: null,
    messages: [],
    outbox: Array.isArray(saved) ? saved.filter((o) => o && typeof o.clientId === 'string' && typeof o.text === 'string') : [],
    agentsOnline: null,
    connected: false,
  };
  const listeners = new Set<() => void>();

  function set(patch: Partial<ChatState>) {
    state = { ...state, ...patch };
    if (patch.outbox) storage.set(outboxKey(site), patch.outbox.map(({ clientId, text }) => ({ clientId, text })));
    listeners.forEach((l) => l());
  }

  /** Take in stored messages: those of the shown conversation join it; all leave the outbox. */
  function take(messages: MessageDto[]) {
    const ids = new Set(messages.map((m) => m.clientId));
    const mine = messages.filter((m) => m.conversationId === state.conversation?.id);
    const patch: Partial<ChatState> = { messages: mergeMessages(state.messages, mine) };
    if (state.outbox.some((o) => ids.has(o.clientId))) patch.outbox = state.outbox.filter((o) => !ids.has(o.clientId));
    set(patch);
  }

  /** Switch to a conversation: its messages replace the previous one's. */
  function adopt(conversation: VisitorConversationDto | null) {
    if (conversation?.id !== state.conversation?.id) set({ conversation, messages: [] });
    else set({ conversation });
  }

  let syncing: Promise<void> | undefined;
  let syncAgain = false;
  let wantLatest = false;
  /**
   * Catch up with the server: the shown conversation after its last seq or, with `latest` (or
   * none shown), the visitor's latest conversation. Calls during a sync run it once more after.
   */
  function sync(latest = false): Promise<void> {
    if (latest) wantLatest = true;
    if (syncing) {
      syncAgain = true;
      return syncing;
    }
    // Cleared in the same tick as the last check of syncAgain, so no request falls in between.
    syncing = (async () => {
      try {
        do {
          syncAgain = false;
          let known = wantLatest ? null : state.conversation;
          wantLatest = false;
          for (let pages = 0; pages < 20; pages++) {
            const afterSeq = known && known.id === state.conversation?.id ? contiguousSeq(state.messages.map((m) => m.seq)) : 0;
            const r = await client.sync(known ? { conversationId: known.id, afterSeq } : { afterSeq: 0 });
            if (!r.ok) {
              if (r.error.code !== 'not_found' || !known) break;
              known = null; // it's gone: fall back to the latest conversation
              continue;
            }
            adopt(r.data.conversation);
            take(r.data.messages);
            known = state.conversation;
            if (r.data.messages.length < SYNC_PAGE) break;
          }
        } while (syncAgain);
      } finally {
        syncing = undefined;
      }
    })();
    return syncing;
  }

  async function deliver(item: OutboxItem): Promise<Ack<unknown>> {
    const c = state.conversation;
    if (isOpen(c)) {
      const r = await client.send({ conversationId: c!.id, clientId: item.clientId, text: item.text });
      if (r.ok) take([r.data]);
      return r;
    }
    const r: Result<'chat:start'> = await client.start({
      clientId: item.clientId,
      text: item.text,
      ...(page ? { page: page.slice(0, 2000) } : {}),
    });
    if (r.ok) {
      adopt(r.data.conversation);
      take([r.data.message]);
    }
    return r;
  }

  let flushing = false;
  /** Counts connections, so an attempt that failed across a reconnect is simply made again. */
  let epoch = 0;
  /** Send the outbox in order, one at a time; stop at the first failure so order holds. */
  async function flush() {
    if (flushing) return; // the running loop picks up whatever is queued
    flushing = true;
    try {
      let retried = '';
      while (state.connected) {
        const item = state.outbox[0];
        if (!item || item.failed) break;
        const attemptEpoch = epoch;
        const r = await deliver(item);
        // Acknowledged, or its copy arrived from the server meanwhile, or we reconnected since.
        if (r.ok || !state.outbox.includes(item) || attemptEpoch !== epoch) continue;
        // The conversation changed under us (ended, became a ticket): catch up, then try once more.
        if (r.error.code === 'conflict' && retried !== item.clientId) {
          retried = item.clientId;
          await sync(true);
          continue;
        }
        set({ outbox: state.outbox.map((o) => (o === item ? { ...o, failed: true } : o)) });
        break;
      }
    } finally {
      flushing = false;
    }
  }

  /** Failed messages go again (Retry, or a reconnect). */
  function retry() {
    if (state.outbox.some((o) => o.failed)) set({ outbox: state.outbox.map(({ clientId, text }) => ({ clientId, text })) });
    return flush();
  }

  return {
    get: () => state,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    /** Connects and loads availability; returns the function that stops. */
    start() {
      void client.status().then((r) => {
        // The socket's availability event is newer than this answer if it came first.
        if (r.ok) set({ siteName: r.data.siteName, agentsOnline: state.agentsOnline ?? r.data.agentsOnline });
      });
      return client.connect({
        async connect() {
          epoch++;
          set({ connected: true });
          await sync();
          await retry();
        },
        disconnect: () => set({ connected: false }),
        availability: (online) => set({ agentsOnline: online }),
        message(m) {
          if (m.author === 'agent' && state.leftTicket) set({ leftTicket: undefined });
          if (m.conversationId === state.conversation?.id) take([m]);
          else void sync(true);
        },
        updated(c) {
          const known = state.conversation;
          if (c.id === known?.id) set({ conversation: c });
          else if (!known || c.createdAt >= known.createdAt) void sync(true);
        },
      });
    },

    /** Queue a message and send it when connected. */
    send(text: string) {
      const t = text.trim();
      if (!t) return;
      set({ outbox: [...state.outbox, { clientId: newId(), text: t }] });
      void flush();
    },
    retry,

    /** No one is available: the message becomes a ticket, whose number the panel then shows. */
    async leaveMessage(input: { email: string; text: string }) {
      const c = state.conversation;
      const r = await client.leaveMessage({
        ...input,
        ...(c && WAITING.includes(c.status) ? { conversationId: c.id } : {}),
      });
      if (r.ok) set({ leftTicket: r.data.ticketNumber });
      return r;
    },
    dismissLeft: () => set({ leftTicket: undefined }),
  };
}
