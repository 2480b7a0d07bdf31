import type { AgentDto, AgentPresenceDto, AgentServerEvents, ChatRequestDto, ConversationDto, MessageDto, TicketDetailDto, TicketDto } from '@kamflo/shared';
import type { Ack, ErrorCode } from '@kamflo/shared/constants';
import { ApiError, type ApiArgs, type ApiCallArgs, type ApiClient, type ApiResponse, type ApiRoute } from '../lib/api.ts';
import type { ClientEvent, EventData, EventInput, Realtime, ServerEvent, SignalEvent } from '../lib/socket.ts';

// Tiny in-memory stand-ins for the server, used by every component test.

type Handler<R extends ApiRoute> = (args: ApiArgs<R>) => ApiResponse<R> | Promise<ApiResponse<R>>;
export type FakeRoutes = { [R in ApiRoute]?: Handler<R> };

export interface FakeApi extends ApiClient {
  routes: FakeRoutes;
  calls: { route: ApiRoute; args: Record<string, unknown> }[];
  /** The calls made to one route, in order. */
  callsTo<R extends ApiRoute>(route: R): ApiArgs<R>[];
}

/** A fake HTTP API: each route answers with its handler (a thrown ApiError is the error answer). */
export function createFakeApi(routes: FakeRoutes = {}): FakeApi {
  const api: FakeApi = {
    routes,
    calls: [],
    callsTo: (route) => api.calls.filter((c) => c.route === route).map((c) => c.args as never),
    async call<R extends ApiRoute>(route: R, ...rest: ApiCallArgs<R>): Promise<ApiResponse<R>> {
      const args = (rest[0] ?? {}) as ApiArgs<R>;
      api.calls.push({ route, args: args as Record<string, unknown> });
      const handler = api.routes[route] as Handler<R> | undefined;
      if (!handler) throw new ApiError(404, 'not_found', `No fake for ${route}`);
      return handler(args);
    },
  };
  return api;
}

export function apiError(status: number, code: ErrorCode, message: string, issues?: { path: string; message: string }[]) {
  return new ApiError(status, code, message, issues);
}

type Responder<E extends ClientEvent> = (input: EventInput<E>) => Ack<EventData<E>> | Promise<Ack<EventData<E>>>;
export type FakeResponders = { [E in ClientEvent]?: Responder<E> };

export interface FakeRealtime extends Realtime {
  connected: boolean;
  responders: FakeResponders;
  emitted: { event: ClientEvent; input: unknown }[];
  emittedOf<E extends ClientEvent>(event: E): EventInput<E>[];
  /** The server sends an event to this agent. */
  serverEmit<E extends ServerEvent>(event: E, ...args: Parameters<AgentServerEvents[E]>): void;
  /** Simulates the connection going down and coming back. */
  drop(): void;
  reconnect(): void;
}

/** A fake agent socket. Events without a responder are acknowledged with `{ ok: false, unavailable }`. */
export function createFakeRealtime(responders: FakeResponders = {}): FakeRealtime {
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const connectionListeners = new Set<(connected: boolean, error?: string) => void>();
  const setConnected = (value: boolean) => {
    rt.connected = value;
    for (const l of [...connectionListeners]) l(value);
  };
  const rt: FakeRealtime = {
    connected: false,
    responders,
    emitted: [],
    emittedOf: (event) => rt.emitted.filter((e) => e.event === event).map((e) => e.input as never),
    connect: () => setConnected(true),
    disconnect: () => {
      rt.connected = false;
    },
    async request<E extends ClientEvent>(event: E, input: EventInput<E>): Promise<Ack<EventData<E>>> {
      rt.emitted.push({ event, input });
      const responder = rt.responders[event] as Responder<E> | undefined;
      if (!responder) return { ok: false, error: { code: 'unavailable', message: `No fake for ${event}` } };
      return responder(input);
    },
    send<E extends SignalEvent>(event: E, input: EventInput<E>) {
      // Recorded like requests (emittedOf works for both); dropped when offline, like the real one.
      if (rt.connected) rt.emitted.push({ event, input });
    },
    on(event, handler) {
      const set = listeners.get(event) ?? new Set();
      set.add(handler as (...args: unknown[]) => void);
      listeners.set(event, set);
      return () => set.delete(handler as (...args: unknown[]) => void);
    },
    onConnectionChange(handler) {
      connectionListeners.add(handler);
      return () => connectionListeners.delete(handler);
    },
    serverEmit(event, ...args) {
      for (const l of [...(listeners.get(event) ?? [])]) l(...args);
    },
    drop: () => setConnected(false),
    reconnect: () => setConnected(true),
  };
  return rt;
}

