import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { VisitorTokenDto } from '@kamflo/shared';
import { ask, cid, next, startTestServer, type TestServer, type VisitorSocket } from '../test/harness.ts';
import { siteModel } from '../sites/site.service.ts';
import type { Config } from '../config.ts';

// Attack class: visitor tokens that live forever. A stolen token (the widget keeps it in
// localStorage) must stop working at its expiry, and a site's tokens must be revocable at once
// by rotating the site's secret; a widget in use never notices, being handed fresh tokens.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DAY = 86_400_000;

let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.reverse()) await s.close();
  servers = [];
});
async function server(config: Partial<Config> = {}, dbName?: string) {
  const s = await startTestServer({ config: { visitorTokenTtlMs: 30 * DAY, ...config }, dbName });
  servers.push(s);
  return s;
}
const newToken = async (s: TestServer, site?: string) => (await s.api<VisitorTokenDto>('/api/visitors', { body: site ? { site } : {} })).body;
const helpCenter = (s: TestServer, token: string) =>
  s.api('/api/helpcenter/requests', { token, body: { name: 'Mia', email: 'mia@example.com', subject: 'Hi', message: 'A question' } });
const disconnected = (socket: VisitorSocket) => new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

describe('visitor tokens expire', () => {
  it('carry their expiry; past it the socket handshake and the HTTP API refuse them', async () => {
    const s = await server();
    const t = await newToken(s);
    expect(t.token.split('.')).toHaveLength(4);
    expect(new Date(t.expiresAt).getTime()).toBeCloseTo(s.clock.now().getTime() + 30 * DAY, -4);
    s.clock.advance(30 * DAY - 60_000);
    expect((await helpCenter(s, t.token)).status).toBe(201);
    s.clock.advance(2 * 60_000);
    expect((await helpCenter(s, t.token)).status).toBe(401);
    await expect(s.visitorSocket(t.token)).rejects.toMatchObject({ message: 'unauthorized' });
  });

  it('a forged expiry, a token of the old format, or a token moved to another site is refused', async () => {
    const s = await server();
    await siteModel(s.conn).create({ _id: 'shop', name: 'Shop', secret: crypto.randomBytes(32).toString('base64url') });
    const t = await newToken(s);
    const [visitorId, site, exp, mac] = t.token.split('.') as [string, string, string, string];
    const later = (Number.parseInt(exp, 36) + 365 * 86_400).toString(36);
    for (const forged of [
      `${visitorId}.${site}.${later}.${mac}`,
      `${visitorId}.shop.${exp}.${mac}`,
      `${visitorId}.${site}.${mac}`, // the old, never-expiring format
      `${visitorId}x.${site}.${exp}.${mac}`,
    ]) {
      await expect(s.visitorSocket(forged)).rejects.toMatchObject({ message: 'unauthorized' });
      expect((await helpCenter(s, forged)).status).toBe(401);
    }
  });
});

