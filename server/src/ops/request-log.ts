import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../lib/logger.ts';

/** An incoming X-Request-Id is kept when it is this plain (a proxy's or a client's id); else we make one. */
const SANE_ID = /^[\w.:@-]{1,128}$/;
/** Probes and scrapes would be most of the log; they are not logged when they succeed. */
const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SANE_ID.test(given) ? given : crypto.randomUUID();
}

/**
 * One log line per request (pino-http) and a request id: `req.id`, the `X-Request-Id` answer
 * header, `reqId` in every line logged through `req.log`, and `requestId` in error bodies
 * (http/errors.ts). Mounted first, so refused requests have one too.
 */
export function requestLog(log: Logger): RequestHandler {
  const middleware = pinoHttp<IncomingMessage, ServerResponse>({
    logger: log,
    genReqId: (req, res) => {
      const id = requestIdOf(req);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    quietReqLogger: true,
    wrapSerializers: false,
    // Method, path and the client address as trust proxy resolves it; never headers (cookies, tokens).
    serializers: {
      req: (req: Request) => ({ method: req.method, url: req.originalUrl ?? req.url, ip: req.ip }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (req, res, err) => {
      if (err || res.statusCode >= 500) return 'error';
      const path = ((req as Request).originalUrl ?? req.url ?? '').split('?')[0]!;
      return res.statusCode < 400 && QUIET.has(path) ? 'silent' : 'info';
    },
    customSuccessMessage: (req, res) => `${req.method} ${(req as Request).originalUrl ?? req.url} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${(req as Request).originalUrl ?? req.url} ${res.statusCode}`,
  });
  return (req, res, next) => middleware(req, res, next);
}