/** `{ ok: true, data }` */
export const ok = <T>(data: T): Ack<T> => ({ ok: true, data });
/** `{ ok: false, error }` */
export const fail = (code: ErrorCode, message: string): Ack<never> => ({ ok: false, error: { code, message } });

// Fixtures

export const NOW = Date.parse('2025-03-10T12:00:00.000Z');
export const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
const id24 = (n: number) => n.toString(16).padStart(24, '0');

export const agent: AgentDto = { id: id24(1), name: 'Dana Agent', email: 'dana@example.com', role: 'agent' };

/** A team lead (sees the Team panel, may assign queued chats). */
export const lead: AgentDto = { id: id24(2), name: 'Lee Lead', email: 'lee@example.com', role: 'team_lead' };

export function presence(overrides: Partial<AgentPresenceDto> = {}): AgentPresenceDto {
  return { id: id24(3), name: 'Bob Agent', role: 'agent', status: 'online', activeChats: 1, capacity: 4, ...overrides };
}

export function request(overrides: Partial<ChatRequestDto> = {}): ChatRequestDto {
  return {
    conversationId: id24(100),
    visitorName: 'Visitor 1a2b',
    firstMessage: 'My payment failed at checkout',
    page: 'https://shop.example.com/checkout',
    waitingSince: iso(-65_000),
    state: 'offered',
    ...overrides,
  };
}

export function conversation(overrides: Partial<ConversationDto> = {}): ConversationDto {
  return {
    id: id24(100),
    status: 'active',
    createdAt: iso(-120_000),
    visitorId: id24(500),
    visitorName: 'Visitor 1a2b',
    site: 'default',
    page: 'https://shop.example.com/checkout',
    assignee: { id: agent.id, name: agent.name },
    firstMessage: 'My payment failed at checkout',
    waitingSince: iso(-120_000),
    agentName: agent.name,
    ...overrides,
  };
}

export function message(seq: number, overrides: Partial<MessageDto> = {}): MessageDto {
  return {
    id: id24(1000 + seq),
    conversationId: id24(100),
    clientId: `client-${String(seq).padStart(4, '0')}`,
    seq,
    author: 'visitor',
    text: `Message ${seq}`,
    createdAt: iso(-100_000 + seq * 1000),
    ...overrides,
  };
}

export function ticket(overrides: Partial<TicketDto> = {}): TicketDto {
  return {
    id: id24(2001),
    number: 1001,
    subject: 'Payment failed at checkout',
    priority: 'high',
    category: 'billing',
    status: 'open',
    source: 'chat_widget',
    requester: { name: 'Ana Lima', email: 'ana@example.com' },
    assignee: { id: agent.id, name: agent.name },
    conversationId: id24(100),
    createdAt: iso(-110 * 60_000),
    updatedAt: iso(-110 * 60_000),
    slaDueAt: iso(130 * 60_000),
    level: 'L1',
    ...overrides,
  };
}

export function ticketDetail(overrides: Partial<TicketDetailDto> = {}): TicketDetailDto {
  return {
    ...ticket(),
    transcript: [
      message(1, { text: 'My payment failed at checkout' }),
      message(2, { author: 'agent', authorName: agent.name, text: 'Sorry to hear that, let me check.' }),
    ],
    events: [
      { id: 'e1', seq: 1, type: 'created', actor: { kind: 'agent', id: agent.id, name: agent.name }, at: iso(-110 * 60_000) },
      {
        id: 'e2',
        seq: 2,
        type: 'note',
        actor: { kind: 'agent', name: agent.name },
        text: 'Card declined by the bank, checking with payments team.',
        at: iso(-100 * 60_000),
      },
      { id: 'e3', seq: 3, type: 'reply', actor: { kind: 'agent', name: agent.name }, text: 'We are looking into it.', at: iso(-90 * 60_000) },
    ],
    ...overrides,
  };
}
