import { createApiTokenInput, objectId } from '@kamflo/shared';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { ApiTokenService } from './api-token.service.ts';

const admins = { access: 'agent', permission: 'api_tokens.manage', forbidden: 'Only admins manage API tokens' } as const;

/** Admins list, create and revoke API tokens (tokens themselves cannot: these routes have no scope). */
export function apiTokenRoutes(route: DeclareRoute, deps: { apiTokens: ApiTokenService }) {
  route('GET /api/admin/api-tokens', {
    summary: 'Every API token, newest first, revoked ones included (never their secrets)',
    ...admins,
    handle: () => deps.apiTokens.list(),
  });
  route('POST /api/admin/api-tokens', {
    summary: 'A new API token with scopes: the answer holds its secret, shown this once',
    ...admins,
    body: createApiTokenInput,
    status: 201,
    handle: ({ agent, body }) => deps.apiTokens.create(agent, body),
  });
  route('POST /api/admin/api-tokens/:id/revoke', {
    summary: 'Revoke an API token: it stops working at once and stays listed',
    ...admins,
    params: { id: objectId },
    handle: ({ params }) => deps.apiTokens.revoke(params.id),
  });
}
