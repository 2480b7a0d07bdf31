import { Router } from 'express';
import escapeHtml from 'escape-html';
import { z } from 'zod';
import { ERROR_CODES } from '@kamflo/shared';
import type { DeclaredRoute } from './api-routes.ts';

// The OpenAPI 3.1 document is built from the route registry: every route declared through
// createApiRoutes, with the same zod schemas that parse its params, query and body (converted by
// zod's own JSON Schema output, the input side: what a client sends). Response bodies are
// TypeScript types in shared/src/api.ts with no zod schema, so the document names each route's
// success status and the error shape, not the fields of every success body.

type JsonSchema = Record<string, unknown>;

/** The error body of every failed request (shared/src/errors.ts). */
const errorBody = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
  /** The request's id, also its X-Request-Id answer header and in the server's log. */
  requestId: z.string(),
});

function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Express's `/a/:id` as OpenAPI's `/a/{id}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function queryParameters(query: DeclaredRoute['query']) {
  if (!query) return [];
  const fields: [string, z.ZodType][] =
    typeof (query as z.ZodType).safeParse === 'function'
      ? Object.entries(((query as z.ZodObject).shape ?? {}) as Record<string, z.ZodType>)
      : Object.entries(query as Record<string, z.ZodType>);
  return fields.map(([name, schema]) => {
    const s = jsonSchema(schema);
    const description = typeof s.description === 'string' ? s.description : undefined;
    return { name, in: 'query', required: !schema.safeParse(undefined).success, schema: s, ...(description ? { description } : {}) };
  });
}

function operationId(key: string): string {
  const [method, path] = key.split(' ');
  const words = path!
    .split('/')
    .filter((w) => w && w !== 'api')
    .map((w) => (w.startsWith(':') ? `by-${w.slice(1)}` : w))
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [method!.toLowerCase(), ...words].map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

const tagOf = (path: string) => (path.startsWith('/api/') ? (path.split('/')[2] ?? 'api') : 'health');

const SECURITY: Record<DeclaredRoute['access'], Record<string, string[]>[] | undefined> = {
  public: [],
  // An agent's session cookie (API tokens are added per route, with the route's scope).
  agent: [{ session: [] }],
  'visitor-optional': [{}, { visitorToken: [] }],
};

export interface OpenApiOptions {
  version: string;
  /** The session cookie's name (it depends on whether the cookie is Secure). */
  sessionCookie: string;
  /** The API token scope each route needs, when it has one. */
  scopeOf?: (route: DeclaredRoute) => string | undefined;
}

export function openApiDocument(routes: readonly DeclaredRoute[], opts: OpenApiOptions) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const params = Object.entries(r.params ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema: jsonSchema(schema) }));
    const parameters = [...params, ...queryParameters(r.query)];
    const scope = opts.scopeOf?.(r);
    const security = r.access === 'agent' && scope ? [{ session: [] }, { apiToken: [scope] }] : SECURITY[r.access];
    const responses: Record<string, unknown> = {
      [String(r.status)]: {
        description: 'Success (the body is the route’s `res` type in shared/src/api.ts)',
        content: { 'application/json': { schema: { type: ['object', 'array'] } } },
      },
    };
    if (r.body || parameters.length) responses['400'] = { $ref: '#/components/responses/Error' };
    if (r.access === 'agent') {
      responses['401'] = { $ref: '#/components/responses/Error' };
      if (r.permission || scope) responses['403'] = { $ref: '#/components/responses/Error' };
    }
    responses['429'] = { $ref: '#/components/responses/Error' };
    responses.default = { $ref: '#/components/responses/Error' };
    const description = [
      r.access === 'agent'
        ? scope
          ? 'Signed-in agents (session cookie) or API tokens.'
          : 'Signed-in agents (session cookie).'
        : r.access === 'public'
          ? 'Public.'
          : 'Public; a visitor token is optional.',
      r.permission ? `Role permission: \`${r.permission}\`.` : '',
      scope ? `API token scope: \`${scope}\`.` : '',
    ]
      .filter(Boolean)
      .join(' ');
    paths[openApiPath(r.path)] ??= {};
    paths[openApiPath(r.path)]![r.method] = {
      operationId: operationId(r.key),
      summary: r.summary,
      description,
      tags: [tagOf(r.path)],
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } } } : {}),
      responses,
      ...(security ? { security } : {}),
      ...(r.permission ? { 'x-kamflo-permission': r.permission } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kamflo HTTP API',
      version: opts.version,
      description:
        'Generated from the server’s route registry and the shared zod schemas. Errors are `{ error: { code, message, issues? }, requestId }`; every answer carries its request id as `X-Request-Id` (a sane incoming one is kept). The real-time API (Socket.IO namespaces /visitor and /agent) is typed in shared/src/events.ts.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: jsonSchema(errorBody) },
      responses: {
        Error: { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: opts.sessionCookie, description: 'Set by POST /api/auth/sign-in.' },
        ...(opts.scopeOf
          ? {
              apiToken: {
                type: 'http',
                scheme: 'bearer',
                description: 'An API token created by an admin (Settings → API tokens); its scopes decide the routes.',
              },
            }
          : {}),
        visitorToken: { type: 'http', scheme: 'bearer', description: 'A visitor token from POST /api/visitors.' },
      },
    },
  };
}
export type OpenApiDocument = ReturnType<typeof openApiDocument>;