describe('a widget in use is handed fresh tokens', () => {
  it('connecting with a token past half its life gets a fresh one for the same visitor (visitor:token)', async () => {
    const s = await server();
    const t = await newToken(s);
    s.clock.advance(16 * DAY);
    // As the widget does: listening before it connects.
    const socket: VisitorSocket = connect(`${s.url}/visitor`, { auth: { token: t.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    const fresh = await next(socket, 'visitor:token');
    expect(fresh.visitorId).toBe(t.visitorId);
    expect(new Date(fresh.expiresAt).getTime()).toBeGreaterThan(new Date(t.expiresAt).getTime() + 15 * DAY);
    // Long after the first token expired, the fresh one still works, for the same visitor.
    await ask(socket, 'chat:start', { clientId: cid(), text: 'still me' });
    s.clock.advance(20 * DAY);
    await expect(s.visitorSocket(t.token)).rejects.toThrow();
    socket.disconnect();
    const again = await s.visitorSocket(fresh.token);
    const synced = (await ask(again, 'chat:sync', {})) as any;
    expect(synced.data.messages.map((m: { text: string }) => m.text)).toEqual(['still me']);
  });

  it('an open socket gets a fresh token from the periodic renewal once past half-life, and not before', async () => {
    const s = await server();
    const t = await newToken(s);
    const socket = await s.visitorSocket(t.token);
    let pushed = 0;
    socket.on('visitor:token', () => pushed++);
    s.clock.advance(10 * DAY);
    expect(await s.services.renewVisitorTokens()).toBe(0);
    s.clock.advance(6 * DAY);
    const fresh = next(socket, 'visitor:token');
    expect(await s.services.renewVisitorTokens()).toBe(1);
    expect((await fresh).visitorId).toBe(t.visitorId);
    // Renewed once: not again until the fresh one is half-way through.
    expect(await s.services.renewVisitorTokens()).toBe(0);
    expect(pushed).toBe(1);
  });
});

describe('rotating a site’s secret revokes its tokens', () => {
  it('admins rotate it: the site’s old tokens stop working, its open sockets are disconnected, other sites are untouched', async () => {
    const s = await server();
    await siteModel(s.conn).create({ _id: 'shop', name: 'Shop', secret: crypto.randomBytes(32).toString('base64url') });
    const admin = await s.createAgent('Boss', 'admin');
    const lead = await s.createAgent('Lee', 'team_lead');
    const mine = await newToken(s);
    const shop = await newToken(s, 'shop');
    const mySocket = await s.visitorSocket(mine.token);
    const shopSocket = await s.visitorSocket(shop.token);

    const before = await s.api('/api/admin/sites/default/secret', { cookie: admin.cookie });
    expect(before.body).toMatchObject({ site: 'default', secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect((await s.api('/api/admin/sites/default/secret', { cookie: lead.cookie, method: 'POST' })).status).toBe(403);
    expect((await s.api('/api/admin/sites/default/secret', { cookie: lead.cookie })).status).toBe(403);
    expect((await s.api('/api/admin/sites/nowhere/secret', { cookie: admin.cookie, method: 'POST' })).status).toBe(404);

    const gone = disconnected(mySocket);
    const rotated = await s.api('/api/admin/sites/default/secret', { cookie: admin.cookie, method: 'POST' });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(before.body.secret);
    expect(await gone).toBe('io server disconnect');
    await expect(s.visitorSocket(mine.token)).rejects.toMatchObject({ message: 'unauthorized' });
    expect((await helpCenter(s, mine.token)).status).toBe(401);

    // Another site's visitors go on; and a new token for the rotated site works.
    expect(shopSocket.connected).toBe(true);
    expect(await ask(shopSocket, 'chat:start', { clientId: cid(), text: 'still here' })).toMatchObject({ ok: true });
    const renewed = await newToken(s);
    expect(await ask(await s.visitorSocket(renewed.token), 'chat:start', { clientId: cid(), text: 'hi again' })).toMatchObject({ ok: true });
  });

  it('a rotation on one server process revokes the site’s tokens and sockets on the other', async () => {
    const shared = { redisUrl: REDIS_URL, redisKey: `kamflo-test-${crypto.randomBytes(4).toString('hex')}` };
    const a = await server(shared);
    const b = await server(shared, a.dbName);
    const admin = await a.createAgent('Boss', 'admin');
    const t = await newToken(b);
    const onB = await b.visitorSocket(t.token); // b has now read (and cached) the site's secret
    const gone = disconnected(onB);
    expect((await a.api('/api/admin/sites/default/secret', { cookie: admin.cookie, method: 'POST' })).status).toBe(200);
    expect(await gone).toBe('io server disconnect');
    await expect.poll(async () => (await helpCenter(b, t.token)).status).toBe(401);
    await expect(b.visitorSocket(t.token)).rejects.toMatchObject({ message: 'unauthorized' });
  });

  it('a site stored before sites had secrets gets one on first use', async () => {
    const s = await server();
    await siteModel(s.conn).collection.insertOne({ _id: 'legacy' as never, name: 'Legacy' });
    const t = await newToken(s, 'legacy');
    expect(await ask(await s.visitorSocket(t.token), 'chat:sync', {})).toMatchObject({ ok: true });
    expect((await siteModel(s.conn).findById('legacy').lean())!.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
