import crypto from 'node:crypto';

export interface VisitorIdentity {
  visitorId: string;
  site: string;
}

/**
 * Visitor tokens: `<visitorId>.<site>.<hmac>`. Stateless, so any server process on the same
 * database (which holds the secret) accepts them.
 */
export function createVisitorTokens(secret: string) {
  const sign = (payload: string) => crypto.createHmac('sha256', secret).update(payload).digest('base64url');

  function issue(site: string): { token: string; visitorId: string } {
    const visitorId = crypto.randomBytes(12).toString('base64url');
    const payload = `${visitorId}.${site}`;
    return { token: `${payload}.${sign(payload)}`, visitorId };
  }

  function verify(token: unknown): VisitorIdentity | null {
    if (typeof token !== 'string' || token.length > 200) return null;
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [visitorId, site, mac] = parts as [string, string, string];
    const expected = Buffer.from(sign(`${visitorId}.${site}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
    return { visitorId, site };
  }

  return { issue, verify };
}
export type VisitorTokens = ReturnType<typeof createVisitorTokens>;
