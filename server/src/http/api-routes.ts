import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { can, ROUTE_SCOPES, type Action, type ApiScope, type HttpApi } from '@kamflo/shared';
import { parse, type Issues } from '../lib/validate.ts';
import type { AgentDoc } from '../agents/agent.model.ts';
import type { AgentService, AgentSession } from '../agents/agent.service.ts';
import { sessionOf } from '../agents/authenticate.ts';
import { AppError } from '../lib/errors.ts';
import type { ApiTokenService } from '../api-tokens/api-token.service.ts';
import type { VisitorIdentity, VisitorTokens } from '../visitors/visitor-token.ts';

export type ApiRoute = keyof HttpApi;
type MethodOf<K extends string> = K extends `${infer M} ${string}` ? Lowercase<M> : never;
type PathOf<K extends string> = K extends `${string} ${infer P}` ? P : never;
type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<Rest>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/**
 * Who may call a route: anyone; a signed-in agent (the session cookie), optionally one whose role
 * allows `permission`, or an API token with the route's scope (ROUTE_SCOPES in shared's
 * permissions.ts); or anyone, with a visitor token when they have one (`Authorization: Bearer`).
 */
export type Access = 'public' | 'agent' | 'visitor-optional';

/** One schema per field (each parsed on its own), or one schema for the whole object. */
type Parts = z.ZodType | Record<string, z.ZodType>;
type PartsOut<P> = P extends z.ZodType ? z.output<P> : P extends Record<string, z.ZodType> ? { [F in keyof P]: z.output<P[F]> } : undefined;

type ParamsPart<K extends ApiRoute, P> = [ParamNames<PathOf<K>>] extends [never]
  ? { params?: undefined }
  : { params: P & { [N in ParamNames<PathOf<K>>]: z.ZodType } };

/** The body schema must accept every body HttpApi lets a client send, and no field it doesn't know. */
type BodyFits<D, B> = B extends z.ZodType
  ? [D] extends [z.input<B>]
    ? [Exclude<keyof D, keyof NonNullable<z.input<B>>>] extends [never]
      ? true
      : false
    : false
  : false;
type BodyPart<K extends ApiRoute, B> = HttpApi[K] extends { body: infer D }
  ? { body: BodyFits<D, B> extends true ? B : B & 'does not parse the body HttpApi declares for this route' }
  : { body?: undefined };

type Context<A extends Access, P, Q, B> = {
  req: Request;
  res: Response;
  params: PartsOut<P>;
  query: PartsOut<Q>;
  body: B extends z.ZodType ? z.output<B> : undefined;
} & (A extends 'agent' ? { agent: AgentDoc; session: AgentSession } : A extends 'visitor-optional' ? { visitor: VisitorIdentity | null } : unknown);

export type RouteSpec<K extends ApiRoute, A extends Access, P, Q, B> = {
  /** One line: what the route does (for the API reference). */
  summary: string;
  access: A;
  /** Agent routes: the role must allow this. */
  permission?: A extends 'agent' ? Action : never;
  /** The forbidden message when the role doesn't allow `permission`. */
  forbidden?: string;
  query?: Q;
  /** Words a bad body's error message (default: "Invalid input: …"). */
  badBody?: (issues: Issues) => string;
  /** The success status (200 unless said). */
  status?: 200 | 201;
  /** Middleware run first (the rate limits are not here but in security/http-limits.ts, mounted before every route). */
  before?: RequestHandler[];
  handle: (ctx: Context<A, P, Q, B>) => Promise<HttpApi[K]['res']> | HttpApi[K]['res'];
} & ParamsPart<K, P> &
  BodyPart<K, B>;

/** What the registry keeps of each declared route: enough to describe it (e.g. as OpenAPI). */
export interface DeclaredRoute {
  key: ApiRoute;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  access: Access;
  permission?: Action;
  /** The scope an API token needs here (none: tokens are refused). */
  scope?: ApiScope;
  status: number;
  params?: Record<string, z.ZodType>;
  query?: Parts;
  body?: z.ZodType;
}

/** The visitor behind `Authorization: Bearer <token>`, null without one, an error for a bad (or expired, or revoked) one. */
async function visitorFromRequest(req: Request, tokens: VisitorTokens): Promise<VisitorIdentity | null> {
  const header = req.headers.authorization;
  if (!header) return null;
  const identity = await tokens.verify(header.replace(/^Bearer\s+/i, ''));
  if (!identity) throw new AppError('unauthorized', 'Invalid or expired visitor token');
  return { visitorId: identity.visitorId, site: identity.site };
}

