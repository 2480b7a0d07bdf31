/**
 * A minimal Socket.IO client (Socket.IO protocol v5 over Engine.IO v4), for one namespace of one
 * server: WebSocket first, long-polling over fetch() only when WebSocket fails, acknowledgements
 * with a timeout, heartbeats, and reconnection with backoff. socket.io-client was ~10.7 KB of the
 * widget's 25.6 KB budget; this is ~1.2 KB (ARCHITECTURE.md, "Widget size and storage decisions").
 *
 * Left out because Kamflo never uses them: binary attachments, several namespaces on one
 * connection, upgrading a polling connection to WebSocket, and acks the server asks of us.
 */

/** Engine.IO packet types (first character of every packet). */
const OPEN = '0';
const CLOSE = '1';
const PING = '2';
const PONG = '3';
const MESSAGE = '4';
/** Socket.IO packet types (first character of an Engine.IO message). */
const CONNECT = 0;
const DISCONNECT = 1;
const EVENT = 2;
const ACK = 3;
const CONNECT_ERROR = 4;
/** Packets in one long-polling body are separated by the record separator. */
const SEPARATOR = '\x1e';
const HANDSHAKE_TIMEOUT = 10_000;

export interface SocketEvents {
  /** The namespace accepted us (every reconnect too). */
  connect(): void;
  /** A connected socket lost its connection; a reconnect follows. */
  disconnect(): void;
  /** The namespace refused the connection (e.g. "unauthorized"); a retry follows. */
  refused(message: string): void;
  /** The server emitted an event. */
  event(name: string, args: unknown[]): void;
}

export interface SocketOptions {
  /** The server's origin, e.g. https://support.example.com. */
  origin: string;
  namespace: string;
  /** The CONNECT payload, asked before each attempt; null: not now, try again later. */
  auth(): Promise<Record<string, unknown> | null>;
  events: SocketEvents;
  path?: string;
  /** Injectable for tests (Node 20 has no WebSocket); undefined: long-polling only. */
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
  /** Milliseconds before reconnect attempt n (0-based): by default 1 s doubling to 5 s, ±50 %. */
  delay?(attempt: number): number;
}

export interface Socket {
  readonly connected: boolean;
  /** Fire and forget; dropped while disconnected. */
  emit(event: string, ...args: unknown[]): void;
  /** Emits with an acknowledgement; rejects on timeout, or when the connection drops first. */
  request(event: string, data: unknown, timeoutMs: number): Promise<unknown>;
  /** Closes for good: no reconnect. */
  close(): void;
}

interface Transport {
  send(packets: string[]): void;
  close(): void;
}
interface TransportEvents {
  packet(packet: string): void;
  /** Lost or failed; called once, never after close(). */
  closed(): void;
}

const defaultDelay = (attempt: number) => Math.min(5000, 1000 * 2 ** attempt) * (0.5 + Math.random());

