import type { ErrorBody, ErrorCode } from '@kamflo/shared';

/** The one error type services throw. Its code decides the HTTP status and the ack error. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorBody['issues'],
  ) {
    super(message);
  }
}

export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  already_taken: 409,
  illegal_transition: 409,
  rate_limited: 429,
  identity_unverified: 403,
  unavailable: 503,
  internal: 500,
};

/** What a client may see of any error: AppErrors as they are, database outages as unavailable, the rest generic. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof AppError) {
    return err.issues ? { code: err.code, message: err.message, issues: err.issues } : { code: err.code, message: err.message };
  }
  if (isDatabaseDown(err)) return { code: 'unavailable', message: 'The database is unavailable; try again shortly.' };
  return { code: 'internal', message: 'Something went wrong on our side.' };
}

export function isDatabaseDown(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name ?? '';
  return (
    /MongoNetwork|MongoServerSelection|MongoNotConnected|MongoTopologyClosed|PoolClosed/.test(name) ||
    /buffering timed out|Client must be connected|connection .* closed/i.test(String((err as Error)?.message))
  );
}

export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 11000;
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
