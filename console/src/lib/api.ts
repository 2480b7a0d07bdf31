import type { HttpApi } from '@kamflo/shared';
import type { ErrorBody, ErrorCode } from '@kamflo/shared/constants';

/** Every route of the HTTP API, e.g. `'GET /api/tickets/:number'`. */
export type ApiRoute = keyof HttpApi;
export type ApiResponse<R extends ApiRoute> = HttpApi[R]['res'];

type PathOf<R extends string> = R extends `${string} ${infer P}` ? P : never;
type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<Rest>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

type ParamsArg<R extends ApiRoute> = [ParamNames<PathOf<R>>] extends [never]
  ? { params?: undefined }
  : { params: Record<ParamNames<PathOf<R>>, string | number> };
type BodyArg<R extends ApiRoute> = HttpApi[R] extends { body: infer B } ? { body: B } : { body?: undefined };

/** Path parameters, body (when the route takes one) and query string of one call. */
export type ApiArgs<R extends ApiRoute> = ParamsArg<R> & BodyArg<R> & { query?: Record<string, string | undefined> };

/** `args` may be left out only when the route needs neither params nor a body. */
export type ApiCallArgs<R extends ApiRoute> = object extends ApiArgs<R> ? [args?: ApiArgs<R>] : [args: ApiArgs<R>];

/** The console's view of the HTTP API. Tests pass an in-memory fake. */
export interface ApiClient {
  call<R extends ApiRoute>(route: R, ...args: ApiCallArgs<R>): Promise<ApiResponse<R>>;
}

/** An error answer from the server (or no answer at all: status 0, code `unavailable`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorBody['issues'],
  ) {
    super(message);
  }
}

/** Fills `:name` placeholders; every value is URL-encoded. */
export function buildPath(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/:([A-Za-z_]\w*)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path parameter "${name}" for ${template}`);
    return encodeURIComponent(String(value));
  });
}

function isErrorBody(value: unknown): value is { error: ErrorBody } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as ErrorBody).message === 'string';
}

export interface HttpApiOptions {
  fetch?: typeof fetch;
  /** Prefix for every path; empty for same origin. */
  baseUrl?: string;
}

/** The real client: same-origin `fetch` with the session cookie. */
export function createHttpApi({ fetch: doFetch = globalThis.fetch.bind(globalThis), baseUrl = '' }: HttpApiOptions = {}): ApiClient {
  return {
    async call(route, ...rest) {
      const args = (rest[0] ?? {}) as {
        params?: Record<string, string | number>;
        body?: unknown;
        query?: Record<string, string | undefined>;
      };
      const space = route.indexOf(' ');
      const method = route.slice(0, space);
      let url = baseUrl + buildPath(route.slice(space + 1), args.params);
      if (args.query) {
        const search = new URLSearchParams();
        for (const [key, value] of Object.entries(args.query)) if (value !== undefined) search.set(key, value);
        const qs = search.toString();
        if (qs) url += `?${qs}`;
      }
      const headers: Record<string, string> = { accept: 'application/json' };
      const init: RequestInit = { method, credentials: 'same-origin', headers };
      if (args.body !== undefined) {
        headers['content-type'] = 'application/json';
        init.body = JSON.stringify(args.body);
      }

      let res: Response;
      try {
        res = await doFetch(url, init);
      } catch {
        throw new ApiError(0, 'unavailable', "Can't reach Kamflo. Check your connection and try again.");
      }
      const data: unknown = res.status === 204 ? null : await res.json().catch(() => null);
      if (!res.ok) {
        if (isErrorBody(data)) {
          throw new ApiError(res.status, data.error.code, data.error.message, data.error.issues);
        }
        throw new ApiError(
          res.status,
          res.status >= 500 ? 'internal' : 'bad_request',
          res.status >= 500 ? 'Something went wrong on the server. Please try again.' : `Request failed (${res.status}).`,
        );
      }
      return data as never;
    },
  };
}

/** Human-readable labels for the input fields the server may name in `issues`. */
const FIELD_LABELS: Record<string, string> = {
  closingMessage: 'Closing message',
  text: 'Message',
  subject: 'Subject',
  priority: 'Priority',
  category: 'Category',
  email: 'Email',
  password: 'Password',
  title: 'Title',
  body: 'Body',
  slug: 'Slug',
  locale: 'Locale',
  section: 'Section',
  logoText: 'Logo text',
  color: 'Logo colour',
  defaultLocale: 'Default locale',
};

/** The message to show an agent for any failure. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (!error.issues?.length) return error.message;
    // Field issues say it better than the summary ("Closing message must not be empty").
    return error.issues.map((i) => (i.path ? `${FIELD_LABELS[i.path] ?? i.path} ${i.message}` : i.message)).join('; ');
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Please try again.';
}
