import { createWebhookInput, objectId } from '@kamflo/shared';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { Webhooks } from './webhook.service.ts';

const admins = { access: 'agent', permission: 'webhooks.manage', forbidden: 'Only admins manage webhooks' } as const;
const byId = { id: objectId };

/** Admins register webhooks, read their delivery logs and send tests (API tokens cannot: no scope). */
export function webhookRoutes(route: DeclareRoute, deps: { webhooks: Webhooks }) {
  const { webhooks } = deps;
  route('GET /api/admin/webhooks', { summary: 'Every outgoing webhook (never their secrets)', ...admins, handle: () => webhooks.list() });
  route('POST /api/admin/webhooks', {
    summary: 'Register an https endpoint for events: the answer holds its signing secret, shown this once',
    ...admins,
    body: createWebhookInput,
    status: 201,
    handle: ({ body }) => webhooks.create(body),
  });
  route('DELETE /api/admin/webhooks/:id', {
    summary: 'Remove a webhook and its deliveries',
    ...admins,
    params: byId,
    handle: async ({ params }) => {
      await webhooks.remove(params.id);
      return { ok: true as const };
    },
  });
  route('GET /api/admin/webhooks/:id/deliveries', {
    summary: "A webhook's latest deliveries: state, response status, attempts",
    ...admins,
    params: byId,
    handle: ({ params }) => webhooks.deliveries(params.id),
  });
  route('POST /api/admin/webhooks/:id/test', {
    summary: 'Send a ping event to the webhook now (retried like any other if it fails)',
    ...admins,
    params: byId,
    handle: ({ params }) => webhooks.sendTest(params.id),
  });
}
