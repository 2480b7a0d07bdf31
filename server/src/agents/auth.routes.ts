import type { AgentDoc } from './agent.model.ts';
import { changePasswordInput, createAgentInput, signInInput } from '@kamflo/shared';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { AgentService } from './agent.service.ts';
import { toAgentDto } from './agent.model.ts';

// Sign-in and password changes are rate-limited per address in security/http-limits.ts.
export function authRoutes(
  route: DeclareRoute,
  agents: AgentService,
  /** Records an agent's own password change in the agents' audit (agent-admin.service.ts). */
  onPasswordChanged: (agent: AgentDoc) => Promise<void> = async () => {},
) {
  route('POST /api/auth/sign-in', {
    summary: 'Sign in: sets the httpOnly session cookie',
    access: 'public',
    body: signInInput,
    handle: async ({ res, body }) => {
      const { agent, token, expiresAt } = await agents.signIn(body.email, body.password);
      agents.cookie.set(res, token, expiresAt);
      return agent;
    },
  });

  route('POST /api/auth/sign-out', {
    summary: 'Sign out: ends the session, and every console opened with it, and clears its cookie',
    access: 'public',
    handle: async ({ req, res }) => {
      const token = agents.cookie.read(req.headers.cookie);
      if (token) await agents.signOut(token);
      agents.cookie.clear(res);
      return { ok: true };
    },
  });

  route('POST /api/auth/password', {
    summary: 'Change your own password (needs the current one); your other sessions end',
    access: 'agent',
    body: changePasswordInput,
    handle: async ({ session, body }) => {
      await agents.changePassword(session, body.currentPassword, body.newPassword);
      await onPasswordChanged(session.agent);
      return { ok: true };
    },
  });

  route('GET /api/auth/me', {
    summary: 'The signed-in agent',
    access: 'agent',
    handle: ({ agent }) => toAgentDto(agent),
  });

  route('GET /api/agents', {
    summary: 'Every active agent (for assigning tickets)',
    access: 'agent',
    handle: () => agents.listAgents(),
  });

  route('POST /api/agents', {
    summary: 'Create an agent (admins)',
    access: 'agent',
    permission: 'agents.manage',
    body: createAgentInput,
    status: 201,
    handle: ({ body }) => agents.createAgent(body),
  });
}
