import type { Response } from 'express';
import { parse as parseCookies } from 'cookie';

/**
 * The session cookie. When it is Secure (https) it is named `__Host-kamflo_session`: browsers
 * then accept it only from a secure origin, with Path=/ and no Domain, so a sibling subdomain
 * or a plain-http page on the same host can neither set nor overwrite it (cookie tossing). On
 * plain http (e.g. http://localhost while trying Kamflo) browsers refuse `__Host-` cookies
 * that are not Secure, so the name has no prefix there. Only the configured name is read.
 */
export function createSessionCookie(secure: boolean) {
  const name = secure ? '__Host-kamflo_session' : 'kamflo_session';
  const attributes = { httpOnly: true, sameSite: 'lax', secure, path: '/' } as const;
  return {
    name,
    read(cookieHeader: string | undefined): string | undefined {
      return cookieHeader ? parseCookies(cookieHeader)[name] : undefined;
    },
    set(res: Response, token: string, expires: Date): void {
      res.cookie(name, token, { ...attributes, expires });
    },
    clear(res: Response): void {
      res.clearCookie(name, attributes);
    },
  };
}
export type SessionCookie = ReturnType<typeof createSessionCookie>;
