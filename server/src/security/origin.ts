import type { RequestHandler } from 'express';
import type { Socket } from 'socket.io';
import { AppError } from '../lib/errors.ts';
import { factsOf, handshakeFacts, type ClientAddress, type RequestFacts } from './client-address.ts';

/**
 * Cross-origin request forgery and WebSocket hijacking. SameSite=Lax cookies still travel from
 * another origin of the same site (another port, a sibling subdomain), so every state-changing
 * agent request and every /agent handshake must come from the console's own origin.
 *
 * The browser says where a request comes from: `Origin` (sent on every non-GET fetch, form post
 * and WebSocket handshake) decides when present; otherwise `Sec-Fetch-Site` must say
 * same-origin (or none: typed by the user). A request with neither comes from a program, not a
 * browser, and so carries no victim's cookies: it is not forgery.
 */
export function createOriginCheck(deps: { consoleOrigins: string[]; address: ClientAddress }) {
  const allowed = new Set(deps.consoleOrigins);

  /** Null when the request may go ahead, else why not. */
  function refusal(req: RequestFacts): string | null {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (allowed.has(origin) || origin === deps.address.ownOrigin(req)) return null;
      return `requests from ${origin === 'null' ? 'an opaque origin' : origin} are not accepted`;
    }
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return `${site} requests are not accepted`;
    return null;
  }

  const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
  /**
   * Express middleware for every state-changing request, except the public routes the widget
   * calls from any site (they take no cookie, only the visitor token), and requests that carry
   * `Authorization: Bearer` (API tokens): a route given one never reads the cookie
   * (http/api-routes.ts), and a page on another origin cannot add that header without a CORS
   * preflight, which Kamflo never grants.
   */
  function http(publicRoutes: string[]): RequestHandler {
    const open = new Set(publicRoutes);
    return (req, _res, next) => {
      if (SAFE.has(req.method) || open.has(`${req.method} ${req.path}`) || /^Bearer\s/i.test(req.headers.authorization ?? '')) return next();
      const why = refusal(factsOf(req));
      next(why ? new AppError('forbidden', `Cross-origin request refused: ${why}`) : undefined);
    };
  }

  /** Socket.IO namespace middleware (the /agent handshake). */
  function socket(s: Socket, next: (err?: Error) => void) {
    const why = refusal(handshakeFacts(s));
    if (!why) return next();
    next(Object.assign(new Error('forbidden'), { data: { code: 'forbidden', message: `Cross-origin connection refused: ${why}` } }));
  }

  return { http, socket, refusal };
}
export type OriginCheck = ReturnType<typeof createOriginCheck>;
