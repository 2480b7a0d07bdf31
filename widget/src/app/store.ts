import type { MessageAuthor, MessageDto, QueueStateDto, VisitorConversationDto, VisitorConversationSummaryDto } from '@kamflo/shared';
import type { Ack, ErrorCode } from '@kamflo/shared/constants';
import { contiguousSeq } from '@kamflo/shared/constants';
import type { Result, WidgetClient } from './client.ts';
import { outboxKey, readKey, type KeyValue } from './storage.ts';

/** A message the visitor wrote that the server has not acknowledged yet. */
export interface OutboxItem {
  clientId: string;
  text: string;
  /** The conversation it was written in; none: it starts a new chat (or joins the open one). */
  to?: string;
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
  /** Whether replies can reach the visitor by email (the server has email configured); null until known. */
  emailEnabled: boolean | null;
  /** The site's Help Center is on: articles are searched and suggested. */
  helpCenter?: boolean;
  siteName?: string;
  connected: boolean;
  /** The ticket a "leave a message" just became: the panel shows a confirmation. */
  leftTicket?: number;
  /** The server's latest word on a waiting conversation's place in the queue. */
  queue?: QueueStateDto;
  /** The name of the agent typing in the shown conversation ('' when unnamed). */
  typing?: string;
  /** The agent has read the shown conversation up to this seq. */
  seen: number;
  /** Why ending the shown conversation failed: an error code the panel puts into words. */
  endError?: ErrorCode;
  /** The visitor has seen the shown conversation up to this seq (kept across page loads). */
  readUpTo: number;
  /** The server has answered a sync since the page loaded: `conversation` is what it says. */
  synced: boolean;
  /** The visitor chose to reply in the shown ticket's thread (otherwise its composer is hidden). */
  reply?: boolean;
  /** The visitor chose "Start a new conversation": nothing is shown until their first message. */
  fresh?: boolean;
  /** "Your conversations", newest first, once asked for. */
  history?: VisitorConversationSummaryDto[];
  /** The server refused the page's user (`identity_unverified`): the panel says so, in neutral words. */
  identityError?: ErrorCode;
}

export type SendState = 'sending' | 'sent' | 'seen' | 'failed';
/** One line of the conversation as shown: stored messages, then the outbox. */
export interface Line {
  key: string;
  clientId: string;
  author: MessageAuthor;
  authorName?: string;
  text: string;
  /** The visitor's own messages only: each unsent one, and the newest sent one (older ones say nothing). */
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
  const newest = s.messages.findLast((m) => m.author === 'visitor');
  return [
    ...s.messages.map(
      (m): Line => ({
        ...m,
        key: m.id,
        state: m === newest ? (m.seq <= s.seen ? 'seen' : 'sent') : undefined,
      }),
    ),
    ...s.outbox
      .filter((o) => !stored.has(o.clientId))
      .map((o): Line => ({ key: o.clientId, clientId: o.clientId, author: 'visitor', text: o.text, state: o.failed ? 'failed' : 'sending' })),
  ];
}

/** A live chat: waiting, or with an agent. */
export const isOpen = (c: VisitorConversationDto | null) => !!c && c.status !== 'ended' && c.status !== 'ticket';
/** Where the composer writes: a live chat, or a ticket's thread once the visitor chose to reply there (not a closed one). */
export const writesTo = (s: ChatState) => {
  const c = s.conversation;
  return isOpen(c) || (c?.status === 'ticket' && s.reply && c.ticketStatus !== 'closed') ? c!.id : undefined;
};
/** The queue's word on the shown conversation, while it waits. */
export function queueOf({ conversation: c, queue: q }: ChatState) {
  return c && WAITING.includes(c.status) && q?.conversationId === c.id ? q : undefined;
}
/** Nobody can answer (soon): offer "leave a message" instead of a chat that would only wait. */
export const shouldLeaveMessage = (s: ChatState) =>
  !!queueOf(s)?.offerLeaveMessage || (s.agentsOnline === false && (!isOpen(s.conversation) || WAITING.includes(s.conversation!.status)));

