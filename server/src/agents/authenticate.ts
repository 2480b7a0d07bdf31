import type { Request } from 'express';
import { parse as parseCookies } from 'cookie';
import { can, type Action } from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';
import type { AgentDoc } from './agent.model.ts';
import { SESSION_COOKIE, type AgentService } from './agent.service.ts';

export function sessionToken(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? parseCookies(cookieHeader)[SESSION_COOKIE] : undefined;
}

/**
 * The signed-in agent who made the request, allowed to do `action` if one is named; otherwise
 * unauthorized (no valid session) or forbidden (`forbidden` says why, when the default won't do).
 */
export async function agentOf(agents: AgentService, req: Request, action?: Action, forbidden = 'Your role does not allow this'): Promise<AgentDoc> {
  const agent = await agents.authenticate(sessionToken(req.headers.cookie));
  if (!agent) throw new AppError('unauthorized', 'Sign in first');
  if (action && !can(agent.role, action)) throw new AppError('forbidden', forbidden);
  return agent;
}
