import crypto from 'node:crypto';
import type { Clock } from '../lib/clock.ts';

export interface VisitorIdentity {
  visitorId: string;
  site: string;
}
export interface VerifiedVisitor extends VisitorIdentity {
  expiresAt: Date;
}
export interface IssuedToken {
  token: string;
  visitorId: string;
  expiresAt: string;
}

/** How long a process trusts the site secret it read: the bound on a missed rotation notice from another process. */
const SECRET_CACHE_MS = 30_000;

/**
 * Visitor tokens: `<visitorId>.<site>.<expiry>.<mac>`, the expiry in seconds (base 36). The MAC
 * is HMAC-SHA256 under a key derived from the server's secret and the site's own secret, so:
 * a token is valid only until its expiry (the widget gets fresh ones while in use, see
 * token-renewal.ts); rotating a site's secret revokes every token of that site; and any server
 * process on the same database accepts them without a lookup per visitor.
 */
export function createVisitorTokens(deps: {
  secret: string;
  clock: Clock;
  ttlMs: number;
  /** The site's current secret, or null for an unknown site. */
  siteSecret: (site: string) => Promise<string | null>;
}) {
  const cache = new Map<string, { key: Buffer | null; at: number }>();

  async function siteKey(site: string): Promise<Buffer | null> {
    const hit = cache.get(site);
    const now = Date.now();
    if (hit && now - hit.at < SECRET_CACHE_MS) return hit.key;
    const secret = await deps.siteSecret(site);
    // Domain-separated from the site secret's other use (proving a visitor's identity).
    const key = secret ? crypto.createHmac('sha256', deps.secret).update(`kamflo visitor token\n${site}\n${secret}`).digest() : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(site, { key, at: now });
    return key;
  }

  const mac = (key: Buffer, payload: string) => crypto.createHmac('sha256', key).update(payload).digest('base64url');

  async function sign(identity: VisitorIdentity): Promise<IssuedToken> {
    const key = await siteKey(identity.site);
    if (!key) throw new Error(`no secret for site ${identity.site}`);
    const expires = Math.ceil((deps.clock.now().getTime() + deps.ttlMs) / 1000);
    const payload = `${identity.visitorId}.${identity.site}.${expires.toString(36)}`;
    return { token: `${payload}.${mac(key, payload)}`, visitorId: identity.visitorId, expiresAt: new Date(expires * 1000).toISOString() };
  }

  /** A new visitor of a site (which must exist). */
  function issue(site: string): Promise<IssuedToken> {
    return sign({ visitorId: crypto.randomBytes(12).toString('base64url'), site });
  }

  /** A fresh token for a visitor whose token is still valid: same identity, later expiry. */
  function renew(identity: VisitorIdentity): Promise<IssuedToken> {
    return sign(identity);
  }

  /** The visitor behind a token, or null if it is malformed, forged, expired or revoked. */
  async function verify(token: unknown): Promise<VerifiedVisitor | null> {
    if (typeof token !== 'string' || token.length > 200) return null;
    const parts = token.split('.');
    if (parts.length !== 4) return null;
    const [visitorId, site, exp, given] = parts as [string, string, string, string];
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(visitorId) || !/^[a-z0-9-]{1,40}$/.test(site) || !/^[0-9a-z]{1,10}$/.test(exp)) return null;
    const expiresAt = new Date(Number.parseInt(exp, 36) * 1000);
    if (expiresAt <= deps.clock.now()) return null;
    const key = await siteKey(site);
    if (!key) return null;
    const expected = Buffer.from(mac(key, `${visitorId}.${site}.${exp}`));
    const got = Buffer.from(given);
    if (got.length !== expected.length || !crypto.timingSafeEqual(got, expected)) return null;
    return { visitorId, site, expiresAt };
  }

  /** Drop what this process remembers of a site's secret (it was rotated). */
  function forgetSite(site: string): void {
    cache.delete(site);
  }

  return { issue, renew, verify, forgetSite, ttlMs: deps.ttlMs };
}
export type VisitorTokens = ReturnType<typeof createVisitorTokens>;
