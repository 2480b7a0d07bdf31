// @vitest-environment node
// The widget's own Socket.IO client against the real Socket.IO server (the one Kamflo runs).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { WebSocket, WebSocketServer } from 'ws';
import { createSocket, type Socket, type SocketEvents } from './socket.ts';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A Socket.IO server with a /visitor namespace that wants `{ token: 'good' }`, like Kamflo's. */
async function startServer(opts: { port?: number; pingInterval?: number; pingTimeout?: number } = {}) {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { serveClient: false, ...(opts.pingInterval ? { pingInterval: opts.pingInterval, pingTimeout: opts.pingTimeout } : {}) });
  const ns = io.of('/visitor');
  const connections: ServerSocket[] = [];
  ns.use((socket, next) => (socket.handshake.auth?.token === 'good' ? next() : next(new Error('unauthorized'))));
  ns.on('connection', (socket) => {
    connections.push(socket);
    socket.on('echo', (input, ack) => ack({ ok: true, data: input }));
    socket.on('silent', () => {});
    socket.on('note', (input) => socket.emit('noted', input));
  });
  await new Promise<void>((r) => httpServer.listen(opts.port ?? 0, '127.0.0.1', r));
  const port = (httpServer.address() as AddressInfo).port;
  const close = () => new Promise<void>((r) => io.close(() => r()));
  cleanup.push(close);
  return { io, ns, connections, port, origin: `http://127.0.0.1:${port}`, close };
}

function recorder() {
  const log: string[] = [];
  const received: [string, unknown[]][] = [];
  const events: SocketEvents = {
    connect: () => log.push('connect'),
    disconnect: () => log.push('disconnect'),
    refused: (m) => log.push(`refused:${m}`),
    event: (name, args) => received.push([name, args]),
  };
  return { log, received, events };
}

function client(origin: string, events: SocketEvents, opts: Partial<Parameters<typeof createSocket>[0]> = {}): Socket {
  const s = createSocket({
    origin,
    namespace: '/visitor',
    auth: async () => ({ token: 'good' }),
    events,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    delay: () => 5,
    ...opts,
  });
  cleanup.push(() => s.close());
  return s;
}

/** A WebSocket that can never connect: a proxy that blocks it, say. */
class BlockedWebSocket extends WebSocket {
  constructor(_url: string) {
    super('ws://127.0.0.1:1/');
  }
}

