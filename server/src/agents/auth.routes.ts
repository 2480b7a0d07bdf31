import { rateLimit } from 'express-rate-limit';
import { createAgentInput, signInInput } from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';
import type { DeclareRoute } from '../http/api-routes.ts';
import { SESSION_COOKIE, type AgentService } from './agent.service.ts';
import { sessionToken } from './authenticate.ts';
import { toAgentDto } from './agent.model.ts';

export function authRoutes(route: DeclareRoute, agents: AgentService, opts: { cookieSecure: boolean; signInRateLimit: number }) {
  const signInLimiter = rateLimit({
    windowMs: 60_000,
    limit: opts.signInRateLimit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError('rate_limited', 'Too many sign-in attempts; wait a minute')),
  });

  route('POST /api/auth/sign-in', {
    summary: 'Sign in: sets the httpOnly session cookie',
    access: 'public',
    before: [signInLimiter],
    body: signInInput,
    handle: async ({ res, body }) => {
      const { agent, token, expiresAt } = await agents.signIn(body.email, body.password);
      res.cookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.cookieSecure,
        path: '/',
        expires: expiresAt,
      });
      return agent;
    },
  });

  route('POST /api/auth/sign-out', {
    summary: 'Sign out: ends the session and clears its cookie',
    access: 'public',
    handle: async ({ req, res }) => {
      const token = sessionToken(req.headers.cookie);
      if (token) await agents.signOut(token);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  });

  route('GET /api/auth/me', {
    summary: 'The signed-in agent',
    access: 'agent',
    handle: ({ agent }) => toAgentDto(agent),
  });

  route('GET /api/agents', {
    summary: 'Every agent (for assigning tickets)',
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
