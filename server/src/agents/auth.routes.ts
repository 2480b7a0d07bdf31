import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { createAgentInput, signInInput } from '@kamflo/shared';
import { parse } from '../lib/validate.ts';
import { AppError } from '../lib/errors.ts';
import { SESSION_COOKIE, type AgentService } from './agent.service.ts';
import { currentAgent, requireAgent, sessionToken } from './auth.middleware.ts';
import { toAgentDto } from './agent.model.ts';

export function authRoutes(agents: AgentService, opts: { cookieSecure: boolean; signInRateLimit: number }) {
  const r = Router();
  const signInLimiter = rateLimit({
    windowMs: 60_000,
    limit: opts.signInRateLimit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new AppError('rate_limited', 'Too many sign-in attempts; wait a minute')),
  });

  r.post('/api/auth/sign-in', signInLimiter, async (req, res) => {
    const input = parse(signInInput, req.body);
    const { agent, token, expiresAt } = await agents.signIn(input.email, input.password);
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.cookieSecure,
      path: '/',
      expires: expiresAt,
    });
    res.json(agent);
  });

  r.post('/api/auth/sign-out', async (req, res) => {
    const token = sessionToken(req.headers.cookie);
    if (token) await agents.signOut(token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.json({ ok: true });
  });

  r.get('/api/auth/me', requireAgent(agents), (_req, res) => {
    res.json(toAgentDto(currentAgent(res)));
  });

  r.get('/api/agents', requireAgent(agents), async (_req, res) => {
    res.json(await agents.listAgents());
  });

  r.post('/api/agents', requireAgent(agents, 'agents.manage'), async (req, res) => {
    res.status(201).json(await agents.createAgent(parse(createAgentInput, req.body)));
  });

  return r;
}
