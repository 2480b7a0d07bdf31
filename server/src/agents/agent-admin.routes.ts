import { inviteAgentInput, objectId, setPasswordInput, updateAgentInput } from '@kamflo/shared';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { AgentDoc } from './agent.model.ts';
import type { AgentAdmin } from './agent-admin.service.ts';

const admins = { access: 'agent', permission: 'agents.manage', forbidden: 'Only admins manage agents' } as const;
const actor = (agent: AgentDoc) => ({ id: String(agent._id), email: agent.email });

/**
 * Admins invite, change, deactivate and reset agents (session only: no API token scope fits).
 * Setting a password by link is public and rate-limited like sign-in (security/http-limits.ts).
 */
export function agentAdminRoutes(route: DeclareRoute, deps: { admin: AgentAdmin }) {
  route('GET /api/admin/agents', {
    summary: 'Every agent with role, capacity, level and whether active',
    ...admins,
    handle: () => deps.admin.list(),
  });
  route('GET /api/admin/agents/audit', {
    summary: "The latest changes to agents' accounts (at most 200), newest first",
    ...admins,
    handle: () => deps.admin.auditLog(),
  });
  route('POST /api/agents/invite', {
    summary: 'Invite an agent: the answer holds a one-time set-password link, shown this once',
    ...admins,
    body: inviteAgentInput,
    status: 201,
    handle: ({ agent, body }) => deps.admin.invite(actor(agent), body),
  });
  route('PATCH /api/agents/:id', {
    summary: "Change an agent's name, role, capacity or level",
    ...admins,
    params: { id: objectId },
    body: updateAgentInput,
    handle: ({ agent, params, body }) => deps.admin.update(actor(agent), params.id, body),
  });
  route('POST /api/agents/:id/deactivate', {
    summary: 'Deactivate an agent: no sign-in; every session and open console ends now; tickets stay assigned',
    ...admins,
    params: { id: objectId },
    handle: ({ agent, params }) => deps.admin.deactivate(actor(agent), params.id),
  });
  route('POST /api/agents/:id/reactivate', {
    summary: 'Reactivate an agent',
    ...admins,
    params: { id: objectId },
    handle: ({ agent, params }) => deps.admin.reactivate(actor(agent), params.id),
  });
  route('POST /api/agents/:id/reset-password', {
    summary: 'End the password and every session of an agent: the answer holds a new one-time set-password link',
    ...admins,
    params: { id: objectId },
    handle: ({ agent, params }) => deps.admin.resetPassword(actor(agent), params.id),
  });
  route('POST /api/auth/set-password', {
    summary: 'Set your password with a one-time link from an admin (invitation or reset)',
    access: 'public',
    body: setPasswordInput,
    handle: async ({ body }) => {
      await deps.admin.setPassword(body.token, body.password);
      return { ok: true };
    },
  });
}
