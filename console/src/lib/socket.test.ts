import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRealtime, type AgentSocket } from './socket.ts';

/** Just enough of a socket.io client socket to drive `createRealtime`. */
function fakeSocket() {
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const socket = {
    connected: false,
    active: false,
    connects: 0,
    emits: [] as { event: string; input: unknown; timeout: number }[],
    answer: (_event: string, _input: unknown): Promise<unknown> => Promise.resolve({ ok: true, data: null }),
    connect() {
      socket.connects++;
      socket.active = true;
    },
    disconnect() {
      socket.active = false;
      socket.connected = false;
    },
    on(event: string, fn: (...args: unknown[]) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(fn);
      return socket;
    },
    off(event: string, fn: (...args: unknown[]) => void) {
      listeners.get(event)?.delete(fn);
      return socket;
    },
    timeout(ms: number) {
      // Like socket.io: a flagged socket whose emitWithAck reads its flags from `this`.
      return {
        flags: { timeout: ms },
        emitWithAck(this: { flags: { timeout: number } }, event: string, input: unknown) {
          socket.emits.push({ event, input, timeout: this.flags.timeout });
          return socket.answer(event, input);
        },
      };
    },
    sent: [] as { event: string; input: unknown }[],
    emit(event: string, input: unknown) {
      socket.sent.push({ event, input });
      return socket;
    },
    fire(event: string, ...args: unknown[]) {
      for (const fn of [...(listeners.get(event) ?? [])]) fn(...args);
    },
  };
  return socket;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createRealtime', () => {
  it('sends typing and read signals without an ack, and drops them while disconnected', () => {
    const socket = fakeSocket();
    const realtime = createRealtime(socket as unknown as AgentSocket);
    const conversationId = 'a'.repeat(24);

    realtime.send('chat:typing', { conversationId, typing: true });
    expect(socket.sent).toEqual([]);

    socket.connected = true;
    realtime.send('chat:typing', { conversationId, typing: true });
    realtime.send('chat:read', { conversationId, seq: 4 });
    expect(socket.sent).toEqual([
      { event: 'chat:typing', input: { conversationId, typing: true } },
      { event: 'chat:read', input: { conversationId, seq: 4 } },
    ]);
    expect(socket.emits).toEqual([]);
  });

  it('answers with an error instead of buffering while disconnected', async () => {
    const socket = fakeSocket();
    const realtime = createRealtime(socket as unknown as AgentSocket);

    const ack = await realtime.request('chat:accept', { conversationId: 'a'.repeat(24) });

    expect(ack).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(socket.emits).toEqual([]);
  });

  it('emits with a timeout and returns the server ack; a timeout becomes an error ack', async () => {
    const socket = fakeSocket();
    socket.connected = true;
    const realtime = createRealtime(socket as unknown as AgentSocket, { timeoutMs: 1234 });
    socket.answer = () => Promise.resolve({ ok: false, error: { code: 'already_taken', message: 'Taken' } });

    expect(await realtime.request('chat:take', { conversationId: 'a'.repeat(24) })).toEqual({
      ok: false,
      error: { code: 'already_taken', message: 'Taken' },
    });
    expect(socket.emits).toEqual([{ event: 'chat:take', input: { conversationId: 'a'.repeat(24) }, timeout: 1234 }]);

    socket.answer = () => Promise.reject(new Error('operation has timed out'));
    expect(await realtime.request('chat:list', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('reports connects, disconnects and refused handshakes, and stops after unsubscribe', () => {
    const socket = fakeSocket();
    const realtime = createRealtime(socket as unknown as AgentSocket);
    const seen: unknown[] = [];
    const off = realtime.onConnectionChange((connected, error) => seen.push([connected, error]));

    socket.fire('connect');
    socket.fire('disconnect');
    socket.fire('connect_error', new Error('unauthorized'));
    off();
    socket.fire('connect');

    expect(seen).toEqual([
      [true, undefined],
      [false, undefined],
      [false, 'unauthorized'],
    ]);
  });

  it('retries a handshake the server refused as unavailable, but not an unauthorized one', () => {
    vi.useFakeTimers();
    const socket = fakeSocket();
    const realtime = createRealtime(socket as unknown as AgentSocket, { retryMs: [1000] });
    realtime.connect();
    expect(socket.connects).toBe(1);

    socket.active = false; // socket.io gives up after a middleware error
    socket.fire('connect_error', new Error('unavailable'));
    vi.advanceTimersByTime(1000);
    expect(socket.connects).toBe(2);

    socket.active = false;
    socket.fire('connect_error', new Error('unauthorized'));
    vi.advanceTimersByTime(5000);
    expect(socket.connects).toBe(2);

    socket.active = false;
    socket.fire('connect_error', new Error('unavailable'));
    realtime.disconnect();
    vi.advanceTimersByTime(5000);
    expect(socket.connects).toBe(2);
  });

  it('passes server events to subscribers until they unsubscribe', () => {
    const socket = fakeSocket();
    const realtime = createRealtime(socket as unknown as AgentSocket);
    const counts: unknown[] = [];
    const off = realtime.on('dashboard:counts', (c) => counts.push(c));

    socket.fire('dashboard:counts', { highPriority: 1, open: 2, inProgress: 3, resolved: 4 });
    off();
    socket.fire('dashboard:counts', { highPriority: 9, open: 9, inProgress: 9, resolved: 9 });

    expect(counts).toEqual([{ highPriority: 1, open: 2, inProgress: 3, resolved: 4 }]);
  });
});
