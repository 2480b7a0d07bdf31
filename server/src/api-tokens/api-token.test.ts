import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES, ROUTE_SCOPES, type ApiScope, type ApiTokenDto } from '@kamflo/shared';
import { startTestServer, type TestServer } from '../test/harness.ts';

let s: TestServer;
let admin: Awaited<ReturnType<TestServer['createAgent']>>;
let agent: Awaited<ReturnType<TestServer['createAgent']>>;
beforeAll(async () => {
  s = await startTestServer({ email: false });
  [admin, agent] = await Promise.all([s.createAgent('Ada Admin', 'admin'), s.createAgent('Al Agent')]);
}, 60_000);
afterAll(async () => {
  await s.close();
});

async function createToken(name: string, scopes: ApiScope[]): Promise<{ token: ApiTokenDto; secret: string }> {
  const res = await s.api('/api/admin/api-tokens', { cookie: admin.cookie, body: { name, scopes } });
  expect(res.status).toBe(201);
  return res.body;
}

const newTicket = { requesterEmail: 'c@example.com', subject: 'Invoice', message: 'Where is my invoice?', priority: 'low', category: 'general' };

describe('creating, listing and revoking API tokens', () => {
  it('shows the kf_ secret once and stores only its SHA-256', async () => {
    const { token, secret } = await createToken('CRM sync', ['tickets:read']);
    expect(secret).toMatch(/^kf_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: 'CRM sync', scopes: ['tickets:read'], prefix: secret.slice(0, 11), createdBy: { id: admin.id, name: 'Ada Admin' } });
    const list = await s.api('/api/admin/api-tokens', { cookie: admin.cookie });
    expect(list.status).toBe(200);
    expect(list.body.map((t: ApiTokenDto) => t.id)).toContain(token.id);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    const stored = await s.conn.collection('api_tokens').findOne({ name: 'CRM sync' });
    expect(stored!.hash).toBe(crypto.createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it('is for admins only', async () => {
    expect((await s.api('/api/admin/api-tokens')).status).toBe(401);
    expect((await s.api('/api/admin/api-tokens', { cookie: agent.cookie })).body).toEqual({
      error: { code: 'forbidden', message: 'Only admins manage API tokens' },
      requestId: expect.any(String),
    });
    expect((await s.api('/api/admin/api-tokens', { cookie: agent.cookie, body: { name: 'x', scopes: ['tickets:read'] } })).status).toBe(403);
    const { token } = await createToken('For revoking', ['tickets:read']);
    expect((await s.api(`/api/admin/api-tokens/${token.id}/revoke`, { method: 'POST', cookie: agent.cookie })).status).toBe(403);
  });

  it('an API token cannot manage API tokens, whatever its scopes', async () => {
    const { secret } = await createToken('Everything', [...API_SCOPES]);
    const res = await s.api('/api/admin/api-tokens', { token: secret, body: { name: 'Escalated', scopes: ['tickets:write'] } });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('API tokens cannot be used on POST /api/admin/api-tokens; it needs a signed-in agent');
  });

  it('refuses bad input with 400 and the field', async () => {
    const bad = async (body: unknown) => {
      const res = await s.api('/api/admin/api-tokens', { cookie: admin.cookie, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      return res.body.error.issues.map((i: { path: string }) => i.path);
    };
    expect(await bad({ name: '', scopes: ['tickets:read'] })).toEqual(['name']);
    expect(await bad({ name: 'x'.repeat(61), scopes: ['tickets:read'] })).toEqual(['name']);
    expect(await bad({ name: 'Line\nbreak', scopes: ['tickets:read'] })).toEqual(['name']);
    expect(await bad({ name: 'x', scopes: [] })).toEqual(['scopes']);
    expect(await bad({ name: 'x', scopes: ['tickets:delete'] })).toEqual(['scopes.0']);
    expect(await bad({ name: 'x', scopes: ['tickets:read', 'tickets:read'] })).toEqual(['scopes']);
    expect(await bad({ name: 'x', scopes: 'tickets:read' })).toEqual(['scopes']);
    expect(await bad({ name: 'x', scopes: ['tickets:read'], admin: true })).toEqual(['(input)']);
    expect((await s.api('/api/admin/api-tokens', { cookie: admin.cookie, rawBody: '{"name":' })).status).toBe(400);
    expect((await s.api('/api/admin/api-tokens/nope/revoke', { method: 'POST', cookie: admin.cookie })).status).toBe(400);
    expect((await s.api(`/api/admin/api-tokens/${'0'.repeat(24)}/revoke`, { method: 'POST', cookie: admin.cookie })).status).toBe(404);
  });
});

describe('Authorization: Bearer with an API token', () => {
  const agentRoutes = () => s.kamflo.routes.filter((r) => r.access === 'agent');
  const pathOf = (path: string) =>
    path
      .replace(':number', '999999')
      .replace(':site', 'default')
      .replace(/:id/g, () => '0'.repeat(24));

  for (const scope of API_SCOPES) {
    it(`a ${scope} token reaches the routes of ${scope}, and gets 403 on every other agent route`, async () => {
      const { secret } = await createToken(`Only ${scope}`, [scope]);
      let allowed = 0;
      for (const r of agentRoutes()) {
        const body = r.method === 'get' ? undefined : {};
        const res = await s.api(pathOf(r.path), { method: r.method.toUpperCase(), token: secret, body });
        if (ROUTE_SCOPES[r.key] === scope) {
          // Past authentication: the answer is the route's own (a result, 400 for the empty body, 404 for the made-up id).
          expect([401, 403], `${r.key}: ${JSON.stringify(res.body)}`).not.toContain(res.status);
          allowed++;
        } else {
          expect(res.status, r.key).toBe(403);
          expect(res.body.error.message, r.key).toBe(
            ROUTE_SCOPES[r.key]
              ? `This API token lacks the scope ${ROUTE_SCOPES[r.key]}, which ${r.key} needs`
              : `API tokens cannot be used on ${r.key}; it needs a signed-in agent`,
          );
        }
      }
      expect(allowed).toBeGreaterThan(0);
    }, 60_000);
  }

  it('every scoped route exists and every scope has routes', () => {
    const keys = new Set(s.kamflo.routes.filter((r) => r.access === 'agent').map((r) => r.key));
    for (const key of Object.keys(ROUTE_SCOPES)) expect(keys, key).toContain(key);
    for (const scope of API_SCOPES) expect(Object.values(ROUTE_SCOPES)).toContain(scope);
  });

  it('does the work of its scopes, audited as the token, and leaves tickets for a person to take', async () => {
    const { secret } = await createToken('CRM', ['tickets:read', 'tickets:write']);
    const created = await s.api('/api/tickets', { token: secret, body: newTicket });
    expect(created.status).toBe(201);
    expect(created.body.assignee).toBeUndefined();
    const note = await s.api(`/api/tickets/${created.body.number}/notes`, { token: secret, body: { text: 'Synced from the CRM' } });
    expect(note.status).toBe(201);
    const detail = await s.api(`/api/tickets/${created.body.number}`, { token: secret });
    expect(detail.status).toBe(200);
    const actors = detail.body.events.map((e: { type: string; actor: { kind: string; name?: string } }) => [e.type, e.actor.name]);
    expect(actors).toEqual([
      ['created', 'API token CRM'],
      ['note', 'API token CRM'],
    ]);
    expect(detail.body.assignee).toBeUndefined();
  });

  it('refuses unknown, malformed and revoked tokens with 401, never falling back to the cookie', async () => {
    const { token, secret } = await createToken('Soon revoked', ['tickets:read']);
    expect((await s.api('/api/tickets', { token: secret })).status).toBe(200);
    const unknown = await s.api('/api/tickets', { token: `kf_${crypto.randomBytes(32).toString('base64url')}` });
    expect(unknown.body).toEqual({ error: { code: 'unauthorized', message: 'Unknown API token' }, requestId: expect.any(String) });
    expect((await s.api('/api/tickets', { token: 'not-a-token' })).status).toBe(401);
    expect((await s.api('/api/tickets', { headers: { authorization: 'Basic YTpi' } })).status).toBe(401);

    const revoked = await s.api(`/api/admin/api-tokens/${token.id}/revoke`, { method: 'POST', cookie: admin.cookie });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBe(s.clock.now().toISOString());
    const refused = await s.api('/api/tickets', { token: secret });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe('This API token was revoked');
    // A valid session cookie next to it changes nothing: the token decides.
    expect((await s.api('/api/tickets', { token: secret, cookie: admin.cookie })).status).toBe(401);
    // Revoking again is harmless and keeps the first time.
    expect((await s.api(`/api/admin/api-tokens/${token.id}/revoke`, { method: 'POST', cookie: admin.cookie })).body.revokedAt).toBe(revoked.body.revokedAt);
  });

  it('records the last use at most once a minute', async () => {
    const { token, secret } = await createToken('Poller', ['tickets:read']);
    const lastUsed = async () =>
      (await s.api('/api/admin/api-tokens', { cookie: admin.cookie })).body.find((t: ApiTokenDto) => t.id === token.id).lastUsedAt as string | undefined;
    expect(await lastUsed()).toBeUndefined();
    const first = s.clock.now().toISOString();
    await s.api('/api/tickets', { token: secret });
    expect(await lastUsed()).toBe(first);
    s.clock.advance(30_000);
    await s.api('/api/tickets', { token: secret });
    expect(await lastUsed()).toBe(first);
    s.clock.advance(31_000);
    await s.api('/api/tickets', { token: secret });
    expect(await lastUsed()).toBe(s.clock.now().toISOString());
  });

  it('a request with a token needs no Origin check (it carries no cookie); one with the cookie still does', async () => {
    const { secret } = await createToken('From anywhere', ['tickets:write']);
    const origin = { origin: 'https://elsewhere.example' };
    expect((await s.api('/api/tickets', { token: secret, headers: origin, body: newTicket })).status).toBe(201);
    const forged = await s.api('/api/tickets', { cookie: admin.cookie, headers: origin, body: newTicket });
    expect(forged.status).toBe(403);
    expect(forged.body.error.message).toMatch(/^Cross-origin request refused/);
  });

  it('the OpenAPI document offers the token, with its scope, on scoped routes only', async () => {
    const doc = (await s.api('/api/openapi.json')).body;
    expect(doc.paths['/api/tickets'].get.security).toEqual([{ session: [] }, { apiToken: ['tickets:read'] }]);
    expect(doc.paths['/api/admin/api-tokens'].post.security).toEqual([{ session: [] }]);
    expect(doc.components.securitySchemes.apiToken).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
