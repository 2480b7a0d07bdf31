import { afterEach, describe, expect, it } from 'vitest';
import { ask, cid, startTestServer, type TestServer } from '../test/harness.ts';
import { loadConfig, type Config } from '../config.ts';

// Attack class: cross-site request forgery and WebSocket hijacking from another origin of the
// same site. SameSite=Lax cookies travel from http://localhost:4730 to the console on localhost
// (same site, other port), so the server must refuse what that origin's page sends with them.
// A browser-level run of the same attack is tests/e2e/cross-origin.test.ts.

const ATTACKER = 'http://localhost:4730';

let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.reverse()) await s.close();
  servers = [];
});
async function server(config: Partial<Config> = {}) {
  const s = await startTestServer({ config });
  servers.push(s);
  return s;
}

/** A manager with a ticket awaiting their approval and an unread notification. */
async function scene(s: TestServer) {
  const ann = await s.createAgent('Ann');
  const mia = await s.createAgent('Mia', 'manager');
  const created = await s.api('/api/tickets', {
    cookie: ann.cookie,
    body: { requesterEmail: 'c@example.com', subject: 'Refund outside policy', message: 'Please', priority: 'high', category: 'billing' },
  });
  const number = created.body.number as number;
  expect((await s.api(`/api/tickets/${number}/needs-approval`, { cookie: ann.cookie, body: { reason: 'policy exception' } })).status).toBe(200);
  const [note] = await s.services.notifications.send([mia.id], { key: 'n1', kind: 'sla_alert', ticketNumber: number, text: 'Past due' });
  return { ann, mia, number, notificationId: note!.id };
}

