/** Every error a client can see. The server maps each to one HTTP status (server/src/http/errors.ts). */
export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'already_taken',
  'illegal_transition',
  'rate_limited',
  /** The page claimed a user whose hash or JWT does not prove it, on a site that requires verified identity. */
  'identity_unverified',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** For bad_request: which fields failed and why. */
  issues?: { path: string; message: string }[];
}

/** The shape of every Socket.IO acknowledgement and every JSON error response. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type AckFn<T> = (result: Ack<T>) => void;
