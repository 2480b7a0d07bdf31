import type { ChatRequestDto, ConversationDto, ConvertToTicketInput, MessageDto, TicketDto } from '@kamflo/shared';
import { errorMessage } from '../../lib/api.ts';
import type { ActionResult, SliceCreator } from '../../store.ts';
import { lastSeq, mergeMessages, pendingMessage, syncAfterSeq, updatePending, type ChatMessageView } from './messages.ts';

export type RequestAction = 'accept' | 'decline' | 'take';

export interface ChatsState {
  /** The latest `chat:requests` snapshot. */
  requests: ChatRequestDto[];
  /** The agent's conversations, newest first. */
  chats: ConversationDto[];
  selectedChatId: string | null;
  messages: Record<string, ChatMessageView[]>;
  /** Conversations whose message list is known to be complete (so `afterSeq` may be used). */
  synced: Record<string, boolean>;
  /** Visitor messages that arrived while another conversation was open. */
  unread: Record<string, number>;
  syncError: string | null;
  /** Conversations whose visitor is typing now (`chat:typing`). */
  visitorTyping: Record<string, boolean>;
  /** The highest seq this console has reported read (`chat:read`), per conversation. */
  readSent: Record<string, number>;
}

export interface ChatsSlice extends ChatsState {
  /** Replaces the list: every `chat:requests` is a full snapshot. */
  setRequests(requests: ChatRequestDto[]): void;
  answerRequest(action: RequestAction, conversationId: string): Promise<ActionResult>;
  /** `chat:list`: on every (re)connect. */
  refreshChats(): Promise<void>;
  upsertChat(conversation: ConversationDto): void;
  selectChat(conversationId: string | null): void;
  /** Fetches what this console missed of one conversation. */
  syncChat(conversationId: string): Promise<void>;
  /** After a reconnect: the open conversation catches up, the others re-sync when opened. */
  resyncAfterReconnect(): void;
  receiveMessage(message: MessageDto): void;
  sendMessage(conversationId: string, text: string): Promise<void>;
  retryMessage(conversationId: string, clientId: string): Promise<void>;
  convertToTicket(conversationId: string, input: ConvertToTicketInput): Promise<ActionResult<TicketDto>>;
  /** `chat:end`: the visitor is told by the server. */
  endChat(conversationId: string): Promise<ActionResult>;
  /** `chat:transfer` to a colleague (who accepts or declines) or, without `toAgentId`, back to the queue. */
  transferChat(conversationId: string, input: { toAgentId?: string; note: string }): Promise<ActionResult>;
  /** Team leads: `chat:assign` a queued chat to an agent. */
  assignChat(conversationId: string, agentId: string): Promise<ActionResult>;
  /** `chat:typing` from the server: the visitor started or stopped typing. */
  setVisitorTyping(conversationId: string, typing: boolean): void;
  /** `chat:read` from the server: the visitor has read up to seq. */
  visitorRead(conversationId: string, seq: number): void;
  /** `chat:page` from the server: the visitor moved to another page. */
  visitorPage(conversationId: string, page: string): void;
  /** The conversation is on screen: clears its unread count and reports the highest seq shown. */
  markSeen(conversationId: string): void;
  /** `chat:typing` from this agent (the composer throttles it). */
  sendTyping(conversationId: string, typing: boolean): void;
}

export function initialChatsState(): ChatsState {
  return {
    requests: [],
    chats: [],
    selectedChatId: null,
    messages: {},
    synced: {},
    unread: {},
    syncError: null,
    visitorTyping: {},
    readSent: {},
  };
}

/** Codes after which the request is gone for this agent, whatever the next snapshot says. */
const GONE = new Set(['already_taken', 'not_found', 'conflict']);
export const ALREADY_TAKEN = 'Another agent already has this chat';
/** A visitor whose "stopped typing" got lost (closed tab) stops showing as typing after this. */
const TYPING_EXPIRES_MS = 8000;

