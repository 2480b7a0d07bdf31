import type { Request } from 'express';
import { can, type Action } from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';
import type { AgentService, AgentSession } from './agent.service.ts';

/**
 * The session (and signed-in agent) behind the request, whose role allows `action` if one is
 * named; otherwise unauthorized (no valid session) or forbidden (`forbidden` says why, when the
 * default won't do).
 */
export async function sessionOf(agents: AgentService, req: Request, action?: Action, forbidden = 'Your role does not allow this'): Promise<AgentSession> {
  const session = await agents.fromCookie(req.headers.cookie);
  if (!session) throw new AppError('unauthorized', 'Sign in first');
  if (action && !can(session.agent.role, action)) throw new AppError('forbidden', forbidden);
  return session;
}

/** The signed-in agent who made the request (see sessionOf). */
export async function agentOf(agents: AgentService, req: Request, action?: Action, forbidden?: string) {
  return (await sessionOf(agents, req, action, forbidden)).agent;
}
