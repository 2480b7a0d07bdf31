import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, HTTP_STATUS, toErrorBody } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';

/** The one place errors become HTTP responses: `{ error, requestId }` (the id of ops/request-log.ts). */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // Body-parser errors: malformed JSON or a body too large are the client's fault.
    const status = (err as { status?: number; type?: string }).status;
    const body =
      !(err instanceof AppError) && status && status >= 400 && status < 500
        ? { code: 'bad_request' as const, message: status === 413 ? 'Request body too large' : 'Malformed JSON body' }
        : toErrorBody(err);
    if (body.code === 'internal' || body.code === 'unavailable') (req.log ?? log).error({ err, url: req.originalUrl, ip: req.ip }, 'request failed');
    const requestId = req.id === undefined ? undefined : String(req.id);
    res.status(status === 413 ? 413 : HTTP_STATUS[body.code]).json({ error: body, ...(requestId ? { requestId } : {}) });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `No route for ${req.method} ${req.path}`));
};
