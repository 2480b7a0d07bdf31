import type { RequestHandler, Response } from 'express';
import { parse as parseCookies } from 'cookie';
import { can, type Action } from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';
import type { AgentDoc } from './agent.model.ts';
import { SESSION_COOKIE, type AgentService } from './agent.service.ts';

export function sessionToken(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? parseCookies(cookieHeader)[SESSION_COOKIE] : undefined;
}

/** Refuses the request unless a signed-in agent (optionally allowed to do `action`) made it. */
export function requireAgent(agents: AgentService, action?: Action): RequestHandler {
  return async (req, res, next) => {
    const agent = await agents.authenticate(sessionToken(req.headers.cookie));
    if (!agent) return next(new AppError('unauthorized', 'Sign in first'));
    if (action && !can(agent.role, action)) return next(new AppError('forbidden', 'Your role does not allow this'));
    res.locals.agent = agent;
    next();
  };
}

export const currentAgent = (res: Response): AgentDoc => res.locals.agent as AgentDoc;
