import { Router } from 'express';
import { objectId } from '@kamflo/shared';
import { parse } from '../lib/validate.ts';
import { currentAgent, requireAgent } from '../agents/auth.middleware.ts';
import type { AgentService } from '../agents/agent.service.ts';
import type { NotificationService } from './notification.service.ts';

export function notificationRoutes(deps: { agents: AgentService; notifications: NotificationService }) {
  const { notifications } = deps;
  const r = Router();
  r.use('/api/notifications', requireAgent(deps.agents));
  r.get('/api/notifications', async (_req, res) => {
    res.json(await notifications.list(String(currentAgent(res)._id)));
  });
  r.post('/api/notifications/:id/read', async (req, res) => {
    res.json(await notifications.markRead(String(currentAgent(res)._id), parse(objectId, req.params.id)));
  });
  return r;
}