export const createChatsSlice: SliceCreator<ChatsSlice> = (set, get, { api, realtime, now, newClientId }) => {
  const removeRequest = (conversationId: string) => set((s) => ({ requests: s.requests.filter((r) => r.conversationId !== conversationId) }));
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const setTyping = (conversationId: string, typing: boolean) => {
    clearTimeout(typingTimers.get(conversationId));
    typingTimers.delete(conversationId);
    if (typing)
      typingTimers.set(
        conversationId,
        setTimeout(() => setTyping(conversationId, false), TYPING_EXPIRES_MS),
      );
    if ((get().visitorTyping[conversationId] ?? false) === typing) return;
    set((s) => ({ visitorTyping: { ...s.visitorTyping, [conversationId]: typing } }));
  };

  const deliver = async (conversationId: string, clientId: string, text: string) => {
    const ack = await realtime.request('chat:message', { conversationId, clientId, text });
    set((s) => {
      const list = s.messages[conversationId] ?? [];
      return {
        messages: {
          ...s.messages,
          [conversationId]: ack.ok ? mergeMessages(list, [ack.data]) : updatePending(list, clientId, { delivery: 'failed', error: ack.error.message }),
        },
      };
    });
  };

  return {
    ...initialChatsState(),

    setRequests: (requests) => set({ requests }),

    async answerRequest(action, conversationId) {
      const ack =
        action === 'accept'
          ? await realtime.request('chat:accept', { conversationId })
          : action === 'take'
            ? await realtime.request('chat:take', { conversationId })
            : await realtime.request('chat:decline', { conversationId });
      if (!ack.ok) {
        // The answer can be lost (a restart) after the server assigned the chat, which it says
        // first with chat:updated: then the accept did happen.
        const me = get().agent?.id;
        if (action !== 'decline' && get().chats.some((c) => c.id === conversationId && c.status === 'active' && c.assignee?.id === me)) {
          removeRequest(conversationId);
          get().selectChat(conversationId);
          return { ok: true, data: undefined };
        }
        if (GONE.has(ack.error.code)) removeRequest(conversationId);
        return { ok: false, message: ack.error.code === 'already_taken' ? ALREADY_TAKEN : ack.error.message };
      }
      removeRequest(conversationId);
      if (ack.data) {
        get().upsertChat(ack.data);
        get().selectChat(ack.data.id);
      }
      return { ok: true, data: undefined };
    },

    async refreshChats() {
      const ack = await realtime.request('chat:list', {});
      if (!ack.ok) return;
      set((s) => {
        const selected = s.chats.find((c) => c.id === s.selectedChatId);
        const chats = [...ack.data.chats];
        // Keep the open conversation on screen even if it has just ended.
        if (selected && !chats.some((c) => c.id === selected.id)) chats.unshift(selected);
        return { chats, requests: ack.data.requests };
      });
    },

    upsertChat(conversation) {
      set((s) => {
        const index = s.chats.findIndex((c) => c.id === conversation.id);
        if (index === -1) return { chats: [conversation, ...s.chats] };
        const chats = [...s.chats];
        // A read receipt may be newer than the snapshot that brought this update.
        const seen = Math.max(chats[index]!.visitorReadSeq ?? 0, conversation.visitorReadSeq ?? 0);
        chats[index] = seen ? { ...conversation, visitorReadSeq: seen } : conversation;
        return { chats };
      });
    },

    selectChat(conversationId) {
      set((s) => ({
        selectedChatId: conversationId,
        syncError: null,
        unread: conversationId ? { ...s.unread, [conversationId]: 0 } : s.unread,
      }));
      if (conversationId) void get().syncChat(conversationId);
    },

    async syncChat(conversationId) {
      const complete = get().synced[conversationId];
      const afterSeq = complete ? syncAfterSeq(get().messages[conversationId]) : undefined;
      const ack = await realtime.request('chat:sync', afterSeq === undefined ? { conversationId } : { conversationId, afterSeq });
      if (!ack.ok) {
        if (get().selectedChatId === conversationId) set({ syncError: ack.error.message });
        return;
      }
      get().upsertChat(ack.data.conversation);
      set((s) => ({
        syncError: s.selectedChatId === conversationId ? null : s.syncError,
        synced: { ...s.synced, [conversationId]: true },
        messages: { ...s.messages, [conversationId]: mergeMessages(s.messages[conversationId] ?? [], ack.data.messages) },
      }));
    },

    resyncAfterReconnect() {
      const selected = get().selectedChatId;
      set((s) => ({ synced: selected && s.synced[selected] ? { [selected]: true } : {} }));
      if (selected) void get().syncChat(selected);
    },

    receiveMessage(message) {
      set((s) => {
        const id = message.conversationId;
        const seen = (s.messages[id] ?? []).some((m) => m.id === message.id);
        // Unseen: another chat is open, or the agent is on another page.
        const unread =
          !seen && message.author === 'visitor' && (s.selectedChatId !== id || s.route.view !== 'chats')
            ? { ...s.unread, [id]: (s.unread[id] ?? 0) + 1 }
            : s.unread;
        return { unread, messages: { ...s.messages, [id]: mergeMessages(s.messages[id] ?? [], [message]) } };
      });
      if (message.author === 'visitor') setTyping(message.conversationId, false);
    },

    async sendMessage(conversationId, rawText) {
      const text = rawText.trim();
      if (!text) return;
      const clientId = newClientId();
      const message = pendingMessage({
        conversationId,
        clientId,
        text,
        authorName: get().agent?.name,
        createdAt: new Date(now()).toISOString(),
      });
      set((s) => ({ messages: { ...s.messages, [conversationId]: [...(s.messages[conversationId] ?? []), message] } }));
      await deliver(conversationId, clientId, text);
    },

    async retryMessage(conversationId, clientId) {
      const message = get().messages[conversationId]?.find((m) => m.clientId === clientId && m.delivery === 'failed');
      if (!message) return;
      set((s) => ({
        messages: {
          ...s.messages,
          [conversationId]: updatePending(s.messages[conversationId] ?? [], clientId, {
            delivery: 'sending',
            error: undefined,
          }),
        },
      }));
      // Same clientId: if the first attempt did reach the server, it answers with that message again.
      await deliver(conversationId, clientId, message.text);
    },

    async convertToTicket(conversationId, input) {
      try {
        const ticket = await api.call('POST /api/conversations/:id/ticket', {
          params: { id: conversationId },
          body: input,
        });
        const chat = get().chats.find((c) => c.id === conversationId);
        if (chat) get().upsertChat({ ...chat, status: 'ticket', ticketNumber: ticket.number });
        get().ticketUpdated(ticket);
        get().openTicket(ticket.number);
        get().showNotice(`Ticket #${ticket.number} created`);
        return { ok: true, data: ticket };
      } catch (error) {
        return { ok: false, message: errorMessage(error) };
      }
    },

    async endChat(conversationId) {
      const ack = await realtime.request('chat:end', { conversationId });
      if (!ack.ok) return { ok: false, message: ack.error.message };
      get().upsertChat(ack.data);
      return { ok: true, data: undefined };
    },

    async transferChat(conversationId, { toAgentId, note }) {
      const ack = await realtime.request('chat:transfer', toAgentId ? { conversationId, toAgentId, note } : { conversationId, note });
      if (!ack.ok) return { ok: false, message: ack.error.message };
      // Not this agent's chat any more (the colleague accepts it, or the queue takes it back).
      set((s) => ({
        chats: s.chats.filter((c) => c.id !== conversationId),
        selectedChatId: s.selectedChatId === conversationId ? null : s.selectedChatId,
      }));
      get().showNotice(toAgentId ? 'Chat transferred' : 'Chat returned to the queue');
      return { ok: true, data: undefined };
    },

    async assignChat(conversationId, agentId) {
      const ack = await realtime.request('chat:assign', { conversationId, agentId });
      if (!ack.ok) {
        if (GONE.has(ack.error.code)) removeRequest(conversationId);
        return { ok: false, message: ack.error.code === 'already_taken' ? ALREADY_TAKEN : ack.error.message };
      }
      removeRequest(conversationId);
      get().showNotice(`Chat from ${ack.data.visitorName} assigned to ${ack.data.assignee?.name ?? 'the agent'}`);
      return { ok: true, data: undefined };
    },

    setVisitorTyping: (conversationId, typing) => setTyping(conversationId, typing),

    visitorRead(conversationId, seq) {
      const chat = get().chats.find((c) => c.id === conversationId);
      if (!chat || (chat.visitorReadSeq ?? -1) >= seq) return;
      get().upsertChat({ ...chat, visitorReadSeq: seq });
    },

    visitorPage(conversationId, page) {
      const chat = get().chats.find((c) => c.id === conversationId);
      if (chat && chat.page !== page) get().upsertChat({ ...chat, page });
    },

    markSeen(conversationId) {
      const seq = lastSeq(get().messages[conversationId]);
      // While offline the receipt would be dropped: leave it for the next markSeen.
      const reported = get().connection === 'online' ? (get().readSent[conversationId] ?? -1) : Number.POSITIVE_INFINITY;
      set((s) => ({
        unread: s.unread[conversationId] ? { ...s.unread, [conversationId]: 0 } : s.unread,
        readSent: seq !== undefined && seq > reported ? { ...s.readSent, [conversationId]: seq } : s.readSent,
      }));
      if (seq !== undefined && seq > reported) realtime.send('chat:read', { conversationId, seq });
    },

    sendTyping: (conversationId, typing) => realtime.send('chat:typing', { conversationId, typing }),
  };
};
