import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, startTestServer, type AgentSocket, type TestServer } from '../test/harness.ts';
import { sessionModel } from './session.model.ts';
import type { Config } from '../config.ts';

// Attack class: a session that outlives its end. Sign-out, a password change and revocation must
// end sessions at once, including consoles already connected, on every server process.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.reverse()) await s.close();
  servers = [];
});
async function server(config: Partial<Config> = {}, dbName?: string) {
  const s = await startTestServer({ config, dbName });
  servers.push(s);
  return s;
}

const disconnected = (socket: AgentSocket) =>
  new Promise<string>((resolve) => (socket.disconnected ? resolve('already') : socket.once('disconnect', (reason) => resolve(reason))));

/** A second sign-in of the same agent: another session (another browser). */
async function signInAgain(s: TestServer, email: string, password: string) {
  const res = await s.api('/api/auth/sign-in', { body: { email, password } });
  return String(res.headers.get('set-cookie')).split(';')[0]!;
}

describe('sessions end at once, open consoles included', () => {
  it('sign-out disconnects the sockets opened with that session, and only those', async () => {
    const s = await server();
    const ann = await s.createAgent('Ann');
    const other = await signInAgain(s, ann.email, ann.password);
    const console1 = await s.agentSocket(ann.cookie);
    const console2 = await s.agentSocket(other);
    expect(await ask(console1, 'chat:list', {})).toMatchObject({ ok: true });

    const gone = disconnected(console1);
    expect((await s.api('/api/auth/sign-out', { cookie: ann.cookie, method: 'POST' })).status).toBe(200);
    expect(await gone).toBe('io server disconnect');
    // The signed-out socket answers nothing any more; reconnecting with the old cookie is refused.
    await expect(ask(console1, 'chat:list', {})).rejects.toThrow();
    await expect(s.agentSocket(ann.cookie)).rejects.toThrow();
    expect((await s.api('/api/auth/me', { cookie: ann.cookie })).status).toBe(401);
    // The other browser is untouched.
    expect(await ask(console2, 'presence:list', {})).toMatchObject({ ok: true });
    expect((await s.api('/api/auth/me', { cookie: other })).status).toBe(200);
  });

  it('revokeAllSessions ends every session and every console of the agent, and no one else’s', async () => {
    const s = await server();
    const ann = await s.createAgent('Ann');
    const bob = await s.createAgent('Bob');
    const other = await signInAgain(s, ann.email, ann.password);
    const sockets = [await s.agentSocket(ann.cookie), await s.agentSocket(other)];
    const bobSocket = await s.agentSocket(bob.cookie);
    const gone = sockets.map(disconnected);

    await s.services.agents.revokeAllSessions(ann.id);
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    for (const cookie of [ann.cookie, other]) expect((await s.api('/api/auth/me', { cookie })).status).toBe(401);
    expect(await ask(bobSocket, 'chat:list', {})).toMatchObject({ ok: true });
    await expect(s.services.agents.revokeAllSessions('0123456789abcdef01234567')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a password change needs the current password and ends every other session of the agent', async () => {
    const s = await server();
    const ann = await s.createAgent('Ann');
    const other = await signInAgain(s, ann.email, ann.password);
    const here = await s.agentSocket(ann.cookie);
    const elsewhere = await s.agentSocket(other);
    const change = (body: unknown, cookie = ann.cookie) => s.api('/api/auth/password', { cookie, body });

    const wrong = await change({ currentPassword: 'a wrong guess', newPassword: 'a brand new passphrase' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.issues).toEqual([{ path: 'currentPassword', message: 'is not your current password' }]);
    const common = await change({ currentPassword: ann.password, newPassword: 'password123' });
    expect(common.body.error.issues[0]).toMatchObject({ path: 'newPassword' });
    expect((await s.api('/api/auth/password', { body: { currentPassword: ann.password, newPassword: 'a brand new passphrase' } })).status).toBe(401);
    // Nothing changed so far: the other session still works.
    expect((await s.api('/api/auth/me', { cookie: other })).status).toBe(200);

    const gone = disconnected(elsewhere);
    expect((await change({ currentPassword: ann.password, newPassword: 'a brand new passphrase' })).status).toBe(200);
    expect(await gone).toBe('io server disconnect');
    expect((await s.api('/api/auth/me', { cookie: other })).status).toBe(401);
    // This session goes on, and only the new password signs in.
    expect((await s.api('/api/auth/me', { cookie: ann.cookie })).status).toBe(200);
    expect(await ask(here, 'chat:list', {})).toMatchObject({ ok: true });
    expect((await s.api('/api/auth/sign-in', { body: { email: ann.email, password: ann.password } })).status).toBe(401);
    expect((await s.api('/api/auth/sign-in', { body: { email: ann.email, password: 'a brand new passphrase' } })).status).toBe(200);
  });

  it('signing out on one server process disconnects the console connected to another', async () => {
    const shared = { redisUrl: REDIS_URL, redisKey: `kamflo-test-${crypto.randomBytes(4).toString('hex')}` };
    const a = await server(shared);
    const b = await server(shared, a.dbName);
    const ann = await a.createAgent('Ann');
    const onB = await b.agentSocket(ann.cookie);
    expect(await ask(onB, 'chat:list', {})).toMatchObject({ ok: true });
    const gone = disconnected(onB);
    expect((await a.api('/api/auth/sign-out', { cookie: ann.cookie, method: 'POST' })).status).toBe(200);
    expect(await gone).toBe('io server disconnect');

    // Revocation crosses processes too.
    const again = await signInAgain(a, ann.email, ann.password);
    const onB2 = await b.agentSocket(again);
    const gone2 = disconnected(onB2);
    await a.services.agents.revokeAllSessions(ann.id);
    expect(await gone2).toBe('io server disconnect');
    expect((await b.api('/api/auth/me', { cookie: again })).status).toBe(401);
    // Let Ann's going offline finish its broadcasts before the processes close.
    await expect.poll(() => a.services.presence.isOnline(ann.id) || b.services.presence.isOnline(ann.id)).toBe(false);
  });

  it('a console whose session ended without a word (lost message, expiry) is refused at its next event after a minute', async () => {
    const s = await server();
    const ann = await s.createAgent('Ann');
    const socket = await s.agentSocket(ann.cookie);
    // The session disappears behind the server's back: no disconnect is sent.
    await sessionModel(s.conn).deleteMany({});
    expect(await ask(socket, 'chat:list', {})).toMatchObject({ ok: true }); // checked at most once a minute
    s.clock.advance(61_000);
    const gone = disconnected(socket);
    expect(await ask(socket, 'chat:list', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await gone).toBe('io server disconnect');
  });
});
