// @vitest-environment node
// The production client against a real HTTP server and the real Socket.IO server, shaped like
// Kamflo's visitor routes and /visitor namespace.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { WebSocket } from 'ws';
import { createClient, type ClientEvents } from './client.ts';
import { memoryStorage } from '../test/fake-client.ts';

interface Seen {
  method: string;
  path: string;
  auth?: string;
  body: unknown;
}

let origin: string;
let io: Server;
let httpServer: http.Server;
let seen: Seen[];
let sockets: ServerSocket[];
let valid: Set<string>;
let tokens: number;
let reply: ((s: Seen) => [number, unknown] | undefined) | undefined;

beforeEach(async () => {
  seen = [];
  sockets = [];
  valid = new Set();
  tokens = 0;
  reply = undefined;
  httpServer = http.createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const s: Seen = { method: req.method!, path: req.url!, auth: req.headers.authorization, body: raw ? JSON.parse(raw) : undefined };
    seen.push(s);
    const send = ([status, body]: [number, unknown]) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const custom = reply?.(s);
    if (custom) return send(custom);
    if (s.path === '/api/visitors') {
      const token = `token-${++tokens}`;
      valid.add(token);
      return send([201, { token, visitorId: `v${tokens}` }]);
    }
    if (s.path === '/api/helpcenter/requests') {
      if (s.auth && !valid.has(s.auth.replace('Bearer ', ''))) return send([401, { error: { code: 'unauthorized', message: 'Invalid visitor token' } }]);
      return send([201, { ticketNumber: 1002 }]);
    }
    if (s.path.startsWith('/api/widget/status')) return send([200, { site: 'acme', siteName: 'Acme', agentsOnline: true }]);
    send([404, { error: { code: 'not_found', message: 'No route' } }]);
  });
  io = new Server(httpServer, { serveClient: false });
  const ns = io.of('/visitor');
  ns.use((socket, next) => (valid.has(socket.handshake.auth?.token) ? next() : next(new Error('unauthorized'))));
  ns.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('chat:end', (input, ack) => ack({ ok: true, data: { id: input.conversationId, status: 'ended' } }));
    socket.on('chat:message', (input, ack) => ack({ ok: true, data: { id: 'm2', ...input } }));
    socket.on('chat:sync', () => {}); // never answers
  });
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
});
afterEach(() => new Promise<void>((r) => io.close(() => r())));

const request = { name: 'Vera', email: 'vera@example.com', subject: 'Plan', message: 'Yearly please' };
const calls = (path: string) => seen.filter((s) => s.path.startsWith(path));
const WS = WebSocket as unknown as typeof globalThis.WebSocket;

function recorder() {
  const events = {
    connect: vi.fn(),
    disconnect: vi.fn(),
    message: vi.fn(),
    updated: vi.fn(),
    availability: vi.fn(),
    queue: vi.fn(),
    typing: vi.fn(),
    read: vi.fn(),
  } satisfies ClientEvents;
  return events;
}

