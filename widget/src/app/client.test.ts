import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, type ClientEvents } from './client.ts';
import { memoryStorage } from '../test/fake-client.ts';

// A stand-in for socket.io's client socket: records handlers and emits.
const sockets: FakeSocket[] = [];
class FakeSocket {
  handlers = new Map<string, (...args: any[]) => void>();
  connected = false;
  active = true;
  auth: unknown;
  emit = vi.fn();
  emitWithAck = vi.fn(async (_event: string, _input: unknown): Promise<unknown> => ({ ok: true, data: null }));
  timeout = vi.fn(() => ({ emitWithAck: this.emitWithAck }));
  connect = vi.fn();
  disconnect = vi.fn();
  constructor(
    public url: string,
    public opts: { auth: { token: string } },
  ) {
    this.auth = opts.auth;
  }
  on(event: string, fn: (...args: any[]) => void) {
    this.handlers.set(event, fn);
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    this.handlers.get(event)!(...args);
  }
}
vi.mock('socket.io-client', () => ({
  io: (url: string, opts: { auth: { token: string } }) => {
    const s = new FakeSocket(url, opts);
    sockets.push(s);
    return s;
  },
}));

const ORIGIN = 'https://kamflo.test';
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

let fetchMock: ReturnType<typeof vi.fn>;
let tokens = 0;
beforeEach(() => {
  sockets.length = 0;
  tokens = 0;
  fetchMock = vi.fn(async (url: string, init: RequestInit) => {
    if (url === `${ORIGIN}/api/visitors`) return json(201, { token: `token-${++tokens}`, visitorId: `v${tokens}` });
    if (url === `${ORIGIN}/api/helpcenter/requests`) {
      return init.headers && (init.headers as Record<string, string>).Authorization === 'Bearer stale'
        ? json(401, { error: { code: 'unauthorized', message: 'Invalid visitor token' } })
        : json(201, { ticketNumber: 1002 });
    }
    if (url.startsWith(`${ORIGIN}/api/widget/status`)) return json(200, { site: 'acme', siteName: 'Acme', agentsOnline: true });
    return json(404, { error: { code: 'not_found', message: 'No route' } });
  });
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const request = { name: 'Vera', email: 'vera@example.com', subject: 'Plan', message: 'Yearly please' };
const calls = (path: string) => fetchMock.mock.calls.filter(([url]) => url.startsWith(ORIGIN + path));

describe('createClient', () => {
  it('gets a visitor identity once, keeps it per site, and sends it as a bearer token', async () => {
    const storage = memoryStorage();
    const client = createClient({ origin: ORIGIN, site: 'acme', storage });

    expect(await client.submitRequest(request)).toEqual({ ok: true, data: { ticketNumber: 1002 } });
    expect(await client.submitRequest(request)).toEqual({ ok: true, data: { ticketNumber: 1002 } });

    expect(calls('/api/visitors')).toHaveLength(1);
    expect(JSON.parse(calls('/api/visitors')[0]![1].body)).toEqual({ site: 'acme' });
    expect(storage.get('kamflo:visitor:acme')).toEqual({ token: 'token-1', visitorId: 'v1' });
    const [, init] = calls('/api/helpcenter/requests')[1]!;
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({ Authorization: 'Bearer token-1', 'Content-Type': 'application/json' });
    expect(JSON.parse(init.body)).toEqual(request);
  });

  it('replaces a token the server no longer accepts', async () => {
    const storage = memoryStorage();
    storage.set('kamflo:visitor:acme', { token: 'stale', visitorId: 'old' });
    const client = createClient({ origin: ORIGIN, site: 'acme', storage });
    expect(await client.submitRequest(request)).toMatchObject({ ok: true });
    expect(storage.get('kamflo:visitor:acme')).toEqual({ token: 'token-1', visitorId: 'v1' });
  });

  it('returns error bodies and network failures as results, never throws', async () => {
    const client = createClient({ origin: ORIGIN, site: 'acme', storage: memoryStorage() });
    fetchMock.mockImplementationOnce(async () =>
      json(400, { error: { code: 'bad_request', message: 'Invalid input', issues: [{ path: 'email', message: 'bad' }] } }),
    );
    expect(await client.status()).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'Invalid input', issues: [{ path: 'email', message: 'bad' }] },
    });
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    expect(await client.status()).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(calls('/api/widget/status')[0]![0]).toBe(`${ORIGIN}/api/widget/status?site=acme`);
  });

  it('connects to the visitor namespace with the token, forwards events and emits with a timeout', async () => {
    const client = createClient({ origin: ORIGIN, site: 'acme', storage: memoryStorage(), timeoutMs: 1234 });
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

    // Not connected yet: an immediate unavailable, nothing buffered.
    expect(await client.sync({ afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const conversationId = 'c'.repeat(24);
    client.typing({ conversationId, typing: true });

    const close = client.connect(events);
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    const s = sockets[0]!;
    expect(s.url).toBe(`${ORIGIN}/visitor`);
    expect(s.opts.auth).toEqual({ token: 'token-1' });

    s.connected = true;
    s.fire('connect');
    expect(events.connect).toHaveBeenCalled();
    s.fire('chat:message', { id: 'm1' });
    s.fire('chat:updated', { id: 'c1' });
    s.fire('agents:availability', { online: false });
    expect(events.message).toHaveBeenCalledWith({ id: 'm1' });
    expect(events.updated).toHaveBeenCalledWith({ id: 'c1' });
    expect(events.availability).toHaveBeenCalledWith(false);
    const queue = { conversationId, position: 2, etaSeconds: 90, offerLeaveMessage: false };
    s.fire('chat:queue', queue);
    s.fire('chat:typing', { conversationId, typing: true, name: 'Alice' });
    s.fire('chat:read', { conversationId, seq: 4 });
    expect(events.queue).toHaveBeenCalledWith(queue);
    expect(events.typing).toHaveBeenCalledWith({ conversationId, typing: true, name: 'Alice' });
    expect(events.read).toHaveBeenCalledWith({ conversationId, seq: 4 });

    // Typing and read receipts have no ack; the one typed while disconnected was dropped.
    client.typing({ conversationId, typing: false });
    client.read({ conversationId, seq: 3 });
    expect(s.emit.mock.calls).toEqual([
      ['chat:typing', { conversationId, typing: false }],
      ['chat:read', { conversationId, seq: 3 }],
    ]);
    s.emitWithAck.mockResolvedValueOnce({ ok: true, data: { id: conversationId, status: 'ended' } });
    expect(await client.end({ conversationId })).toMatchObject({ ok: true, data: { status: 'ended' } });
    expect(s.emitWithAck).toHaveBeenLastCalledWith('chat:end', { conversationId });

    s.emitWithAck.mockResolvedValueOnce({ ok: true, data: { id: 'm2' } });
    const input = { conversationId: 'c'.repeat(24), clientId: 'client-1', text: 'hi' };
    expect(await client.send(input)).toEqual({ ok: true, data: { id: 'm2' } });
    expect(s.timeout).toHaveBeenCalledWith(1234);
    expect(s.emitWithAck).toHaveBeenCalledWith('chat:message', input);

    s.emitWithAck.mockRejectedValueOnce(new Error('operation has timed out'));
    expect(await client.leaveMessage({ email: 'a@b.co', text: 'x' })).toMatchObject({ ok: false, error: { code: 'unavailable' } });

    close();
    expect(s.disconnect).toHaveBeenCalled();
  });

  it('stores the fresh token the server hands it and reconnects with it', async () => {
    const storage = memoryStorage();
    const client = createClient({ origin: ORIGIN, site: 'acme', storage });
    client.connect({ connect() {}, disconnect() {}, message() {}, updated() {}, availability() {}, queue() {}, typing() {}, read() {} });
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    const s = sockets[0]!;
    s.fire('visitor:token', { token: 'token-renewed', visitorId: 'v1', expiresAt: '2027-01-01T00:00:00.000Z' });
    expect(storage.get('kamflo:visitor:acme')).toEqual({ token: 'token-renewed', visitorId: 'v1' });
    expect(s.auth).toEqual({ token: 'token-renewed' });
  });

  it('gets a new identity when the server refuses the handshake as unauthorized', async () => {
    vi.useFakeTimers();
    const storage = memoryStorage();
    storage.set('kamflo:visitor:acme', { token: 'stale', visitorId: 'old' });
    const client = createClient({ origin: ORIGIN, site: 'acme', storage });
    client.connect({ connect() {}, disconnect() {}, message() {}, updated() {}, availability() {}, queue() {}, typing() {}, read() {} });
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    const s = sockets[0]!;
    expect(s.opts.auth).toEqual({ token: 'stale' });

    s.active = false;
    s.fire('connect_error', new Error('unauthorized'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.auth).toEqual({ token: 'token-1' });
    expect(s.connect).toHaveBeenCalled();
  });
});