/** The secret of `Authorization: Bearer <secret>`, or null without such a header. */
export function bearerOf(req: Pick<Request, 'headers'>): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m ? m[1]! : null;
}

/**
 * An agent route called with an API token: the token must exist, not be revoked, and have the
 * route's scope. The token never falls back to the session cookie.
 */
async function tokenSession(apiTokens: ApiTokenService, req: Request, key: ApiRoute, permission?: Action): Promise<AgentSession> {
  const header = req.headers.authorization ?? '';
  const secret = bearerOf(req);
  if (!secret) throw new AppError('unauthorized', `Malformed Authorization header ${JSON.stringify(header.split(/\s/)[0])}: use "Bearer <API token>"`);
  const actor = await apiTokens.authenticate(secret);
  const scope = ROUTE_SCOPES[key];
  if (!scope) throw new AppError('forbidden', `API tokens cannot be used on ${key}; it needs a signed-in agent`);
  if (!actor.scopes.includes(scope)) throw new AppError('forbidden', `This API token lacks the scope ${scope}, which ${key} needs`);
  if (permission && !can(actor.role, permission)) throw new AppError('forbidden', 'This API token does not allow this');
  return { agent: actor, sessionId: `api-token:${actor.apiTokenId}` };
}

function parseParts(parts: Parts | undefined, input: Record<string, unknown>): unknown {
  if (!parts) return undefined;
  if (typeof (parts as z.ZodType).safeParse === 'function') return parse(parts as z.ZodType, input);
  return Object.fromEntries(Object.entries(parts as Record<string, z.ZodType>).map(([field, schema]) => [field, parse(schema, input[field])]));
}

/**
 * Every HTTP route is declared here, by its `HttpApi` key: the handler's result must be the
 * route's `res`, and params, query and body are parsed with the given schemas before it runs
 * (in that order, after access). Declared routes are kept in `registry`.
 */
export function createApiRoutes(deps: { agents: AgentService; tokens: VisitorTokens; apiTokens: ApiTokenService }) {
  const router = Router();
  const registry: DeclaredRoute[] = [];

  function route<K extends ApiRoute, A extends Access, P extends Parts | undefined = undefined, Q extends Parts | undefined = undefined, B = undefined>(
    key: K,
    spec: RouteSpec<K, A, P, Q, B>,
  ): void {
    const space = key.indexOf(' ');
    const method = key.slice(0, space).toLowerCase() as MethodOf<K> & DeclaredRoute['method'];
    const path = key.slice(space + 1);
    const body = spec.body as z.ZodType | undefined;
    const params = spec.params as Record<string, z.ZodType> | undefined;
    registry.push({
      key,
      method,
      path,
      summary: spec.summary,
      access: spec.access,
      ...(spec.permission ? { permission: spec.permission } : {}),
      ...(spec.access === 'agent' && ROUTE_SCOPES[key] ? { scope: ROUTE_SCOPES[key] } : {}),
      status: spec.status ?? 200,
      ...(params ? { params } : {}),
      ...(spec.query ? { query: spec.query as Parts } : {}),
      ...(body ? { body } : {}),
    });
    router[method](path, ...(spec.before ?? []), async (req: Request, res: Response) => {
      const who: { agent?: AgentDoc; session?: AgentSession; visitor?: VisitorIdentity | null } = {};
      if (spec.access === 'agent') {
        // An Authorization header on an agent route is an API token, and only that counts.
        who.session =
          req.headers.authorization !== undefined
            ? await tokenSession(deps.apiTokens, req, key, spec.permission)
            : await sessionOf(deps.agents, req, spec.permission, spec.forbidden);
        who.agent = who.session.agent;
      }
      if (spec.access === 'visitor-optional') who.visitor = await visitorFromRequest(req, deps.tokens);
      const ctx = {
        req,
        res,
        ...who,
        params: parseParts(params, req.params),
        query: parseParts(spec.query as Parts | undefined, req.query as Record<string, unknown>),
        body: body ? parse(body, req.body, spec.badBody) : undefined,
      } as Context<A, P, Q, B>;
      res.status(spec.status ?? 200);
      // The handler may set another status (health answers 503 with the same body).
      res.json(await spec.handle(ctx));
    });
  }

  return { router, route, registry: registry as readonly DeclaredRoute[] };
}
export type ApiRoutes = ReturnType<typeof createApiRoutes>;
/** How feature modules declare their routes. */
export type DeclareRoute = ApiRoutes['route'];
