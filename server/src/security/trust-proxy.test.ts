import { afterEach, describe, expect, it } from 'vitest';
import { ask, cid, startTestServer, type TestServer } from '../test/harness.ts';
import { loadConfig, withLimits, type Config, type RateLimits } from '../config.ts';

// Attack class: address spoofing and limits behind a reverse proxy. Without trusted proxies a
// client must not escape a limit by writing X-Forwarded-For; behind one (KAMFLO_TRUST_PROXY),
// each real client gets its own limit instead of the whole world sharing the proxy's.

const long = (points: number) => ({ points, seconds: 600 });
let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.reverse()) await s.close();
  servers = [];
});
async function server(limits: Partial<RateLimits>, config: Partial<Config> = {}) {
  const s = await startTestServer({ config: withLimits(limits, config) });
  servers.push(s);
  return s;
}
const signIn = (s: TestServer, xff?: string) =>
  s.api('/api/auth/sign-in', { body: { email: 'x@example.com', password: 'a guess' }, headers: xff ? { 'x-forwarded-for': xff } : {} });

describe('client addresses', () => {
  it('without KAMFLO_TRUST_PROXY, a forged X-Forwarded-For does not escape the sign-in limit', async () => {
    const s = await server({ signIn: long(3) });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn(s, `198.51.100.${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('behind one trusted proxy, each client has its own limit, and entries a client wrote itself are ignored', async () => {
    const s = await server({ signIn: long(2) }, { trustProxy: 1 });
    // The proxy appends the address it saw; whatever the client sent before it does not count.
    const a1 = await signIn(s, '203.0.113.7');
    const a2 = await signIn(s, '1.1.1.1, 203.0.113.7');
    const a3 = await signIn(s, '2.2.2.2, 203.0.113.7');
    expect([a1.status, a2.status, a3.status]).toEqual([401, 401, 429]);
    // Another client behind the same proxy is not affected.
    expect((await signIn(s, '203.0.113.8')).status).toBe(401);
  });

  it('a list of proxy addresses is trusted the same way; an untrusted peer’s header is not', async () => {
    const trusted = await server({ signIn: long(1) }, { trustProxy: ['loopback'] });
    expect((await signIn(trusted, '203.0.113.1')).status).toBe(401);
    expect((await signIn(trusted, '203.0.113.2')).status).toBe(401);
    const untrusted = await server({ signIn: long(1) }, { trustProxy: ['10.0.0.0/8'] });
    expect((await signIn(untrusted, '203.0.113.1')).status).toBe(401);
    expect((await signIn(untrusted, '203.0.113.2')).status).toBe(429);
  });

  it('socket events are limited per real client address behind the proxy too', async () => {
    const s = await server({ addressEvents: long(4) }, { trustProxy: 1 }); // a handshake and 3 events
    const token = async () => (await s.api('/api/visitors', { body: {} })).body.token as string;
    const here = await s.visitorSocket(await token(), { 'x-forwarded-for': '203.0.113.10' });
    const there = await s.visitorSocket(await token(), { 'x-forwarded-for': '203.0.113.11' });
    const send = (sock: typeof here) => Promise.all(Array.from({ length: 5 }, (_, i) => ask(sock, 'chat:sync', {}).then((r) => r.ok || i)));
    expect((await send(here)).filter((r) => r === true)).toHaveLength(3);
    expect((await send(there)).filter((r) => r === true)).toHaveLength(3);
    expect(await ask(there, 'chat:start', { clientId: cid(), text: 'over the limit' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });
});

describe('KAMFLO_TRUST_PROXY', () => {
  it('is off by default; takes a hop count or addresses and subnets; refuses "true" and nonsense', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ KAMFLO_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ KAMFLO_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ KAMFLO_TRUST_PROXY: 'loopback, 10.0.0.0/8,192.0.2.1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', '192.0.2.1']);
    expect(() => loadConfig({ KAMFLO_TRUST_PROXY: 'true' })).toThrow(/KAMFLO_TRUST_PROXY: trusting every address/);
    expect(() => loadConfig({ KAMFLO_TRUST_PROXY: 'my proxy' })).toThrow(/KAMFLO_TRUST_PROXY: must be false, a hop count/);
  });
});
