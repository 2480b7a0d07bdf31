import { io, type Socket } from 'socket.io-client';
// Types only from the main entry: its values would pull zod into the bundle.
import type {
  HelpCenterRequestInput,
  HttpApi,
  MessageDto,
  QueueStateDto,
  VisitorClientEvents,
  VisitorConversationDto,
  VisitorServerEvents,
} from '@kamflo/shared';
import { VISITOR_NAMESPACE, type Ack, type ErrorBody } from '@kamflo/shared/constants';
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
  /** No ack, dropped while disconnected: the next one says the same or newer. */
  typing(input: Input<'chat:typing'>): void;
  read(input: Input<'chat:read'>): void;
  /** POST /api/helpcenter/requests, as this visitor. */
  submitRequest(input: HelpCenterRequestInput): Promise<Ack<HttpApi['POST /api/helpcenter/requests']['res']>>;
}

type VisitorSocket = Socket<VisitorServerEvents, VisitorClientEvents>;
interface Identity {
  token: string;
  visitorId: string;
}

const unavailable = (message = "Can't reach the server. Check your connection.") => ({ ok: false, error: { code: 'unavailable', message } }) as const;

/** The production client: fetch for HTTP, Socket.IO for the rest, against the Kamflo origin. */
export function createClient({
  origin,
  site,
  storage,
  timeoutMs = 10_000,
}: {
  origin: string;
  site: string;
  storage: KeyValue;
  timeoutMs?: number;
}): WidgetClient {
  let socket: VisitorSocket | undefined;
  let pending: Promise<Ack<Identity>> | undefined;

  async function http<T>(method: string, path: string, body?: unknown, token?: string): Promise<Ack<T>> {
    try {
      const headers: Record<string, string> = {};
      if (body) headers['Content-Type'] = 'application/json';
      if (token) headers.Authorization = `Bearer ${token}`;
      const res = await fetch(origin + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
      const json = await res.json().catch(() => null);
      if (res.ok) return { ok: true, data: json as T };
      const error: ErrorBody = json?.error ?? { code: 'internal', message: 'Something went wrong. Please try again.' };
      return { ok: false, error };
    } catch {
      return unavailable();
    }
  }

  /** The visitor's identity: kept per site in localStorage, issued by the server on first contact. */
  function identity(): Promise<Ack<Identity>> {
    const saved = storage.get<Identity>(visitorKey(site));
    if (saved?.token) return Promise.resolve({ ok: true, data: saved });
    pending ??= http<Identity>('POST', '/api/visitors', { site }).then((r) => {
      pending = undefined;
      if (r.ok) storage.set(visitorKey(site), { token: r.data.token, visitorId: r.data.visitorId });
      return r;
    });
    return pending;
  }
  /** The server no longer accepts the saved token (e.g. its secret changed): start afresh. */
  const forget = () => storage.remove(visitorKey(site));

  async function emit<E extends Event>(event: E, input: Input<E>): Promise<Result<E>> {
    if (!socket?.connected) return unavailable('Not connected. Reconnecting…') as Result<E>;
    try {
      // socket.io's conditional types can't follow a generic event name, hence the cast.
      const s = socket.timeout(timeoutMs) as unknown as { emitWithAck(e: E, i: Input<E>): Promise<Result<E>> };
      return await s.emitWithAck(event, input);
    } catch {
      return unavailable('The server did not answer in time.') as Result<E>;
    }
  }

  return {
    status: () => http('GET', `/api/widget/status?site=${encodeURIComponent(site)}`),

    connect(events) {
      let closed = false;
      let attempt = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const later = (fn: () => void) => {
        clearTimeout(timer);
        timer = setTimeout(fn, Math.min(30_000, 1000 * 2 ** attempt++));
      };
      const open = async () => {
        const id = await identity();
        if (closed) return;
        if (!id.ok) return later(open);
        if (socket) {
          socket.auth = { token: id.data.token };
          socket.connect();
          return;
        }
        const s: VisitorSocket = io(origin + VISITOR_NAMESPACE, {
          auth: { token: id.data.token },
          // The only two transports in the build (vite.config.ts).
          transports: ['polling', 'websocket'],
        });
        socket = s;
        s.on('connect', () => {
          attempt = 0;
          events.connect();
        });
        s.on('disconnect', () => events.disconnect());
        // socket.io retries lost connections itself, but not a handshake the server refused.
        s.on('connect_error', (err) => {
          if (s.active || closed) return;
          if (err.message === 'unauthorized') forget();
          later(open);
        });
        s.on('chat:message', (m) => events.message(m));
        s.on('chat:updated', (c) => events.updated(c));
        s.on('agents:availability', (a) => events.availability(a.online));
        s.on('chat:queue', (q) => events.queue(q));
        s.on('chat:typing', (t) => events.typing(t));
        s.on('chat:read', (r) => events.read(r));
        // Tokens expire; the server hands a connected widget a fresh one before then.
        s.on('visitor:token', (t) => {
          storage.set(visitorKey(site), { token: t.token, visitorId: t.visitorId });
          s.auth = { token: t.token };
        });
      };
      void open();
      return () => {
        closed = true;
        clearTimeout(timer);
        socket?.disconnect();
        socket = undefined;
      };
    },

    start: (input) => emit('chat:start', input),
    send: (input) => emit('chat:message', input),
    sync: (input) => emit('chat:sync', input),
    leaveMessage: (input) => emit('chat:leave-message', input),
    end: (input) => emit('chat:end', input),
    typing: (input) => void (socket?.connected && socket.emit('chat:typing', input)),
    read: (input) => void (socket?.connected && socket.emit('chat:read', input)),

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
