import { Router, type Request } from 'express';
import { Types, type Connection } from 'mongoose';
import { z } from 'zod';
import { deliveryIdParam, emailSettingsInput, objectId, ticketNumberParam } from '@kamflo/shared';
import { parse } from '../lib/validate.ts';
import { AppError } from '../lib/errors.ts';
import { agentOf } from '../agents/authenticate.ts';
import type { AgentService } from '../agents/agent.service.ts';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { Channels } from '../channels/channels.ts';
import { toDeliveryDto } from '../channels/delivery.model.ts';
import type { TicketStore } from '../tickets/ticket-store.ts';
import type { EmailService } from './email.service.ts';
import { inboundEmailModel } from './email.model.ts';
import { renderStoredHtml } from './sanitize.ts';

/** Email settings and delivery retries (JSON routes of HttpApi). */
export function emailRoutes(route: DeclareRoute, deps: { email: EmailService; channels: Channels; store: TicketStore }) {
  const { email, channels, store } = deps;

  route('GET /api/settings/email', {
    summary: 'The email channel: whether each direction is connected, the acknowledgement switch, limits',
    access: 'agent',
    permission: 'ticket.work',
    handle: () => email.status(),
  });
  route('PUT /api/settings/email', {
    summary: 'Switch the acknowledgement of new email tickets (admins)',
    access: 'agent',
    permission: 'sla.configure',
    body: emailSettingsInput,
    handle: async ({ body }) => {
      await email.setAcknowledge(body.acknowledge);
      return email.status();
    },
  });
  route('POST /api/tickets/:number/deliveries/:id/retry', {
    summary: 'Send a failed delivery again',
    access: 'agent',
    permission: 'ticket.work',
    params: { number: ticketNumberParam, id: deliveryIdParam },
    handle: async ({ params }) => {
      const t = await store.findByNumber(params.number);
      if (!params.id.startsWith(`${t._id}:`)) throw new AppError('not_found', `No such delivery on ticket #${params.number}`);
      return toDeliveryDto(await channels.outbox.retry(params.id));
    },
  });
}

const inboundEmailIdParam = z.string().regex(/^(mid:<[^<>\s]{1,900}>|sha256:[0-9a-f]{64})$/, 'must be an email id');

/**
 * The two agent routes that answer with something other than JSON, linked from DTOs:
 * attachment downloads and the framed HTML of inbound mail.
 */
export function emailDocumentRoutes(deps: { conn: Connection; agents: AgentService; email: EmailService }) {
  const { email } = deps;
  const Inbound = inboundEmailModel(deps.conn);
  const r = Router();
  const work = (req: Request) => agentOf(deps.agents, req, 'ticket.work');

  // Always a download: the stored type is only a label, never trusted to render.
  r.get('/api/attachments/:id', async (req, res) => {
    await work(req);
    const id = new Types.ObjectId(parse(objectId, req.params.id));
    const info = await email.attachments.info(id);
    if (!info) throw new AppError('not_found', 'No such attachment');
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${info.name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(info.name)}`,
    );
    res.setHeader('Content-Length', String(info.size));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, no-store');
    const stream = email.attachments.open(id);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  });

  // The sanitized HTML of an inbound mail as its own document, for a sandboxed frame in the
  // console: sanitized again on the way out, no script can run (CSP sandbox), and remote images
  // load only with ?remote=1 (the agent's click).
  r.get('/api/tickets/:number/emails/:id/html', async (req, res) => {
    await work(req);
    const number = parse(ticketNumberParam, req.params.number);
    const e = await Inbound.findById(parse(inboundEmailIdParam, req.params.id)).lean();
    if (!e || e.ticketNumber !== number || !e.html) throw new AppError('not_found', 'No HTML for this email');
    const remote = req.query.remote === '1';
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'none'; img-src data:${remote ? ' https: http:' : ''}; style-src 'unsafe-inline'; sandbox allow-popups allow-popups-to-escape-sandbox; frame-ancestors 'self'`,
    );
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'private, no-store');
    res.send(
      `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>body{font:14px/1.5 system-ui,sans-serif;margin:8px;color:#111;word-wrap:break-word}img{max-width:100%}</style></head><body>${renderStoredHtml(e.html, remote)}</body></html>`,
    );
  });

  return r;
}
