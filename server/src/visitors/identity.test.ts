import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import type { VisitorTokenDto } from '@kamflo/shared';
import { ask, cid, startTestServer, type TestServer } from '../test/harness.ts';
import { siteModel } from '../sites/site.service.ts';
import { visitorProfileModel } from './identity.ts';

// Attack class: a visitor pretending to be someone else. A page may claim any user id; only a
// hash or JWT made with the site's secret (which only the site's backend holds) proves it. A
// verified user's history follows them to every device; nobody else (an anonymous visitor, a
// claim without proof, a proof made for another site or with a rotated secret) can reach it.

let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.reverse()) await s.close();
  servers = [];
});
async function server() {
  const s = await startTestServer({ email: false });
  servers.push(s);
  return s;
}

const hashOf = (secret: string, userId: string) => crypto.createHmac('sha256', secret).update(userId).digest('hex');
const jwtOf = (secret: string, claims: Record<string, unknown>, exp: number | null, now: Date) => {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(Math.floor(now.getTime() / 1000));
  if (exp !== null) jwt.setExpirationTime(exp);
  return jwt.sign(new TextEncoder().encode(secret));
};

async function setup() {
  const s = await server();
  const admin = await s.createAgent('Ada', 'admin');
  const secretOf = async (site = 'default') => (await s.api(`/api/admin/sites/${site}/secret`, { cookie: admin.cookie })).body.secret as string;
  const boot = (user: Record<string, unknown> | undefined, site?: string) =>
    s.api<VisitorTokenDto & { error?: { code: string } }>('/api/visitors', { body: { ...(site ? { site } : {}), ...(user ? { user } : {}) } });
  const requireVerified = (on: boolean, site = 'default') =>
    s.api(`/api/admin/sites/${site}/identity`, { method: 'PUT', cookie: admin.cookie, body: { requireVerifiedIdentity: on } });
  const profile = async (visitorId: string, site = 'default') => (await s.api(`/api/visitor-profiles/${site}/${visitorId}`, { cookie: admin.cookie })).body;
  const history = async (token: string) => {
    const synced = (await ask(await s.visitorSocket(token), 'chat:sync', {})) as any;
    return (synced.data?.messages ?? []).map((m: { text: string }) => m.text) as string[];
  };
  const profilesStored = () => visitorProfileModel(s.conn).countDocuments();
  return { s, admin, secretOf, boot, requireVerified, profile, history, profilesStored };
}

