import { io, type Socket } from 'socket.io-client';
import type { AgentClientEvents, AgentServerEvents } from '@kamflo/shared';
import { AGENT_NAMESPACE } from '@kamflo/shared';
import type { Ack } from '@kamflo/shared/constants';

export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

export type ClientEvent = keyof AgentClientEvents;
export type ServerEvent = keyof AgentServerEvents;
/** What the client sends with `event`. */
export type EventInput<E extends ClientEvent> = Parameters<AgentClientEvents[E]>[0];
/** Events the server does not acknowledge (typing, read receipts): sent when connected, else dropped. */
export type SignalEvent = 'chat:typing' | 'chat:read';
/** What the server answers on success. */
export type EventData<E extends ClientEvent> = Parameters<NonNullable<Parameters<AgentClientEvents[E]>[1]>>[0] extends Ack<infer T> ? T : never;
/** Events the server acknowledges. */
export type RequestEvent = Exclude<ClientEvent, SignalEvent>;

/**
 * The console's view of the agent socket. Tests pass an in-memory fake.
 * `request` never throws: a timeout or a missing connection come back as an `unavailable` error.
 */
export interface Realtime {
  connect(): void;
  disconnect(): void;
  request<E extends RequestEvent>(event: E, input: EventInput<E>): Promise<Ack<EventData<E>>>;
  /** Fire-and-forget: a stale typing signal is worthless, so nothing is buffered while offline. */
  send<E extends SignalEvent>(event: E, input: EventInput<E>): void;
  /** Subscribes to a server event; returns the unsubscribe function. */
  on<E extends ServerEvent>(event: E, handler: AgentServerEvents[E]): () => void;
  /**
   * Called with true on every (re)connect, and with false on every disconnect or failed attempt
   * (then `error` says why, e.g. the server refused the session).
   */
  onConnectionChange(handler: (connected: boolean, error?: string) => void): () => void;
}

export const ACK_TIMEOUT_MS = 8000;

/** Opens the agent namespace on the same origin; the session cookie authenticates it. */
export function createAgentSocket(url: string = AGENT_NAMESPACE): AgentSocket {
  return io(url, { autoConnect: false, withCredentials: true });
}

/** Wraps a socket.io client socket (not connected yet) as a `Realtime`. */
export function createRealtime(socket: AgentSocket, { timeoutMs = ACK_TIMEOUT_MS, retryMs = [1000, 2000, 5000, 10_000, 30_000] } = {}): Realtime {
  // socket.io retries lost connections by itself, but not a handshake the server refused
  // ("unavailable: try again shortly"). Those are retried here; "unauthorized" is left to the
  // session check, which signs the agent out.
  let wanted = false;
  let attempt = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  socket.on('connect', () => {
    attempt = 0;
  });
  socket.on('connect_error', (err) => {
    if (!wanted || socket.active || err.message === 'unauthorized') return;
    clearTimeout(retry);
    const delay = retryMs[Math.min(attempt++, retryMs.length - 1)];
    retry = setTimeout(() => wanted && socket.connect(), delay);
  });

  return {
    connect() {
      wanted = true;
      clearTimeout(retry);
      socket.connect();
    },
    disconnect() {
      wanted = false;
      clearTimeout(retry);
      socket.disconnect();
    },

    async request(event, input) {
      // Don't let socket.io buffer actions while offline: an accept delivered minutes later is a surprise.
      if (!socket.connected) {
        return { ok: false, error: { code: 'unavailable', message: 'Not connected to Kamflo. Reconnecting…' } };
      }
      try {
        // The event maps are generic over E; socket.io's conditional types can't follow that, hence
        // the cast. The method needs its own `this` (the timeout-flagged socket).
        const timed = socket.timeout(timeoutMs) as unknown as {
          emitWithAck(ev: string, arg: unknown): Promise<Ack<EventData<typeof event>>>;
        };
        return await timed.emitWithAck(event, input);
      } catch {
        return {
          ok: false,
          error: { code: 'unavailable', message: 'The server did not answer in time. Please try again.' },
        };
      }
    },

    send(event, input) {
      if (socket.connected) (socket.emit as (ev: string, arg: unknown) => void)(event, input);
    },

    on(event, handler) {
      const listener = handler as (...args: unknown[]) => void;
      (socket.on as (ev: string, fn: (...args: unknown[]) => void) => void)(event, listener);
      return () => {
        (socket.off as (ev: string, fn: (...args: unknown[]) => void) => void)(event, listener);
      };
    },

    onConnectionChange(handler) {
      const up = () => handler(true);
      const down = () => handler(false);
      const failed = (err: Error) => handler(false, err.message || 'connection failed');
      socket.on('connect', up);
      socket.on('disconnect', down);
      socket.on('connect_error', failed);
      return () => {
        socket.off('connect', up);
        socket.off('disconnect', down);
        socket.off('connect_error', failed);
      };
    },
  };
}
