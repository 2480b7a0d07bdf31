import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRequestDto, SetPasswordLinkDto } from '@kamflo/shared';
import { ask, cid, next, startTestServer, type AgentSocket, type TestServer } from '../test/harness.ts';

// Admins manage agents: invitations and resets by one-time link, role and capacity changes,
// deactivation that ends every session and console at once, and the last admin kept.

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

const disconnected = (socket: AgentSocket) =>
  new Promise<string>((resolve) => (socket.disconnected ? resolve('already') : socket.once('disconnect', (reason) => resolve(reason))));
const signIn = (email: string, password: string) => s.api('/api/auth/sign-in', { body: { email, password } });

async function invite(admin: { cookie: string }, body: Record<string, unknown>) {
  const res = await s.api<SetPasswordLinkDto>('/api/agents/invite', { cookie: admin.cookie, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('invitations', () => {
  it('an invited agent sets a password once through the link, then signs in; the link works only once', async () => {
    s = await startTestServer();
    const ada = await s.createAgent('Ada', 'admin');
    const link = await invite(ada, { email: 'cleo@example.com', name: 'Cleo', role: 'agent', capacity: 2, level: 'L2' });
    expect(link.agent).toMatchObject({ email: 'cleo@example.com', role: 'agent', capacity: 2, level: 'L2', active: true });
    expect(link.url).toBe(`/console/#/set-password/${link.token}`);
    expect(new Date(link.expiresAt).getTime() - s.clock.now().getTime()).toBe(7 * 24 * 60 * 60 * 1000);

    // No usable password before the link is used.
    expect((await signIn('cleo@example.com', '!')).status).toBe(401);
    // A refused password does not use the link up.
    const weak = await s.api('/api/auth/set-password', { body: { token: link.token, password: 'password123' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.message).toMatch(/password/);

    const set = await s.api('/api/auth/set-password', { body: { token: link.token, password: 'a long new passphrase' } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const me = await signIn('cleo@example.com', 'a long new passphrase');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'cleo@example.com', role: 'agent' });

    const again = await s.api('/api/auth/set-password', { body: { token: link.token, password: 'someone elses passphrase' } });
    expect(again.status).toBe(400);
    expect(again.body.error.message).toMatch(/invalid, used or expired/);
    expect((await signIn('cleo@example.com', 'someone elses passphrase')).status).toBe(401);
    expect((await s.api('/api/auth/set-password', { body: { token: 'made-up', password: 'a long new passphrase' } })).status).toBe(400);
    // The same email twice is a conflict.
    expect((await s.api('/api/agents/invite', { cookie: ada.cookie, body: { email: 'cleo@example.com', name: 'C', role: 'agent' } })).status).toBe(409);
  });

  it('a link expires after 7 days', async () => {
    s = await startTestServer();
    const ada = await s.createAgent('Ada', 'admin');
    const link = await invite(ada, { email: 'dan@example.com', name: 'Dan', role: 'agent' });
    s.clock.advance(7 * 24 * 60 * 60 * 1000);
    expect((await s.api('/api/auth/set-password', { body: { token: link.token, password: 'a long new passphrase' } })).status).toBe(400);
  });
});

describe('deactivation and reset', () => {
  it("deactivating ends the agent's open console and session at once and blocks sign-in; tickets stay assigned; reactivation lets them back", async () => {
    s = await startTestServer();
    const ada = await s.createAgent('Ada', 'admin');
    const ann = await s.createAgent('Ann');
    const ticket = await s.api('/api/tickets', {
      cookie: ann.cookie,
      body: { requesterEmail: 'c@example.com', subject: 's', message: 'm', priority: 'low', category: 'general' },
    });
    expect((await s.api(`/api/tickets/${ticket.body.number}/assign`, { cookie: ann.cookie, body: { agentId: ann.id } })).status).toBe(200);
    const socket = await s.agentSocket(ann.cookie);
    expect(await ask(socket, 'chat:list', {})).toMatchObject({ ok: true });

    const gone = disconnected(socket);
    const res = await s.api(`/api/agents/${ann.id}/deactivate`, { cookie: ada.cookie, method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ann.id, active: false });
    expect(await gone).toBe('io server disconnect');
    expect((await s.api('/api/auth/me', { cookie: ann.cookie })).status).toBe(401);
    await expect(s.agentSocket(ann.cookie)).rejects.toThrow();
    const refused = await signIn(ann.email, ann.password);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/deactivated/);
    expect((await s.api(`/api/tickets/${ticket.body.number}`, { cookie: ada.cookie })).body.assignee).toMatchObject({ id: ann.id });
    const listed = await s.api('/api/admin/agents', { cookie: ada.cookie });
    expect(listed.body.find((a: { id: string }) => a.id === ann.id)).toMatchObject({ active: false });
    // Nobody can hand them new work: the assignable list leaves them out and assigning is refused.
    expect((await s.api('/api/agents', { cookie: ada.cookie })).body.map((a: { id: string }) => a.id)).not.toContain(ann.id);
    const other = await s.api('/api/tickets', {
      cookie: ada.cookie,
      body: { requesterEmail: 'd@example.com', subject: 't', message: 'm', priority: 'low', category: 'general' },
    });
    const assign = await s.api(`/api/tickets/${other.body.number}/assign`, { cookie: ada.cookie, body: { agentId: ann.id } });
    expect(assign.status).toBe(409);
    expect(assign.body.error.message).toMatch(/deactivated/);
    expect((await s.api(`/api/tickets/${other.body.number}`, { cookie: ada.cookie })).body.assignee).toMatchObject({ id: ada.id });

    expect((await s.api(`/api/agents/${ann.id}/reactivate`, { cookie: ada.cookie, method: 'POST' })).body).toMatchObject({ active: true });
    expect((await signIn(ann.email, ann.password)).status).toBe(200);
  });

  it('a password reset ends the old password and every session, and gives a new one-time link', async () => {
    s = await startTestServer();
    const ada = await s.createAgent('Ada', 'admin');
    const ann = await s.createAgent('Ann');
    const socket = await s.agentSocket(ann.cookie);
    const gone = disconnected(socket);
    const res = await s.api<SetPasswordLinkDto>(`/api/agents/${ann.id}/reset-password`, { cookie: ada.cookie, method: 'POST' });
    expect(res.status).toBe(200);
    expect(await gone).toBe('io server disconnect');
    expect((await s.api('/api/auth/me', { cookie: ann.cookie })).status).toBe(401);
    expect((await signIn(ann.email, ann.password)).status).toBe(401);
    expect((await s.api('/api/auth/set-password', { body: { token: res.body.token, password: 'my fresh passphrase' } })).status).toBe(200);
    expect((await signIn(ann.email, 'my fresh passphrase')).status).toBe(200);
  });
});

describe('role and capacity', () => {
  it('a new capacity is what routing uses at once: at capacity 1 a second chat is not offered', async () => {
    s = await startTestServer();
    const ada = await s.createAgent('Ada', 'admin');
    const ann = await s.createAgent('Ann');
    const socket = await s.agentSocket(ann.cookie); // connected at the default capacity, 4
    const res = await s.api(`/api/agents/${ann.id}`, { cookie: ada.cookie, method: 'PATCH', body: { capacity: 1, level: 'L3' } });
    expect(res.body).toMatchObject({ capacity: 1, level: 'L3' });

    const offered = (r: ChatRequestDto[]) => r.some((x) => x.state === 'offered');
    const startChat = async () => {
      const v = await s.visitor();
      const started = (await ask(v.socket, 'chat:start', { clientId: cid(), text: 'hello' })) as any;
      return started.data.conversation.id as string;
    };
    const offer = next(socket, 'chat:requests', 5000, offered);
    const first = await startChat();
    await offer;
    expect(await ask(socket, 'chat:accept', { conversationId: first })).toMatchObject({ ok: true });
    const second = await startChat();
    await s.services.router.sweep();
    expect((await s.services.conversations.get(second)).status).toBe('queued');

    // Back to 2: the queued chat is offered.
    const offer2 = next(socket, 'chat:requests', 5000, (r) => r.some((x) => x.conversationId === second && x.state === 'offered'));
    await s.api(`/api/agents/${ann.id}`, { cookie: ada.cookie, method: 'PATCH', body: { capacity: 2 } });
    await offer2;
  });

  it('a new role takes effect on the next request', async () => {
    s = await startTestServer();
    const ada = await s.createAgent('Ada', 'admin');
    const ann = await s.createAgent('Ann');
    expect((await s.api('/api/admin/agents', { cookie: ann.cookie })).status).toBe(403);
    expect((await s.api(`/api/agents/${ann.id}`, { cookie: ada.cookie, method: 'PATCH', body: { role: 'admin' } })).body).toMatchObject({ role: 'admin' });
    expect((await s.api('/api/admin/agents', { cookie: ann.cookie })).status).toBe(200);
  });
});

describe('who may, and what is refused', () => {
  it('non-admins get 403 on every management route', async () => {
    s = await startTestServer();
    const ada = await s.createAgent('Ada', 'admin');
    const mo = await s.createAgent('Mo Manager', 'manager');
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/admin/agents'],
      ['GET', '/api/admin/agents/audit'],
      ['POST', '/api/agents/invite', { email: 'x@example.com', name: 'X', role: 'agent' }],
      ['PATCH', `/api/agents/${ada.id}`, { capacity: 2 }],
      ['POST', `/api/agents/${ada.id}/deactivate`],
      ['POST', `/api/agents/${ada.id}/reactivate`],
      ['POST', `/api/agents/${ada.id}/reset-password`],
    ];
    for (const [method, path, body] of calls) {
      const res = await s.api(path, { cookie: mo.cookie, method, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.message).toBe('Only admins manage agents');
    }
  });

  it('bad input is a 400 with a message', async () => {
    s = await startTestServer();
    const ada = await s.createAgent('Ada', 'admin');
    const patch = (body: unknown, id = ada.id) => s.api(`/api/agents/${id}`, { cookie: ada.cookie, method: 'PATCH', body });
    for (const [body, says] of [
      [{ capacity: 0 }, /capacity must be at least 1/],
      [{ capacity: 51 }, /capacity must be at most 50/],
      [{ capacity: 1.5 }, /capacity/],
      [{ level: 'L4' }, /level/],
      [{ role: 'owner' }, /role/],
      [{ password: 'x' }, /password/],
    ] as const) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toMatch(says);
    }
    expect((await patch({ capacity: 2 }, 'not-an-id')).status).toBe(400);
    expect((await patch({ capacity: 2 }, '0123456789abcdef01234567')).status).toBe(404);
    const badInvite = await s.api('/api/agents/invite', { cookie: ada.cookie, body: { email: 'nope', name: 'N', role: 'agent' } });
    expect(badInvite.status).toBe(400);
    expect(badInvite.body.error.message).toMatch(/email/);
    expect((await s.api('/api/auth/set-password', { body: { token: '' } })).status).toBe(400);
  });

  it('the last admin can neither be demoted nor deactivated; with a second admin, they can step down', async () => {
    s = await startTestServer();
    const ada = await s.createAgent('Ada', 'admin');
    const demote = await s.api(`/api/agents/${ada.id}`, { cookie: ada.cookie, method: 'PATCH', body: { role: 'agent' } });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toMatch(/last admin/);
    expect((await s.api(`/api/agents/${ada.id}/deactivate`, { cookie: ada.cookie, method: 'POST' })).status).toBe(409);

    const bea = await s.createAgent('Bea', 'admin');
    expect((await s.api(`/api/agents/${ada.id}`, { cookie: ada.cookie, method: 'PATCH', body: { role: 'manager' } })).status).toBe(200);
    // Now Bea is the last admin.
    expect((await s.api(`/api/agents/${bea.id}`, { cookie: bea.cookie, method: 'PATCH', body: { role: 'agent' } })).status).toBe(409);
    expect((await s.api('/api/admin/agents', { cookie: ada.cookie })).status).toBe(403);
  });

  it('two admins demoting each other at the same moment leave one admin, not none', async () => {
    s = await startTestServer();
    const ada = await s.createAgent('Ada', 'admin');
    const bea = await s.createAgent('Bea', 'admin');
    const [a, b] = await Promise.all([
      s.api(`/api/agents/${bea.id}`, { cookie: ada.cookie, method: 'PATCH', body: { role: 'agent' } }),
      s.api(`/api/agents/${ada.id}/deactivate`, { cookie: bea.cookie, method: 'POST' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const admins = (await s.services.agentAdmin.list()).filter((x) => x.role === 'admin' && x.active);
    expect(admins).toHaveLength(1);
  });
});

describe('the audit of agent changes', () => {
  it('records who invited, changed, deactivated, reactivated and reset whom, and own password changes, newest first', async () => {
    s = await startTestServer();
    const ada = await s.createAgent('Ada', 'admin');
    const link = await invite(ada, { email: 'cy@example.com', name: 'Cy', role: 'agent' });
    const cy = link.agent.id;
    expect((await s.api('/api/auth/set-password', { body: { token: link.token, password: 'a long enough passphrase' } })).status).toBe(200);
    expect((await s.api(`/api/agents/${cy}`, { cookie: ada.cookie, method: 'PATCH', body: { capacity: 3, level: 'L2' } })).status).toBe(200);
    expect((await s.api(`/api/agents/${cy}/deactivate`, { cookie: ada.cookie, method: 'POST' })).status).toBe(200);
    expect((await s.api(`/api/agents/${cy}/reactivate`, { cookie: ada.cookie, method: 'POST' })).status).toBe(200);
    expect((await s.api(`/api/agents/${cy}/reset-password`, { cookie: ada.cookie, method: 'POST' })).status).toBe(200);
    const mine = await s.api('/api/auth/password', {
      cookie: ada.cookie,
      body: { currentPassword: ada.password, newPassword: 'another long passphrase' },
    });
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);

    const res = await s.api('/api/admin/agents/audit', { cookie: ada.cookie });
    expect(res.status).toBe(200);
    const byAda = { id: ada.id, email: ada.email };
    const toCy = { id: cy, email: 'cy@example.com' };
    expect(res.body.map((e: { action: string }) => e.action)).toEqual([
      'change-password',
      'reset-password',
      'reactivate',
      'deactivate',
      'update',
      'set-password',
      'invite',
    ]);
    expect(res.body[0]).toMatchObject({ actor: byAda, agent: { id: ada.id, email: ada.email } });
    expect(res.body[4]).toMatchObject({ actor: byAda, agent: toCy, change: { capacity: 3, level: 'L2' } });
    expect(res.body[5].actor).toBeUndefined();
    expect(res.body[6]).toMatchObject({ actor: byAda, agent: toCy, change: { role: 'agent', level: 'L1' } });
    expect(JSON.stringify(res.body)).not.toMatch(/passphrase|token/);
  });
});