/** A readable reference page: the same document as HTML, no script. */
export function referencePage(doc: OpenApiDocument): string {
  const rows: string[] = [];
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(ops)) {
      const op = raw as {
        operationId: string;
        summary: string;
        description: string;
        tags: string[];
        parameters?: unknown[];
        requestBody?: { content: Record<string, { schema: unknown }> };
        responses: Record<string, unknown>;
      };
      const parts = [
        `<section id="${escapeHtml(op.operationId)}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`,
        `<p>${escapeHtml(op.summary)}</p><p class="d">${escapeHtml(op.description)}</p>`,
      ];
      if (op.parameters?.length) parts.push(`<h4>Parameters</h4><pre>${escapeHtml(JSON.stringify(op.parameters, null, 2))}</pre>`);
      if (op.requestBody) parts.push(`<h4>Body</h4><pre>${escapeHtml(JSON.stringify(op.requestBody.content['application/json']?.schema, null, 2))}</pre>`);
      parts.push(`<p class="d">Responses: ${Object.keys(op.responses).map(escapeHtml).join(', ')}</p></section>`);
      const tag = op.tags[0] ?? 'api';
      byTag.set(tag, [...(byTag.get(tag) ?? []), parts.join('')]);
    }
  }
  for (const [tag, sections] of byTag) rows.push(`<h2>${escapeHtml(tag)}</h2>${sections.join('')}`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}pre{background:#f4f5f7;padding:.75rem;overflow:auto;font-size:13px}section{border-top:1px solid #dde;padding:.5rem 0}.m{font:600 13px monospace;padding:.1rem .4rem;border-radius:3px;background:#e6eefc}.post{background:#e3f5e8}.put{background:#fdf1dc}.delete{background:#fbe3e3}.d{color:#555}</style>
</head><body><main><h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description)}</p><p>The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
${rows.join('\n')}</main></body></html>`;
}

/** GET /api/openapi.json and GET /api/docs (the reference page). Public: they describe routes, not data. */
export function openApiRoutes(doc: () => OpenApiDocument) {
  const r = Router();
  let cached: { json: OpenApiDocument; html: string } | undefined;
  const get = () => {
    if (!cached) {
      const json = doc();
      cached = { json, html: referencePage(json) };
    }
    return cached;
  };
  r.get('/api/openapi.json', (_req, res) => {
    res.json(get().json);
  });
  r.get('/api/docs', (_req, res) => {
    // The API's headers forbid everything; this page needs its own inline style, nothing else.
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    res.type('html').send(get().html);
  });
  return r;
}