describe('createClient', () => {
  it('gets a visitor identity once, keeps it per site, and sends it as a bearer token', async () => {
    const storage = memoryStorage();
    const client = createClient({ origin, site: 'acme', storage });

    expect(await client.submitRequest(request)).toEqual({ ok: true, data: { ticketNumber: 1002 } });
    expect(await client.submitRequest(request)).toEqual({ ok: true, data: { ticketNumber: 1002 } });

    expect(calls('/api/visitors')).toHaveLength(1);
    expect(calls('/api/visitors')[0]!.body).toEqual({ site: 'acme' });
    expect(storage.get('kamflo:visitor:acme')).toEqual({ token: 'token-1', visitorId: 'v1' });
    const sent = calls('/api/helpcenter/requests')[1]!;
    expect(sent).toMatchObject({ method: 'POST', auth: 'Bearer token-1', body: request });
  });

  it('replaces a token the server no longer accepts', async () => {
    const storage = memoryStorage();
    storage.set('kamflo:visitor:acme', { token: 'stale', visitorId: 'old' });
    const client = createClient({ origin, site: 'acme', storage });
    expect(await client.submitRequest(request)).toMatchObject({ ok: true });
    expect(storage.get('kamflo:visitor:acme')).toEqual({ token: 'token-1', visitorId: 'v1' });
  });

  it('sends the signed-in user (with its proof, nothing else) when getting a visitor, and keeps whom the visitor is for', async () => {
    const storage = memoryStorage();
    const client = createClient({ origin, site: 'acme', storage });
    client.setUser({ id: 'u1', email: 'u1@example.com', hash: 'abc', extra: 'dropped' } as never);
    await client.submitRequest(request);
    expect(calls('/api/visitors')[0]!.body).toEqual({ site: 'acme', user: { id: 'u1', email: 'u1@example.com', hash: 'abc' } });
    expect(storage.get('kamflo:visitor:acme')).toEqual({ token: 'token-1', visitorId: 'v1', user: 'u1' });
  });

  it('a refused identity is reported once and not retried until the user changes; signing in replaces an anonymous visitor', async () => {
    const storage = memoryStorage();
    const client = createClient({ origin, site: 'acme', storage, WebSocket: WS });
    client.setUser({ id: 'u1', hash: 'f'.repeat(64) });
    reply = (s) => ((s.body as { user?: { id: string } })?.user?.id === 'u1' ? [403, { error: { code: 'identity_unverified', message: 'no' } }] : undefined);
    const events = { ...recorder(), refused: vi.fn() };
    const close = client.connect(events);
    await vi.waitFor(() => expect(events.refused).toHaveBeenCalledWith('identity_unverified'));
    await client.submitRequest(request);
    expect(calls('/api/visitors')).toHaveLength(1);
    expect(storage.get('kamflo:visitor:acme')).toBeUndefined();
    // The page signs in someone the server accepts: a visitor for them, on a new connection.
    client.setUser({ id: 'u2', jwt: 'a.b.c' });
    await vi.waitFor(() => expect(events.connect).toHaveBeenCalledTimes(1), { timeout: 5000 });
    expect(calls('/api/visitors')[1]!.body).toEqual({ site: 'acme', user: { id: 'u2', jwt: 'a.b.c' } });
    expect(storage.get('kamflo:visitor:acme')).toEqual({ token: 'token-1', visitorId: 'v1', user: 'u2' });
    close();

    // An anonymous visitor who signs in (`update`) becomes a new visitor, reconnected.
    const anon = createClient({ origin, site: 'shop', storage, WebSocket: WS });
    const anonEvents = recorder();
    const stop = anon.connect(anonEvents);
    await vi.waitFor(() => expect(anonEvents.connect).toHaveBeenCalledTimes(1));
    expect(storage.get('kamflo:visitor:shop')).toEqual({ token: 'token-2', visitorId: 'v2' });
    anon.setUser({ id: 'u3', hash: 'a'.repeat(64) });
    await vi.waitFor(() => expect(anonEvents.connect).toHaveBeenCalledTimes(2), { timeout: 5000 });
    expect(storage.get('kamflo:visitor:shop')).toEqual({ token: 'token-3', visitorId: 'v3', user: 'u3' });
    expect(sockets.at(-1)!.handshake.auth).toEqual({ token: 'token-3' });
    stop();
  });

  it('returns error bodies and network failures as results, never throws', async () => {
    const client = createClient({ origin, site: 'acme', storage: memoryStorage() });
    reply = () => [400, { error: { code: 'bad_request', message: 'Invalid input', issues: [{ path: 'email', message: 'bad' }] } }];
    expect(await client.status()).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'Invalid input', issues: [{ path: 'email', message: 'bad' }] },
    });
    expect(calls('/api/widget/status')[0]!.path).toBe('/api/widget/status?site=acme');
    const offline = createClient({ origin: 'http://127.0.0.1:1', site: 'acme', storage: memoryStorage() });
    expect(await offline.status()).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('connects to the visitor namespace with the token, forwards events and emits with a timeout', async () => {
    const client = createClient({ origin, site: 'acme', storage: memoryStorage(), timeoutMs: 200, WebSocket: WS });
    const events = recorder();
    const conversationId = 'c'.repeat(24);

    // Not connected yet: an immediate unavailable, nothing buffered.
    expect(await client.end({ conversationId })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    client.typing({ conversationId, typing: true });

    const close = client.connect(events);
    await vi.waitFor(() => expect(events.connect).toHaveBeenCalled());
    const s = sockets[0]!;
    expect(s.handshake.auth).toEqual({ token: 'token-1' });
    expect(s.conn.transport.name).toBe('websocket');

    s.emit('chat:message', { id: 'm1' });
    s.emit('chat:updated', { id: 'c1' });
    s.emit('agents:availability', { online: false });
    const queue = { conversationId, position: 2, etaSeconds: 90, offerLeaveMessage: false };
    s.emit('chat:queue', queue);
    s.emit('chat:typing', { conversationId, typing: true, name: 'Alice' });
    s.emit('chat:read', { conversationId, seq: 4 });
    s.emit('something:else', { ignored: true });
    await vi.waitFor(() => expect(events.read).toHaveBeenCalledWith({ conversationId, seq: 4 }));
    expect(events.message).toHaveBeenCalledWith({ id: 'm1' });
    expect(events.updated).toHaveBeenCalledWith({ id: 'c1' });
    expect(events.availability).toHaveBeenCalledWith(false);
    expect(events.queue).toHaveBeenCalledWith(queue);
    expect(events.typing).toHaveBeenCalledWith({ conversationId, typing: true, name: 'Alice' });

    // Typing and read receipts have no ack; the one typed while disconnected was dropped.
    const relayed: unknown[] = [];
    s.on('chat:typing', (t) => relayed.push(['typing', t]));
    s.on('chat:read', (r) => relayed.push(['read', r]));
    client.typing({ conversationId, typing: false });
    client.read({ conversationId, seq: 3 });
    await vi.waitFor(() =>
      expect(relayed).toEqual([
        ['typing', { conversationId, typing: false }],
        ['read', { conversationId, seq: 3 }],
      ]),
    );

    expect(await client.end({ conversationId })).toEqual({ ok: true, data: { id: conversationId, status: 'ended' } });
    const input = { conversationId, clientId: 'client-1', text: 'hi' };
    expect(await client.send(input)).toEqual({ ok: true, data: { id: 'm2', ...input } });
    // The server never answers chat:sync: after the timeout, unavailable.
    expect(await client.sync({ afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'unavailable' } });

    const gone = new Promise((r) => s.on('disconnect', r));
    close();
    await gone;
    expect(await client.end({ conversationId })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('stores the fresh token the server hands it and reconnects with it', async () => {
    const storage = memoryStorage();
    const client = createClient({ origin, site: 'acme', storage, WebSocket: WS });
    client.setUser({ id: 'u1' });
    const events = recorder();
    const close = client.connect(events);
    await vi.waitFor(() => expect(events.connect).toHaveBeenCalledTimes(1));
    valid.add('token-renewed');
    sockets[0]!.emit('visitor:token', { token: 'token-renewed', visitorId: 'v1', expiresAt: '2027-01-01T00:00:00.000Z' });
    await vi.waitFor(() => expect(storage.get('kamflo:visitor:acme')).toEqual({ token: 'token-renewed', visitorId: 'v1', user: 'u1' }));
    // The next connection (here after the server drops this one) uses it.
    sockets[0]!.disconnect();
    await vi.waitFor(() => expect(events.connect).toHaveBeenCalledTimes(2), { timeout: 5000 });
    expect(sockets[1]!.handshake.auth).toEqual({ token: 'token-renewed' });
    close();
  });

  it('gets a new identity when the server refuses the handshake as unauthorized', async () => {
    const storage = memoryStorage();
    storage.set('kamflo:visitor:acme', { token: 'stale', visitorId: 'old' });
    const client = createClient({ origin, site: 'acme', storage, WebSocket: WS });
    const events = recorder();
    const close = client.connect(events);
    await vi.waitFor(() => expect(events.connect).toHaveBeenCalled(), { timeout: 5000 });
    expect(sockets[0]!.handshake.auth).toEqual({ token: 'token-1' });
    expect(storage.get('kamflo:visitor:acme')).toEqual({ token: 'token-1', visitorId: 'v1' });
    close();
  });
});