describe('identity verification', () => {
  it('a valid hash verifies the user: the token says so and agents see a verified user', async () => {
    const { secretOf, boot, profile } = await setup();
    const secret = await secretOf();
    const r = await boot({ id: 'user-42', email: 'Ada@Example.com', name: 'Ada', hash: hashOf(secret, 'user-42') });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ verified: true, visitorId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    expect(await profile(r.body.visitorId)).toMatchObject({ user: { id: 'user-42', email: 'ada@example.com', name: 'Ada', verified: true } });
    // Upper-case hex is the same hash.
    const upper = await boot({ id: 'user-42', hash: hashOf(secret, 'user-42').toUpperCase() });
    expect(upper.body).toMatchObject({ verified: true, visitorId: r.body.visitorId });
  });

  it('a wrong hash, or one for another site, is refused when the site requires verified identity, and nothing is stored', async () => {
    const { s, secretOf, boot, requireVerified, profilesStored } = await setup();
    await siteModel(s.conn).create({ _id: 'shop', name: 'Shop', secret: crypto.randomBytes(32).toString('base64url') });
    const secret = await secretOf();
    const shopSecret = await secretOf('shop');
    expect((await requireVerified(true)).body).toMatchObject({ site: 'default', requireVerifiedIdentity: true });
    for (const user of [
      { id: 'user-42', hash: hashOf(secret, 'user-43') }, // another user's hash
      { id: 'user-42', hash: hashOf(shopSecret, 'user-42') }, // made for another site
      { id: 'user-42', hash: 'f'.repeat(64) },
      { id: 'user-42' }, // no proof at all
    ]) {
      const r = await boot(user);
      expect(r.status).toBe(403);
      expect(r.body.error).toMatchObject({ code: 'identity_unverified' });
    }
    expect(await profilesStored()).toBe(0);
    // The shop's hash is good on the shop, and an anonymous visitor still gets in.
    expect((await boot({ id: 'user-42', hash: hashOf(shopSecret, 'user-42') }, 'shop')).body).toMatchObject({ verified: true });
    expect((await boot(undefined)).status).toBe(201);
    // A malformed hash is bad input, not a claim.
    expect((await boot({ id: 'user-42', hash: 'not-hex' })).status).toBe(400);
  });

  it('with the setting off, a claim without a valid proof is accepted but marked unverified', async () => {
    const { secretOf, boot, profile, requireVerified } = await setup();
    const secret = await secretOf();
    const claimed = await boot({ id: 'user-42', email: 'ada@example.com' });
    expect(claimed.status).toBe(201);
    expect(claimed.body.verified).toBe(false);
    expect(await profile(claimed.body.visitorId)).toMatchObject({ user: { id: 'user-42', email: 'ada@example.com', verified: false } });
    const wrong = await boot({ id: 'user-42', hash: hashOf(secret, 'someone-else') });
    expect(wrong.body.verified).toBe(false);
    // Each unverified claim is a visitor of its own.
    expect(wrong.body.visitorId).not.toBe(claimed.body.visitorId);
    // On, then off again: the claim is accepted again.
    await requireVerified(true);
    expect((await boot({ id: 'user-42' })).status).toBe(403);
    await requireVerified(false);
    expect((await boot({ id: 'user-42' })).status).toBe(201);
  });

  it('a JWT verifies (its email and name win); an expired, tampered, unexpiring or other-subject JWT does not', async () => {
    const { s, secretOf, boot, profile, requireVerified } = await setup();
    const secret = await secretOf();
    await requireVerified(true);
    const now = s.clock.now();
    const inAnHour = Math.floor(now.getTime() / 1000) + 3600;
    const good = await jwtOf(secret, { sub: 'user-7', email: 'grace@example.com', name: 'Grace' }, inAnHour, now);
    const ok = await boot({ id: 'user-7', email: 'mallory@example.com', jwt: good });
    expect(ok.body).toMatchObject({ verified: true });
    expect(await profile(ok.body.visitorId)).toMatchObject({ user: { id: 'user-7', email: 'grace@example.com', name: 'Grace', verified: true } });
    // The same user by hash is the same visitor.
    expect((await boot({ id: 'user-7', hash: hashOf(secret, 'user-7') })).body.visitorId).toBe(ok.body.visitorId);

    // Expired: the server's (injectable) clock moves past `exp`.
    s.clock.advance(3601_000);
    expect((await boot({ id: 'user-7', jwt: good })).body.error).toMatchObject({ code: 'identity_unverified' });

    const later = s.clock.now();
    const exp = Math.floor(later.getTime() / 1000) + 3600;
    const [header, , signature] = (await jwtOf(secret, { sub: 'user-7' }, exp, later)).split('.') as [string, string, string];
    const tamperedPayload = Buffer.from(JSON.stringify({ sub: 'user-8', exp })).toString('base64url');
    for (const jwt of [
      `${header}.${tamperedPayload}.${signature}`, // payload changed, signature kept
      await jwtOf(secret, { sub: 'user-7' }, null, later), // no exp
      await jwtOf(secret, { sub: 'user-8' }, exp, later), // for another user
      await jwtOf(crypto.randomBytes(32).toString('base64url'), { sub: 'user-7' }, exp, later), // another key
      `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'user-7', exp })).toString('base64url')}.`,
    ]) {
      const r = await boot({ id: jwt.includes(tamperedPayload) ? 'user-8' : 'user-7', jwt });
      expect(r.status).toBe(403);
    }
  });

  it("a verified user's conversations follow them to another device; an unverified claim or an anonymous visitor never sees them", async () => {
    const { s, secretOf, boot, history, profile } = await setup();
    const secret = await secretOf();
    const user = { id: 'user-42', hash: hashOf(secret, 'user-42') };
    const laptop = (await boot(user)).body;
    const laptopSocket = await s.visitorSocket(laptop.token);
    expect(await ask(laptopSocket, 'chat:start', { clientId: cid(), text: 'from my laptop' })).toMatchObject({ ok: true });
    const request = await s.api('/api/helpcenter/requests', {
      token: laptop.token,
      body: { name: 'Ada', email: 'ada@example.com', subject: 'Invoice', message: 'Where is my invoice?' },
    });
    expect(request.status).toBe(201);

    // Another browser, a minute later: a different token, the same visitor and history.
    s.clock.advance(60_000);
    const phone = (await boot(user)).body;
    expect(phone.token).not.toBe(laptop.token);
    expect(phone.visitorId).toBe(laptop.visitorId);
    expect(await history(phone.token)).toEqual(['from my laptop']);

    // Claiming the same id without proof, or being anonymous, reaches none of it.
    const claim = (await boot({ id: 'user-42' })).body;
    expect(claim.visitorId).not.toBe(laptop.visitorId);
    expect(await history(claim.token)).toEqual([]);
    const anonymous = (await boot(undefined)).body;
    expect(await history(anonymous.token)).toEqual([]);

    // Agents see the user's conversations and tickets, across devices.
    const p = await profile(laptop.visitorId);
    expect(p.conversations.map((c: { firstMessage: string }) => c.firstMessage)).toEqual(['from my laptop']);
    expect(p.tickets).toEqual([expect.objectContaining({ number: request.body.ticketNumber, subject: 'Invoice', status: 'open' })]);
    const claimed = await profile(claim.visitorId);
    expect(claimed).toMatchObject({ user: { id: 'user-42', verified: false }, conversations: [], tickets: [] });
  });

  it('rotating the secret invalidates old hashes and JWTs; the new secret reaches the same history', async () => {
    const { s, admin, secretOf, boot, requireVerified, history } = await setup();
    await requireVerified(true);
    const old = await secretOf();
    const first = (await boot({ id: 'user-42', hash: hashOf(old, 'user-42') })).body;
    await ask(await s.visitorSocket(first.token), 'chat:start', { clientId: cid(), text: 'before the rotation' });
    const oldJwt = await jwtOf(old, { sub: 'user-42' }, Math.floor(s.clock.now().getTime() / 1000) + 3600, s.clock.now());

    const rotated = await s.api('/api/admin/sites/default/secret', { method: 'POST', cookie: admin.cookie });
    expect(rotated.body).toMatchObject({ requireVerifiedIdentity: true });
    const fresh = rotated.body.secret as string;
    expect((await boot({ id: 'user-42', hash: hashOf(old, 'user-42') })).status).toBe(403);
    expect((await boot({ id: 'user-42', jwt: oldJwt })).status).toBe(403);
    const again = (await boot({ id: 'user-42', hash: hashOf(fresh, 'user-42') })).body;
    expect(again.visitorId).toBe(first.visitorId);
    expect(await history(again.token)).toEqual(['before the rotation']);
  });

  it('only admins change the setting or read profiles; the setting is shown with the secret', async () => {
    const { s, admin, requireVerified } = await setup();
    const lead = await s.createAgent('Lee', 'team_lead');
    expect((await s.api('/api/admin/sites/default/secret', { cookie: admin.cookie })).body).toMatchObject({ requireVerifiedIdentity: false });
    expect((await s.api('/api/admin/sites/default/identity', { method: 'PUT', cookie: lead.cookie, body: { requireVerifiedIdentity: true } })).status).toBe(
      403,
    );
    expect((await s.api('/api/admin/sites/nowhere/identity', { method: 'PUT', cookie: admin.cookie, body: { requireVerifiedIdentity: true } })).status).toBe(
      404,
    );
    expect((await s.api('/api/admin/sites/default/identity', { method: 'PUT', cookie: admin.cookie, body: { requireVerifiedIdentity: 'yes' } })).status).toBe(
      400,
    );
    expect((await requireVerified(true)).status).toBe(200);
    // Agents (not visitors, not the public) read profiles.
    const v = (await s.api('/api/visitors', { body: {} })).body;
    expect((await s.api(`/api/visitor-profiles/default/${v.visitorId}`, { token: v.token })).status).toBe(401);
    expect((await s.api(`/api/visitor-profiles/default/${v.visitorId}`, { cookie: lead.cookie })).body).toMatchObject({
      visitorId: v.visitorId,
      conversations: [],
    });
  });
});