describe('state-changing agent requests from another origin are refused', () => {
  it('approve, mark read, sign out, create, reply: 403 from another origin of the same site, and nothing changes', async () => {
    const s = await server();
    const { mia, number, notificationId } = await scene(s);
    const forged: Record<string, string>[] = [
      { origin: ATTACKER },
      { origin: 'http://127.0.0.1:4730' }, // the server's own host, another port
      { origin: 'null' }, // sandboxed frames and some redirects
      { 'sec-fetch-site': 'same-site' }, // no Origin, but the browser says where it came from
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of forged) {
      const attempts = [
        s.api(`/api/tickets/${number}/approve`, { cookie: mia.cookie, body: {}, headers }),
        s.api(`/api/notifications/${notificationId}/read`, { cookie: mia.cookie, method: 'POST', headers }),
        s.api('/api/auth/sign-out', { cookie: mia.cookie, method: 'POST', headers }),
        s.api('/api/tickets', {
          cookie: mia.cookie,
          headers,
          body: { requesterEmail: 'x@example.com', subject: 'forged', message: 'forged', priority: 'low', category: 'general' },
        }),
        s.api(`/api/tickets/${number}/replies`, { cookie: mia.cookie, body: { text: 'forged reply' }, headers }),
        s.api('/api/auth/password', { cookie: mia.cookie, body: { currentPassword: mia.password, newPassword: 'forged new passphrase' }, headers }),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.status, JSON.stringify(headers)).toBe(403);
        expect(res.body.error.message).toMatch(/cross-origin/i);
      }
    }
    const ticket = (await s.api(`/api/tickets/${number}`, { cookie: mia.cookie })).body;
    expect(ticket.needsApproval).toBe(true);
    expect(ticket.events.map((e: { type: string }) => e.type)).not.toContain('reply');
    expect((await s.api('/api/notifications', { cookie: mia.cookie })).body[0].read).toBe(false);
    expect((await s.api('/api/auth/me', { cookie: mia.cookie })).status).toBe(200);
    expect((await s.api('/api/tickets', { cookie: mia.cookie })).body.tickets.map((t: { subject: string }) => t.subject)).not.toContain('forged');
  });

  it('the console’s own origin, a configured origin, and programs without Origin or Sec-Fetch-Site go through', async () => {
    const s = await server({ consoleOrigins: ['https://support.example.com'] });
    const { mia, number, notificationId } = await scene(s);
    const own = await s.api(`/api/notifications/${notificationId}/read`, { cookie: mia.cookie, method: 'POST', headers: { origin: s.url } });
    expect(own.status).toBe(200);
    const configured = await s.api(`/api/tickets/${number}/approve`, { cookie: mia.cookie, body: {}, headers: { origin: 'https://support.example.com' } });
    expect(configured.status).toBe(200);
    const sameOrigin = await s.api(`/api/tickets/${number}/notes`, { cookie: mia.cookie, body: { text: 'ok' }, headers: { 'sec-fetch-site': 'same-origin' } });
    expect(sameOrigin.status).toBe(201);
    expect((await s.api(`/api/tickets/${number}/notes`, { cookie: mia.cookie, body: { text: 'a script' } })).status).toBe(201);
  });

  it('the public URL’s origin is the default console origin; a forged X-Forwarded-Host from an untrusted peer does not pass', async () => {
    const s = await server({ consoleOrigins: loadConfig({ KAMFLO_PUBLIC_URL: 'https://support.example.com/' }).consoleOrigins });
    const { mia, notificationId } = await scene(s);
    const fromPublicUrl = { origin: 'https://support.example.com' };
    expect((await s.api('/api/tickets/1001/notes', { cookie: mia.cookie, body: { text: 'ok' }, headers: fromPublicUrl })).status).toBe(201);
    const forged = await s.api(`/api/notifications/${notificationId}/read`, {
      cookie: mia.cookie,
      method: 'POST',
      headers: { origin: 'https://evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    });
    expect(forged.status).toBe(403);
  });

  it('behind a trusted proxy, the origin the browser used (X-Forwarded-Proto/Host) is the server’s own', async () => {
    const s = await server({ trustProxy: ['loopback'] });
    const { mia, notificationId } = await scene(s);
    const viaProxy = { origin: 'https://support.example.com', 'x-forwarded-host': 'support.example.com', 'x-forwarded-proto': 'https' };
    expect((await s.api(`/api/notifications/${notificationId}/read`, { cookie: mia.cookie, method: 'POST', headers: viaProxy })).status).toBe(200);
    const other = { ...viaProxy, origin: 'https://other.example.com' };
    expect((await s.api(`/api/notifications/${notificationId}/read`, { cookie: mia.cookie, method: 'POST', headers: other })).status).toBe(403);
  });

  it('the widget’s public routes and the /visitor namespace stay open to every site', async () => {
    const s = await server();
    const token = await s.api('/api/visitors', { body: {}, headers: { origin: 'https://customer-shop.example' } });
    expect(token.status).toBe(201);
    const request = await s.api('/api/helpcenter/requests', {
      headers: { origin: 'https://customer-shop.example' },
      body: { name: 'Mia', email: 'mia@example.com', subject: 'Hi', message: 'A question' },
    });
    expect(request.status).toBe(201);
    const socket = await s.visitorSocket(token.body.token, { origin: 'https://customer-shop.example' });
    expect(await ask(socket, 'chat:start', { clientId: cid(), text: 'hello from a customer site' })).toMatchObject({ ok: true });
  });
});

describe('the /agent socket handshake from another origin is refused (WebSocket hijacking)', () => {
  it('refuses the handshake with the manager’s cookie from another origin; the console’s own origin connects', async () => {
    const s = await server();
    const { mia } = await scene(s);
    for (const origin of [ATTACKER, 'http://127.0.0.1:4730', 'null']) {
      await expect(s.agentSocket(mia.cookie, { origin })).rejects.toMatchObject({ message: 'forbidden' });
    }
    await expect(s.agentSocket(mia.cookie, { 'sec-fetch-site': 'same-site' })).rejects.toMatchObject({ message: 'forbidden' });
    // Nothing connected on her behalf: she is not online.
    expect(s.services.presence.isOnline(mia.id)).toBe(false);
    const own = await s.agentSocket(mia.cookie, { origin: s.url });
    expect(await ask(own, 'chat:list', {})).toMatchObject({ ok: true });
  });
});
