import { Router } from 'express';
import { z } from 'zod';
import { connectTelegramInput, objectId } from '@kamflo/shared';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { AgentService } from '../agents/agent.service.ts';
import { agentOf } from '../agents/authenticate.ts';
import { AppError } from '../lib/errors.ts';
import { parse } from '../lib/validate.ts';
import type { Telegram } from './telegram/telegram.service.ts';

const admins = { access: 'agent', permission: 'channels.manage', forbidden: 'Only admins connect channels' } as const;

/** Admins connect and disconnect social channels; the providers' webhooks come in here. */
export function socialRoutes(route: DeclareRoute, deps: { telegram: Telegram }) {
  const { telegram } = deps;
  route('GET /api/admin/channels', { summary: 'The connected social channels (never their tokens or secrets)', ...admins, handle: () => telegram.list() });
  route('POST /api/admin/channels/telegram', {
    summary: "Connect a Telegram bot to a site: Kamflo checks the token (getMe) and sets the bot's webhook with a fresh secret token",
    ...admins,
    body: connectTelegramInput,
    status: 201,
    handle: ({ body }) => telegram.connect(body),
  });
  route('DELETE /api/admin/channels/:id', {
    summary: 'Disconnect a social channel (Telegram: deleteWebhook); its conversations and tickets stay',
    ...admins,
    params: { id: objectId },
    handle: async ({ params }) => {
      await telegram.disconnect(params.id);
      return { ok: true as const };
    },
  });
  route('POST /api/channels/messages/:id/retry', {
    summary: 'Send a Failed message of a social conversation again, with a fresh set of attempts (the agent in the chat only)',
    access: 'agent',
    permission: 'chat.handle',
    params: { id: objectId },
    handle: ({ params, agent }) => telegram.retry(agent._id, params.id),
  });
  route('POST /api/channels/telegram/:id/webhook', {
    summary:
      "Telegram's webhook: a missing or wrong X-Telegram-Bot-Api-Secret-Token is 401 and nothing is stored; an update is stored once per message, acknowledged, then processed",
    access: 'public',
    params: { id: z.string().max(40) },
    handle: async ({ req, params }) => {
      const secret = req.headers['x-telegram-bot-api-secret-token'];
      await telegram.receive(params.id, typeof secret === 'string' ? secret : undefined, req.body);
      return { ok: true as const };
    },
  });
}

/** A Telegram message's file for agents (not JSON: linked from SocialAttachmentDto.url), always a download. */
export function socialFileRoutes(deps: { agents: AgentService; telegram: Telegram }) {
  const r = Router();
  r.get('/api/channels/files/:messageId/:index', async (req, res) => {
    await agentOf(deps.agents, req, 'chat.handle');
    const messageId = parse(objectId, req.params.messageId);
    const index = parse(z.coerce.number().int().min(0).max(20), req.params.index);
    const f = await deps.telegram.file(messageId, index);
    if (!f) throw new AppError('not_found', 'No such file');
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${f.name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(f.name)}`,
    );
    const length = f.response.headers.get('content-length');
    if (length) res.setHeader('Content-Length', length);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, no-store');
    res.end(Buffer.from(await f.response.arrayBuffer()));
  });
  return r;
}
