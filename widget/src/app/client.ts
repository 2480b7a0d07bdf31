// Types only from the main entry: its values would pull zod into the bundle.
import type {
  HcPublicArticleDto,
  HcSearchResultDto,
  HelpCenterRequestInput,
  HttpApi,
  MessageDto,
  QueueStateDto,
  VisitorClientEvents,
  VisitorConversationDto,
  VisitorServerEvents,
} from '@kamflo/shared';
import { VISITOR_NAMESPACE, type Ack, type ErrorBody, type ErrorCode } from '@kamflo/shared/constants';
import { createSocket, type Socket } from './socket.ts';
import { visitorKey, type KeyValue } from './storage.ts';

type Event = keyof VisitorClientEvents;
/** What the widget sends with a socket event. */
export type Input<E extends Event> = Parameters<VisitorClientEvents[E]>[0];
/** The acknowledgement the server answers a socket event with. */
export type Result<E extends Event> = VisitorClientEvents[E] extends (input: never, ack: (result: infer R) => void) => void ? R : never;

/** What the server pushes to the widget. */
export interface ClientEvents {
  /** Every (re)connect: the store syncs and re-sends its outbox then. */
  connect(): void;
  disconnect(): void;
  message(message: MessageDto): void;
  updated(conversation: VisitorConversationDto): void;
  availability(online: boolean): void;
  queue(state: QueueStateDto): void;
  typing(state: Pushed<'chat:typing'>): void;
  read(state: Pushed<'chat:read'>): void;
  /** The server refused this user's identity (`identity_unverified`): no visitor, no retry until the user changes. */
  refused?(code: ErrorCode): void;
}
type Pushed<E extends keyof VisitorServerEvents> = Parameters<VisitorServerEvents[E]>[0];

/**
 * Everything the widget asks of the Kamflo server. No method throws: network failures and
 * timeouts come back as `{ ok: false, error: { code: 'unavailable' } }`. Tests pass a fake.
 */
export interface WidgetClient {
  /** GET /api/widget/status: can anyone answer now, and the site's name. */
  status(): Promise<Ack<HttpApi['GET /api/widget/status']['res']>>;
  /** Opens the realtime connection (getting a visitor identity first); returns the function that closes it. */
  connect(events: ClientEvents): () => void;
  start(input: Input<'chat:start'>): Promise<Result<'chat:start'>>;
  send(input: Input<'chat:message'>): Promise<Result<'chat:message'>>;
  sync(input: Input<'chat:sync'>): Promise<Result<'chat:sync'>>;
  leaveMessage(input: Input<'chat:leave-message'>): Promise<Result<'chat:leave-message'>>;
  end(input: Input<'chat:end'>): Promise<Result<'chat:end'>>;
  /** "Your conversations": the visitor's chats and tickets. */
  history(): Promise<Result<'chat:history'>>;
  /** No ack, dropped while disconnected: the next one says the same or newer. */
  typing(input: Input<'chat:typing'>): void;
  read(input: Input<'chat:read'>): void;
  /** The user the page signed in with (`Kamflo('boot', { user })`), or none. */
  setUser(user: WidgetUser | undefined): void;
  user(): WidgetUser | undefined;
  /** POST /api/helpcenter/requests, as this visitor. */
  submitRequest(input: HelpCenterRequestInput): Promise<Ack<HttpApi['POST /api/helpcenter/requests']['res']>>;
  /** GET /api/helpcenter/search: up to 5 published articles; `signal` cancels a stale one. */
  search(q: string, signal?: AbortSignal): Promise<Ack<{ results: HcSearchResultDto[] }>>;
  /** GET /api/helpcenter/public/articles/:slug */
  article(slug: string): Promise<Ack<HcPublicArticleDto>>;
  /** "Was this helpful?" */
  feedback(slug: string, helpful: boolean): Promise<Ack<{ recorded: true }>>;
  /** The visitor opened a suggested article (deflection counts; as this visitor). */
  suggestedRead(slug: string): Promise<Ack<{ counted: boolean }>>;
}

export interface Identity {
  token: string;
  visitorId: string;
  /** The page's user id this identity was made for (none: an anonymous visitor). */
  user?: string;
}

/** The signed-in user the page passed to `Kamflo('boot' | 'update', { user })`. */
export interface WidgetUser {
  id: string;
  email?: string;
  name?: string;
  hash?: string;
  jwt?: string;
}

const unavailable = () => ({ ok: false, error: { code: 'unavailable', message: '' } }) as const;

/**
 * The production client: fetch for HTTP, the widget's Socket.IO client (socket.ts) for the rest,
 * against the Kamflo origin. Error bodies pass through with their code; the widget words them
 * itself (i18n.ts), so the server's `message` is never shown.
 */
