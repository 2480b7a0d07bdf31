import { Router } from 'express';
import { alertRulesInput, slaSettingsInput } from '@kamflo/shared';
import { parse } from '../lib/validate.ts';
import { requireAgent } from '../agents/auth.middleware.ts';
import type { AgentService } from '../agents/agent.service.ts';
import type { SettingsService } from './settings.service.ts';

/** Any agent may read the settings; changing them needs sla.configure (admins). */
export function settingsRoutes(deps: { agents: AgentService; settings: SettingsService }) {
  const { settings } = deps;
  const r = Router();
  const read = requireAgent(deps.agents, 'ticket.work');
  const configure = requireAgent(deps.agents, 'sla.configure');

  r.get('/api/settings/sla', read, async (_req, res) => {
    res.json(await settings.getSla());
  });
  r.put('/api/settings/sla', configure, async (req, res) => {
    res.json(await settings.setSla(parse(slaSettingsInput, req.body)));
  });
  r.get('/api/settings/alert-rules', read, async (_req, res) => {
    res.json({ rules: await settings.getAlertRules() });
  });
  r.put('/api/settings/alert-rules', configure, async (req, res) => {
    res.json({ rules: await settings.setAlertRules(parse(alertRulesInput, req.body)) });
  });
  return r;
}
