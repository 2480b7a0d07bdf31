import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { withLimits } from '../config.ts';

let s: TestServer;
beforeEach(async () => {
  s = await startTestServer();
});
afterEach(async () => {
  await s.close();
});

describe('agent sign-in', () => {
  it('sets an httpOnly SameSite session cookie that opens /api/auth/me; sign-out ends it', async () => {
    await s.services.agents.createAgent({ email: 'lead@example.com', name: 'Lee', role: 'team_lead', password: 'a long password' });
    const res = await s.api('/api/auth/sign-in', { body: { email: 'LEAD@example.com ', password: 'a long password' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.any(String), email: 'lead@example.com', name: 'Lee', role: 'team_lead' });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/kamflo_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0]!;
    expect((await s.api('/api/auth/me', { cookie })).body.email).toBe('lead@example.com');
    expect((await s.api('/api/auth/sign-out', { cookie, method: 'POST' })).status).toBe(200);
    expect((await s.api('/api/auth/me', { cookie })).status).toBe(401);
  });

  it('refuses a wrong password or unknown email with the same message', async () => {
    await s.services.agents.createAgent({ email: 'a@example.com', name: 'A', role: 'agent', password: 'a long password' });
    const wrong = await s.api('/api/auth/sign-in', { body: { email: 'a@example.com', password: 'nope' } });
    const unknown = await s.api('/api/auth/sign-in', { body: { email: 'b@example.com', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('refuses bad input with a message per field', async () => {
    const res = await s.api('/api/auth/sign-in', { body: { email: 'not-an-email' } });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: any) => i.path).sort()).toEqual(['email', 'password']);
    expect((await s.api('/api/auth/sign-in', { rawBody: '{"email":' })).status).toBe(400);
  });

  it('expires sessions', async () => {
    const a = await s.createAgent('Ann');
    s.clock.advance(15 * 24 * 3600_000);
    expect((await s.api('/api/auth/me', { cookie: a.cookie })).status).toBe(401);
    await expect(s.agentSocket(a.cookie)).rejects.toThrow();
  });

  it('rate-limits sign-in attempts', async () => {
    await s.close();
    s = await startTestServer({ config: withLimits({ signIn: { points: 3, seconds: 60 } }) });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await s.api('/api/auth/sign-in', { body: { email: 'x@example.com', password: 'guess' } })).status);
    expect(codes).toEqual([401, 401, 401, 429, 429]);
  });

  it('creates the first admin once, from the configured email, or with a generated password', async () => {
    const first = await s.services.agents.ensureAdmin({});
    expect(first).toMatchObject({ email: 'admin@localhost', generatedPassword: expect.any(String) });
    expect(await s.services.agents.ensureAdmin({})).toBeNull();
    const res = await s.api('/api/auth/sign-in', { body: { email: 'admin@localhost', password: first!.generatedPassword } });
    expect(res.body.role).toBe('admin');
  });

  it('only admins create agents', async () => {
    const agent = await s.createAgent('Ann');
    const admin = await s.createAgent('Boss', 'admin');
    const body = { email: 'new@example.com', name: 'New', role: 'agent', password: 'long enough pw' };
    expect((await s.api('/api/agents', { cookie: agent.cookie, body })).status).toBe(403);
    expect((await s.api('/api/agents', { cookie: admin.cookie, body })).status).toBe(201);
    expect((await s.api('/api/agents', { cookie: admin.cookie, body })).status).toBe(409);
    expect((await s.api('/api/agents', { cookie: admin.cookie, body: { ...body, email: 'x@example.com', role: 'king' } })).status).toBe(400);
  });
});