describe('the widget socket', () => {
  it('connects over WebSocket with its auth, and carries events and acknowledgements both ways', async () => {
    const server = await startServer();
    const { log, received, events } = recorder();
    const s = client(server.origin, events);
    await vi.waitFor(() => expect(log).toEqual(['connect']));
    expect(s.connected).toBe(true);
    expect(server.connections[0]!.conn.transport.name).toBe('websocket');
    expect(server.connections[0]!.handshake.auth).toEqual({ token: 'good' });

    expect(await s.request('echo', { text: 'héllo ✓', n: [1, 2] }, 2000)).toEqual({ ok: true, data: { text: 'héllo ✓', n: [1, 2] } });
    // Several acks in flight at once each find their own answer.
    const answers = await Promise.all([1, 2, 3].map((n) => s.request('echo', n, 2000)));
    expect(answers).toEqual([1, 2, 3].map((n) => ({ ok: true, data: n })));

    server.connections[0]!.emit('pushed', 'x', { y: 2 });
    await vi.waitFor(() => expect(received).toEqual([['pushed', ['x', { y: 2 }]]]));
    s.emit('note', { a: 1 });
    await vi.waitFor(() =>
      expect(received).toEqual([
        ['pushed', ['x', { y: 2 }]],
        ['noted', [{ a: 1 }]],
      ]),
    );
  });

  it('falls back to long-polling when WebSocket fails, and works the same there', async () => {
    const server = await startServer();
    const { log, received, events } = recorder();
    const s = client(server.origin, events, { WebSocket: BlockedWebSocket as unknown as typeof globalThis.WebSocket });
    await vi.waitFor(() => expect(log).toEqual(['connect']));
    const socket = server.connections[0]!;
    expect(socket.conn.transport.name).toBe('polling');

    expect(await s.request('echo', 'over polling', 2000)).toEqual({ ok: true, data: 'over polling' });
    // Several packets at once come in one poll response, separated by the record separator.
    socket.emit('a', 1);
    socket.emit('b', 2);
    socket.emit('c', 3);
    s.emit('note', 'n1');
    s.emit('note', 'n2');
    await vi.waitFor(() => expect(received.map(([name]) => name)).toEqual(['a', 'b', 'c', 'noted', 'noted']));
    expect(received.slice(3).map(([, args]) => args[0])).toEqual(['n1', 'n2']);
  });

  it('answers the server’s pings, so an idle connection stays up', async () => {
    const server = await startServer({ pingInterval: 30, pingTimeout: 200 });
    const { log, events } = recorder();
    client(server.origin, events);
    await vi.waitFor(() => expect(server.connections).toHaveLength(1));
    let pongs = 0;
    server.connections[0]!.conn.on('packet', (p: { type: string }) => void (p.type === 'pong' && pongs++));
    await vi.waitFor(() => expect(pongs).toBeGreaterThanOrEqual(5), { timeout: 3000 });
    expect(log).toEqual(['connect']);
  });

  it('reports a refused namespace connection and tries again, asking for auth anew each time', async () => {
    const server = await startServer();
    const { log, events } = recorder();
    const tokens = ['stale', 'good'];
    const auth = vi.fn(async () => ({ token: tokens.shift() ?? 'good' }));
    client(server.origin, events, { auth });
    await vi.waitFor(() => expect(log).toEqual(['refused:unauthorized', 'connect']));
    expect(auth).toHaveBeenCalledTimes(2);
    expect(server.connections[0]!.handshake.auth).toEqual({ token: 'good' });
  });

  it('waits while auth has nothing to offer, then connects', async () => {
    const server = await startServer();
    const { log, events } = recorder();
    let ready = false;
    const auth = vi.fn(async () => (ready ? { token: 'good' } : null));
    client(server.origin, events, { auth });
    await vi.waitFor(() => expect(auth.mock.calls.length).toBeGreaterThanOrEqual(3));
    expect(server.connections).toHaveLength(0);
    ready = true;
    await vi.waitFor(() => expect(log).toEqual(['connect']));
  });

  it('reconnects after the server goes away and comes back on the same port', async () => {
    const first = await startServer();
    const { log, events } = recorder();
    const s = client(first.origin, events);
    await vi.waitFor(() => expect(log).toEqual(['connect']));
    const pending = s.request('silent', null, 60_000);
    await first.close();
    // A request waiting for an answer fails as soon as the connection drops.
    await expect(pending).rejects.toThrow('disconnected');
    await vi.waitFor(() => expect(log).toEqual(['connect', 'disconnect']));
    expect(s.connected).toBe(false);
    await expect(s.request('echo', 1, 1000)).rejects.toThrow('disconnected');

    const second = await startServer({ port: first.port });
    await vi.waitFor(() => expect(log).toEqual(['connect', 'disconnect', 'connect']), { timeout: 5000 });
    expect(await s.request('echo', 'back', 2000)).toEqual({ ok: true, data: 'back' });
    expect(second.connections).toHaveLength(1);
  });

  it('reconnects when the server disconnects it', async () => {
    const server = await startServer();
    const { log, events } = recorder();
    client(server.origin, events);
    await vi.waitFor(() => expect(server.connections).toHaveLength(1));
    server.connections[0]!.disconnect();
    await vi.waitFor(() => expect(log).toEqual(['connect', 'disconnect', 'connect']));
    expect(server.connections).toHaveLength(2);
  });

  it('times out a request the server never acknowledges', async () => {
    const server = await startServer();
    const { log, events } = recorder();
    const s = client(server.origin, events);
    await vi.waitFor(() => expect(log).toEqual(['connect']));
    await expect(s.request('silent', null, 30)).rejects.toThrow('timeout');
    // The connection is fine: the next request is answered.
    expect(await s.request('echo', 2, 2000)).toEqual({ ok: true, data: 2 });
  });

  it('drops emits while disconnected instead of sending them late', async () => {
    const server = await startServer();
    const { log, received, events } = recorder();
    let ready = false;
    const s = client(server.origin, events, { auth: async () => (ready ? { token: 'good' } : null) });
    s.emit('note', 'too early');
    ready = true;
    await vi.waitFor(() => expect(log).toEqual(['connect']));
    s.emit('note', 'on time');
    await vi.waitFor(() => expect(received).toEqual([['noted', ['on time']]]));
  });

  it('close() disconnects for good', async () => {
    const server = await startServer();
    const { log, events } = recorder();
    const delay = vi.fn(() => 5);
    const s = client(server.origin, events, { delay });
    await vi.waitFor(() => expect(server.connections).toHaveLength(1));
    const gone = new Promise((r) => server.connections[0]!.on('disconnect', r));
    s.close();
    expect(await gone).toBe('client namespace disconnect');
    expect(log).toEqual(['connect', 'disconnect']);
    expect(s.connected).toBe(false);
    // No reconnect attempt is scheduled.
    expect(delay).not.toHaveBeenCalled();
  });
});

describe('heartbeat', () => {
  it('treats a server that stops pinging as gone, and reconnects', async () => {
    // A bare Engine.IO endpoint that opens connections but never pings.
    const httpServer = http.createServer();
    const wss = new WebSocketServer({ server: httpServer });
    let opened = 0;
    wss.on('connection', (ws) => {
      opened++;
      ws.send(`0${JSON.stringify({ sid: `s${opened}`, upgrades: [], pingInterval: 20, pingTimeout: 20, maxPayload: 1e6 })}`);
      ws.on('message', (m) => String(m).startsWith('40/visitor,') && ws.send('40/visitor,{"sid":"x"}'));
    });
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => httpServer.close(() => r())));
    cleanup.push(() => wss.close());
    const { log, events } = recorder();
    client(`http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`, events);
    await vi.waitFor(() => expect(log.slice(0, 3)).toEqual(['connect', 'disconnect', 'connect']));
    expect(opened).toBeGreaterThanOrEqual(2);
  });
});
