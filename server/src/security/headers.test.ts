import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness.ts';
import type { Config } from '../config.ts';

// Attack class: what a browser or a cache does with our answers. MIME sniffing turns a JSON
// answer into script or HTML; a cached authenticated answer leaks to the next user of a shared
// machine or proxy; a session cookie without the __Host- prefix can be planted by a sibling
// subdomain or a plain-http page (cookie tossing, session fixation).

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

describe('response headers', () => {
  it('every answer carries X-Content-Type-Options: nosniff: API, health, errors, static files, Socket.IO', async () => {
    const s = await server();
    const ann = await s.createAgent('Ann');
    const answers = [
      await fetch(`${s.url}/healthz`),
      await fetch(`${s.url}/api/auth/me`, { headers: { cookie: ann.cookie } }),
      await fetch(`${s.url}/api/auth/me`), // 401
      await fetch(`${s.url}/api/tickets/abc`, { headers: { cookie: ann.cookie } }), // 400
      await fetch(`${s.url}/api/nothing-here`), // 404
      await fetch(`${s.url}/nothing-here`),
      await fetch(`${s.url}/widget.js`),
      await fetch(`${s.url}/console/`),
      await fetch(`${s.url}/socket.io/?EIO=4&transport=polling`),
      await fetch(`${s.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' }),
    ];
    for (const res of answers) expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
  });

  it('authenticated answers (and the API as a whole) are Cache-Control: no-store', async () => {
    const s = await server();
    const ann = await s.createAgent('Ann');
    for (const path of ['/api/auth/me', '/api/tickets', '/api/agents', '/api/notifications', '/api/dashboard']) {
      const res = await s.api(path, { cookie: ann.cookie });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
    const signIn = await s.api('/api/auth/sign-in', { body: { email: ann.email, password: ann.password } });
    expect(signIn.headers.get('cache-control')).toBe('no-store');
    expect((await s.api('/api/visitors', { body: {} })).headers.get('cache-control')).toBe('no-store');
  });

  it('API answers cannot be framed or run as a page', async () => {
    const s = await server();
    const res = await s.api('/api/widget/status');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('the session cookie', () => {
  it('is __Host-kamflo_session when Secure: Secure, Path=/, no Domain, HttpOnly, SameSite=Lax', async () => {
    const s = await server({ cookieSecure: true });
    const ann = await s.createAgent('Ann');
    const res = await s.api('/api/auth/sign-in', { body: { email: ann.email, password: ann.password } });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^__Host-kamflo_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    expect(setCookie).not.toMatch(/Domain=/i);
    const token = setCookie.split(';')[0]!.split('=')[1]!;
    expect((await s.api('/api/auth/me', { cookie: `__Host-kamflo_session=${token}` })).status).toBe(200);
    // A cookie without the prefix (as a sibling subdomain could set) is not read at all.
    expect((await s.api('/api/auth/me', { cookie: `kamflo_session=${token}` })).status).toBe(401);
    await expect(s.agentSocket(`kamflo_session=${token}`)).rejects.toThrow();
    // Sign-out clears the same cookie.
    const out = await s.api('/api/auth/sign-out', { cookie: `__Host-kamflo_session=${token}`, method: 'POST' });
    expect(out.headers.get('set-cookie')).toMatch(/^__Host-kamflo_session=;.*Secure/);
  });

  it('on plain http (no Secure) it is kamflo_session: browsers refuse __Host- cookies that are not Secure', async () => {
    const s = await server({ cookieSecure: false });
    const ann = await s.createAgent('Ann');
    const res = await s.api('/api/auth/sign-in', { body: { email: ann.email, password: ann.password } });
    expect(res.headers.get('set-cookie')).toMatch(/^kamflo_session=/);
    expect(res.headers.get('set-cookie')).not.toMatch(/Secure/);
  });
});