/** Agent messages the visitor has not had on screen: in the shown conversation, and in the others of "Your conversations". */
export const unreadOf = (s: ChatState) => s.messages.filter((m) => m.author === 'agent' && m.seq > s.readUpTo).length + unreadElsewhere(s);
/** Agent messages unread in the visitor's other conversations (as far as the list knows). */
export const unreadElsewhere = (s: ChatState) => (s.history ?? []).reduce((n, h) => n + (h.conversation.id === s.conversation?.id ? 0 : h.unread), 0);
/** In progress (waiting or with an agent) or with unread replies: the next page view reconnects at once. */
export const isLive = (s: ChatState) => ['queued', 'offered', 'active'].includes(s.conversation?.status ?? '') || unreadOf(s) > 0;

export type ChatStore = ReturnType<typeof createChatStore>;

/** The well-formed items of a stored outbox. */
const outboxOf = (v: unknown): OutboxItem[] => (Array.isArray(v) ? v.filter((o) => o && typeof o.clientId === 'string' && typeof o.text === 'string') : []);

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
  locale,
  newId = () => crypto.randomUUID(),
}: {
  client: WidgetClient;
  storage: KeyValue;
  site: string;
  page?: string;
  /** The frame's language now: a new chat tells the agent. */
  locale?: () => string;
  newId?: () => string;
}) {
  const saved = storage.get<OutboxItem[]>(outboxKey(site));
  let state: ChatState = {
    conversation: null,
    messages: [],
    outbox: outboxOf(saved),
    agentsOnline: null,
    emailEnabled: null,
    connected: false,
    seen: 0,
    readUpTo: 0,
    synced: false,
  };
  const listeners = new Set<() => void>();

  function set(patch: Partial<ChatState>) {
    state = { ...state, ...patch };
    if (patch.outbox)
      storage.set(
        outboxKey(site),
        patch.outbox.map(({ failed, ...item }) => item),
      );
    for (const l of listeners) l();
  }

  /** Take in stored messages: those of the shown conversation join it; all leave the outbox. */
  function take(messages: MessageDto[]) {
    const ids = new Set(messages.map((m) => m.clientId));
    const mine = messages.filter((m) => m.conversationId === state.conversation?.id);
    const patch: Partial<ChatState> = { messages: mergeMessages(state.messages, mine) };
    if (state.outbox.some((o) => ids.has(o.clientId))) patch.outbox = state.outbox.filter((o) => !ids.has(o.clientId));
    set(patch);
  }

  /** How far this device has read a conversation (stored, so the count survives a reload). */
  const readOf = (id?: string) => {
    const r = storage.get<{ conversationId?: string; seq?: number }>(readKey(site));
    return id && r?.conversationId === id && typeof r.seq === 'number' ? r.seq : 0;
  };

  /** The list's entry of a conversation. */
  const entry = (id?: string) => state.history?.find((h) => h.conversation.id === id);

  /** Switch to a conversation: its messages replace the previous one's. */
  function adopt(conversation: VisitorConversationDto | null) {
    const seen = conversation?.agentReadSeq ?? 0;
    if (conversation?.id !== state.conversation?.id) {
      readSeq = 0;
      const readUpTo = Math.max(readOf(conversation?.id), entry(conversation?.id)?.readSeq ?? 0);
      set({ conversation, messages: [], seen, endError: undefined, readUpTo, reply: false, fresh: false });
    } else set({ conversation: conversation && { ...state.conversation, ...conversation }, seen: Math.max(state.seen, seen) });
  }

  /** A conversation changed or got a message: its entry in the list says so (the list is fetched when it lacks it). */
  function note(c: Partial<VisitorConversationDto> & { id: string }, m?: MessageDto) {
    const shown = c.id === state.conversation?.id;
    // A reply elsewhere before the list was ever fetched: fetch it, so the page's unread count has it.
    if (!state.history) return void (m?.author === 'agent' && !shown && loadHistory());
    const e = entry(c.id);
    if (!e) return void loadHistory();
    const unread = e.unread + (m?.author === 'agent' && !shown ? 1 : 0);
    set({
      history: state.history.map((h) => (h === e ? { ...h, conversation: { ...h.conversation, ...c }, unread, ...(m ? { last: m } : {}) } : h)),
    });
  }

  let listing: Promise<Result<'chat:history'>> | undefined;
  /** "Your conversations", from the server. */
  function loadHistory() {
    listing ??= client.history().then((r) => {
      listing = undefined;
      if (r.ok) set({ history: r.data.conversations });
      return r;
    });
    return listing;
  }

  let onPage = page ? { page: page.slice(0, 2000) } : {};

  /** The highest agent message seq told to the server as read. */
  let readSeq = 0;
  let typedAt = 0; // when "typing" last went out; 0 once "stopped" did
  let idle: ReturnType<typeof setTimeout> | undefined;
  let agentTyping: ReturnType<typeof setTimeout> | undefined;
  /** The visitor types (or cleared the box): tell the agent at most every 2.5 s, and "stopped" after 4 s idle. */
  function typing(on: boolean) {
    const c = state.conversation;
    clearTimeout(idle);
    if (on) idle = setTimeout(typing, 4000, false);
    if (c?.status !== 'active' || (on ? Date.now() - typedAt < 2500 : !typedAt)) return;
    typedAt = on ? Date.now() : 0;
    client.typing({ conversationId: c.id, typing: on });
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
          const latest = wantLatest;
          let known = latest ? null : state.conversation;
          wantLatest = false;
          // A new conversation the visitor has not written in yet: nothing to catch up with.
          if (!known && !latest && state.fresh) continue;
          for (let pages = 0; pages < 20; pages++) {
            const afterSeq = known && known.id === state.conversation?.id ? contiguousSeq(state.messages.map((m) => m.seq)) : 0;
            // With the page: the agent sees where the visitor is now.
            const r = await client.sync(known ? { conversationId: known.id, afterSeq, ...onPage } : { afterSeq: 0, ...onPage });
            if (!r.ok) {
              if (r.error.code !== 'not_found' || !known) break;
              known = null; // it's gone: fall back to the latest conversation
              continue;
            }
            adopt(r.data.conversation);
            take(r.data.messages);
            if (!state.synced) set({ synced: true });
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
    // Without a conversation of its own, a message joins the live chat (which an earlier one may have started).
    const to = item.to ?? (isOpen(state.conversation) ? state.conversation!.id : undefined);
    if (to) {
      const r = await client.send({ conversationId: to, clientId: item.clientId, text: item.text });
      if (r.ok) take([r.data]);
      return r;
    }
    const r: Result<'chat:start'> = await client.start({
      clientId: item.clientId,
      text: item.text,
      ...onPage,
      ...(locale ? { locale: locale() } : {}),
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
        // The chat ended under us: catch up, then try once more, as a new chat.
        if (r.error.code === 'conflict' && retried !== item.clientId) {
          retried = item.clientId;
          const { to, ...rest } = item;
          set({ outbox: state.outbox.map((o) => (o === item ? rest : o)) });
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

  /** Availability and the site's name: no visitor identity needed, so it runs before the visitor opens the widget. */
  function load() {
    void client.status().then((r) => {
      // The socket's availability event is newer than this answer if it came first.
      if (r.ok)
        set({
          siteName: r.data.siteName,
          agentsOnline: state.agentsOnline ?? r.data.agentsOnline,
          emailEnabled: r.data.emailEnabled,
          helpCenter: r.data.helpCenter,
        });
    });
  }

  /** Connects (getting a visitor identity first): sync, then the outbox, on every connect. Returns the function that stops. */
  function connect() {
    return client.connect({
      async connect() {
        epoch++;
        set({ connected: true, identityError: undefined });
        await sync();
        await retry();
      },
      disconnect: () => set({ connected: false }),
      availability: (online) => set({ agentsOnline: online }),
      message(m) {
        const shown = m.conversationId === state.conversation?.id;
        if (m.author === 'agent' && shown) set({ leftTicket: undefined, typing: undefined });
        note({ id: m.conversationId }, m);
        if (shown) take([m]);
        // The visitor wrote elsewhere (another tab): follow them. A reply in another conversation
        // stays there, counted as unread in "Your conversations".
        else if (m.author === 'visitor' || (!state.conversation && !state.fresh)) void sync(true);
      },
      updated(c) {
        const known = state.conversation;
        note(c);
        if (c.id === known?.id) set({ conversation: { ...known, ...c } });
        else if (!known ? !state.fresh : c.createdAt >= known.createdAt) void sync(true);
      },
      queue: (queue) => set({ queue }),
      typing(t) {
        if (t.conversationId !== state.conversation?.id) return;
        // A lost "stopped" must not leave the indicator up.
        clearTimeout(agentTyping);
        if (t.typing) agentTyping = setTimeout(() => set({ typing: undefined }), 6000);
        // '' when the server does not name the agent: the panel says "Agent" in the visitor's language.
        set({ typing: t.typing ? (t.name ?? '') : undefined });
      },
      read(r) {
        if (r.conversationId === state.conversation?.id) set({ seen: Math.max(state.seen, r.seq) });
      },
      refused: (identityError) => set({ identityError }),
    });
  }

  /** Show one of the visitor's conversations (from "Your conversations"), caught up from the server. */
  function open(c: VisitorConversationDto) {
    adopt(c);
    return sync();
  }

  return {
    get: () => state,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    load,
    connect,
    /** Loads availability and connects; returns the function that stops. */
    start() {
      load();
      return connect();
    },

    /** Queue a message and send it when connected: to the chat or ticket it was written in, else as a new chat. */
    send(text: string) {
      const t = text.trim();
      typing(false);
      if (!t) return;
      const to = writesTo(state);
      set({ outbox: [...state.outbox, { clientId: newId(), text: t, ...(to ? { to } : {}) }] });
      void flush();
    },

    /** "Start a new conversation": an empty chat; the next message starts it. */
    startNew() {
      const live = state.history?.find((h) => isOpen(h.conversation));
      // Only one chat can be open at a time: a new conversation while one is live is that one.
      if (live) return open(live.conversation);
      readSeq = 0;
      set({ conversation: null, messages: [], seen: 0, readUpTo: 0, reply: false, fresh: true, endError: undefined, leftTicket: undefined, typing: undefined });
    },
    open,
    loadHistory,
    /** The visitor chose to reply in the shown ticket's thread. */
    replyHere: () => set({ reply: true }),
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
    typing,

    /** The visitor ends the chat; their next message starts a new one. */
    async end() {
      const r = await client.end({ conversationId: state.conversation!.id });
      set({ endError: r.ok ? undefined : r.error.code });
      // Either way catch up: the chat as ended, with its closing line, or as the server has it now.
      void sync();
      return r;
    },

    /**
     * Another tab wrote the shared outbox (raw JSON, from a storage event): queue what it has that
     * this tab doesn't know, so this tab shows it, sends it too (the server dedupes) and keeps it
     * in the next outbox it writes instead of dropping it.
     */
    shared(raw: string | null) {
      const known = new Set([...state.outbox, ...state.messages].map((o) => o.clientId));
      // Written by set() in the other tab: valid JSON, without `failed`.
      const items = outboxOf(JSON.parse(raw!)).filter((o) => !known.has(o.clientId));
      if (items.length) {
        set({ outbox: [...state.outbox, ...items] });
        void flush();
      }
    },

    /** The log is on screen: the visitor has seen it all, and the agent is told how far. */
    read() {
      const c = state.conversation;
      const seq = state.messages.findLast((m) => m.author === 'agent')?.seq ?? 0;
      if (!c) return;
      if (seq > state.readUpTo) {
        storage.set(readKey(site), { conversationId: c.id, seq });
        set({ readUpTo: seq });
      }
      const e = entry(c.id);
      if (e?.unread) set({ history: state.history!.map((h) => (h === e ? { ...h, unread: 0, readSeq: Math.max(h.readSeq, seq) } : h)) });
      if (state.connected && seq > readSeq) {
        readSeq = seq;
        client.read({ conversationId: c.id, seq });
      }
    },

    /** The visitor moved to another page of the site (`Kamflo('update', { page })`): their agent sees it. */
    setPage(next: string) {
      onPage = { page: next.slice(0, 2000) };
      if (state.connected) void sync();
    },
  };
}