export function createSocket({
  origin,
  namespace,
  auth,
  events,
  path = '/socket.io/',
  WebSocket: WS = globalThis.WebSocket,
  fetch: fetchImpl = globalThis.fetch.bind(globalThis),
  delay = defaultDelay,
}: SocketOptions): Socket {
  const base = `${origin}${path}?EIO=4`;
  const prefix = namespace === '/' ? '' : `${namespace},`;
  let transport: Transport | undefined;
  let connected = false;
  let stopped = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeat: ReturnType<typeof setTimeout> | undefined;
  let nextAck = 0;
  const acks = new Map<number, (error: Error | null, value?: unknown) => void>();

  const send = (packet: string) => transport?.send([packet]);
  const encode = (type: number, data?: unknown, id = '') => `${MESSAGE}${type}${prefix}${id}${data === undefined ? '' : JSON.stringify(data)}`;

  /** The connection is gone (or never came): tell the app, fail the waiting acks, try again later. */
  function lost() {
    clearTimeout(heartbeat);
    transport?.close();
    transport = undefined;
    if (connected) {
      connected = false;
      events.disconnect();
    }
    for (const done of [...acks.values()]) done(new Error('disconnected'));
    if (!stopped) {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(open, delay(attempt++));
    }
  }

  /** The server pings every pingInterval; silence for pingInterval + pingTimeout means it is gone. */
  const alive = (ms: number) => {
    clearTimeout(heartbeat);
    heartbeat = setTimeout(lost, ms);
  };

  function onMessage(p: string) {
    const type = Number(p[0]);
    let i = 1;
    let nsp = '/';
    if (p[1] === '/') {
      const comma = p.indexOf(',');
      i = comma < 0 ? p.length : comma + 1;
      nsp = p.slice(1, comma < 0 ? p.length : comma);
    }
    if (nsp !== namespace) return;
    const digits = /^\d*/.exec(p.slice(i))![0];
    i += digits.length;
    const data = i < p.length ? JSON.parse(p.slice(i)) : undefined;
    if (type === CONNECT) {
      connected = true;
      attempt = 0;
      events.connect();
    } else if (type === CONNECT_ERROR) {
      events.refused(String(data?.message ?? 'refused'));
      lost();
    } else if (type === DISCONNECT) lost();
    else if (type === EVENT && Array.isArray(data)) events.event(String(data[0]), data.slice(1));
    else if (type === ACK && Array.isArray(data)) acks.get(Number(digits))?.(null, data[0]);
  }

  async function open() {
    const payload = await auth().catch(() => null);
    if (stopped || transport) return;
    if (!payload) return lost();
    let handshaken = false;
    let pingWindow = 0;
    const start = (polling: boolean) => {
      const on: TransportEvents = {
        packet: (packet) => t === transport && handle(packet),
        closed() {
          if (t !== transport) return;
          // WebSocket first; one that never completes its handshake (a proxy that blocks it,
          // say) falls back to long-polling for this attempt.
          if (!handshaken && !polling) start(true);
          else lost();
        },
      };
      const t = polling ? longPolling(base, fetchImpl, on) : webSocket(base, WS!, on);
      transport = t;
      // A transport that never completes its handshake counts as failed.
      clearTimeout(heartbeat);
      heartbeat = setTimeout(() => {
        t.close();
        on.closed();
      }, HANDSHAKE_TIMEOUT);
    };
    const handle = (packet: string) => {
      try {
        const kind = packet[0];
        const body = packet.slice(1);
        if (kind === OPEN) {
          const hs = JSON.parse(body);
          handshaken = true;
          // A handshake without them (not Engine.IO 4's) gets socket.io's defaults.
          pingWindow = hs.pingInterval + hs.pingTimeout || 45_000;
          alive(pingWindow);
          send(encode(CONNECT, payload));
        } else if (kind === PING) {
          alive(pingWindow);
          send(PONG);
        } else if (kind === MESSAGE) onMessage(body);
        else if (kind === CLOSE) lost();
      } catch {
        lost(); // a packet we cannot read: start over on a fresh connection
      }
    };
    start(!WS);
  }

  void open();

  return {
    get connected() {
      return connected;
    },
    emit(event, ...args) {
      if (connected) send(encode(EVENT, [event, ...args]));
    },
    request(event, data, timeoutMs) {
      return new Promise((resolve, reject) => {
        if (!connected) return reject(new Error('disconnected'));
        const id = nextAck++;
        const timer = setTimeout(() => done(new Error('timeout')), timeoutMs);
        const done = (error: Error | null, value?: unknown) => {
          clearTimeout(timer);
          acks.delete(id);
          if (error) reject(error);
          else resolve(value);
        };
        acks.set(id, done);
        send(encode(EVENT, [event, data], String(id)));
      });
    },
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      if (connected) send(encode(DISCONNECT));
      lost();
    },
  };
}

function webSocket(base: string, WS: typeof WebSocket, on: TransportEvents): Transport {
  const ws = new WS(`${base.replace(/^http/, 'ws')}&transport=websocket`);
  let done = false;
  const closed = () => {
    if (done) return;
    done = true;
    on.closed();
  };
  ws.onmessage = (e) => typeof e.data === 'string' && on.packet(e.data);
  ws.onclose = closed;
  ws.onerror = closed;
  return {
    send(packets) {
      for (const p of packets) if (ws.readyState === 1) ws.send(p);
    },
    close() {
      done = true;
      ws.close();
    },
  };
}

/** Engine.IO long-polling: one GET at a time waits for packets, one POST at a time carries ours. */
function longPolling(base: string, fetchImpl: typeof fetch, on: TransportEvents): Transport {
  let sid = '';
  let done = false;
  let posting = false;
  let n = 0;
  const queue: string[] = [];
  const abort = new AbortController();
  const url = () => `${base}&transport=polling&t=${Date.now().toString(36)}.${n++}${sid && `&sid=${sid}`}`;
  const fail = () => {
    if (done) return;
    done = true;
    abort.abort();
    on.closed();
  };
  const request = async (init?: RequestInit) => {
    const res = await fetchImpl(url(), { cache: 'no-store', signal: abort.signal, ...init });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.text();
  };
  const flush = async () => {
    if (posting || done || !sid || !queue.length) return;
    posting = true;
    try {
      await request({ method: 'POST', body: queue.splice(0).join(SEPARATOR) });
      posting = false;
      void flush();
    } catch {
      fail();
    }
  };
  void (async () => {
    try {
      while (!done) {
        for (const packet of (await request()).split(SEPARATOR)) {
          if (done) return;
          if (!sid && packet[0] === OPEN) sid = JSON.parse(packet.slice(1)).sid;
          on.packet(packet);
        }
        void flush();
      }
    } catch {
      fail();
    }
  })();
  return {
    send(packets) {
      queue.push(...packets);
      void flush();
    },
    close() {
      if (done) return;
      done = true;
      // Tell the server now rather than letting it time the session out.
      if (sid) void fetchImpl(url(), { method: 'POST', body: CLOSE }).catch(() => {});
      abort.abort();
    },
  };
}