export function createClient({
  origin,
  site,
  storage,
  timeoutMs = 10_000,
  WebSocket,
}: {
  origin: string;
  site: string;
  storage: KeyValue;
  timeoutMs?: number;
  /** Tests in Node pass one; browsers have their own. */
  WebSocket?: typeof globalThis.WebSocket;
}): WidgetClient {
  let socket: Socket | undefined;
  let pending: Promise<Ack<Identity>> | undefined;
  /** Sent with `POST /api/visitors` (its hash or JWT proves it); the server decides whether it is verified. */
  let user: WidgetUser | undefined;
  /** The server's refusal of this user: kept until the user changes, so nobody retries in a loop. */
  let refusal: Ack<Identity> | undefined;
  let listeners: ClientEvents | undefined;

  async function http<T>(method: string, path: string, body?: unknown, token?: string, signal?: AbortSignal): Promise<Ack<T>> {
    try {
      const headers: Record<string, string> = {};
      if (body) headers['Content-Type'] = 'application/json';
      if (token) headers.Authorization = `Bearer ${token}`;
      const res = await fetch(origin + path, { method, headers, body: body ? JSON.stringify(body) : undefined, signal });
      const json = await res.json().catch(() => null);
      if (res.ok) return { ok: true, data: json as T };
      const error: ErrorBody = json?.error ?? { code: 'internal', message: '' };
      return { ok: false, error };
    } catch {
      return unavailable();
    }
  }

  /** The visitor's identity: kept per site in localStorage, issued by the server on first contact. */
  function identity(): Promise<Ack<Identity>> {
    const saved = storage.get<Identity>(visitorKey(site));
    if (saved?.token) return Promise.resolve({ ok: true, data: saved });
    if (refusal) return Promise.resolve(refusal);
    // Only the fields the server knows: its schema refuses any other.
    const u = user && { id: user.id, email: user.email, name: user.name, hash: user.hash, jwt: user.jwt };
    pending ??= http<Identity>('POST', '/api/visitors', { site, ...(u ? { user: u } : {}) }).then((r) => {
      pending = undefined;
      if (r.ok) storage.set(visitorKey(site), { token: r.data.token, visitorId: r.data.visitorId, ...(user ? { user: user.id } : {}) });
      else if (u && (r.error.code === 'identity_unverified' || r.error.code === 'bad_request')) {
        refusal = r;
        listeners?.refused?.(r.error.code);
      }
      return r;
    });
    return pending;
  }
  const HC = '/api/helpcenter/';
  const siteQ = `site=${encodeURIComponent(site)}`;
  /** The server no longer accepts the saved token (e.g. its secret changed): start afresh. */
  const forget = () => storage.remove(visitorKey(site));

  async function emit<E extends Event>(event: E, input: Input<E>): Promise<Result<E>> {
    if (!socket?.connected) return unavailable() as Result<E>;
    try {
      return (await socket.request(event, input, timeoutMs)) as Result<E>;
    } catch {
      return unavailable() as Result<E>;
    }
  }

  function open(events: ClientEvents) {
    const pushed: { [E in keyof VisitorServerEvents]: (data: Parameters<VisitorServerEvents[E]>[0]) => void } = {
      'chat:message': events.message,
      'chat:updated': events.updated,
      'agents:availability': (a) => events.availability(a.online),
      'chat:queue': events.queue,
      'chat:typing': events.typing,
      'chat:read': events.read,
      // Tokens expire; the server hands a connected widget a fresh one before then. The next
      // attempt's auth reads it from storage.
      'visitor:token': (t) => {
        const saved = storage.get<Identity>(visitorKey(site));
        storage.set(visitorKey(site), { token: t.token, visitorId: t.visitorId, ...(saved?.user ? { user: saved.user } : {}) });
      },
    };
    const s = createSocket({
      origin,
      namespace: VISITOR_NAMESPACE,
      WebSocket,
      // Asked before every attempt, so a refused token is replaced on the next one.
      async auth() {
        const id = await identity();
        return id.ok ? { token: id.data.token } : null;
      },
      events: {
        connect: events.connect,
        disconnect: events.disconnect,
        refused: (message) => message === 'unauthorized' && forget(),
        event: (name, [data]) => (pushed as Record<string, ((d: unknown) => void) | undefined>)[name]?.(data),
      },
    });
    socket = s;
  }

  return {
    setUser(u) {
      user = u;
      const saved = storage.get<Identity>(visitorKey(site));
      if (saved?.user === u?.id) return;
      // No visitor yet (or a refused one), or one made for someone else (signing in with
      // `update`): a new visitor for this user, on a new connection if one is open.
      if (saved) forget();
      refusal = undefined;
      if (socket && listeners) {
        socket.close();
        open(listeners);
      }
    },
    user: () => user,
    status: () => http('GET', `/api/widget/status?site=${encodeURIComponent(site)}`),

    connect(events) {
      listeners = events;
      open(events);
      return () => {
        socket?.close();
        socket = undefined;
        listeners = undefined;
      };
    },

    start: (input) => emit('chat:start', input),
    send: (input) => emit('chat:message', input),
    sync: (input) => emit('chat:sync', input),
    leaveMessage: (input) => emit('chat:leave-message', input),
    end: (input) => emit('chat:end', input),
    history: () => emit('chat:history', {}),
    typing: (input) => socket?.emit('chat:typing', input),
    read: (input) => socket?.emit('chat:read', input),

    search: (q, signal) => http('GET', `${HC}search?${siteQ}&limit=5&q=${encodeURIComponent(q)}`, undefined, undefined, signal),
    article: (slug) => http('GET', `${HC}public/articles/${encodeURIComponent(slug)}?${siteQ}`),
    feedback: (slug, helpful) => http('POST', `${HC}public/articles/${encodeURIComponent(slug)}/feedback?${siteQ}`, { helpful }),
    async suggestedRead(slug) {
      const id = await identity();
      return id.ok ? http('POST', `${HC}suggested-reads`, { article: slug }, id.data.token) : id;
    },

    async submitRequest(input) {
      const id = await identity();
      const post = (token?: string) => http<{ ticketNumber: number }>('POST', '/api/helpcenter/requests', input, token);
      // The token only links replies to this widget; a request goes through without one.
      let r = await post(id.ok ? id.data.token : undefined);
      if (!r.ok && r.error.code === 'unauthorized') {
        forget();
        const fresh = await identity();
        r = await post(fresh.ok ? fresh.data.token : undefined);
      }
      return r;
    },
  };
}
