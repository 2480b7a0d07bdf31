import { Router } from 'express';
import {
  approveTicketInput,
  assignTicketInput,
  can,
  createTicketInput,
  escalateTicketInput,
  needsApprovalInput,
  ticketCategoryInput,
  ticketListQuery,
  ticketPriorityInput,
  ticketStatusInput,
  convertToTicketInput,
  objectId,
  resolveTicketInput,
  ticketNumberParam,
  ticketTextInput,
} from '@kamflo/shared';
import { parse } from '../lib/validate.ts';
import { AppError } from '../lib/errors.ts';
import { currentAgent, requireAgent } from '../agents/auth.middleware.ts';
import type { AgentService } from '../agents/agent.service.ts';
import type { ChatService } from '../chats/chat.service.ts';
import { toConversationDto } from '../chats/conversation.model.ts';
import type { TicketService } from './ticket.service.ts';

export function ticketRoutes(deps: { agents: AgentService; tickets: TicketService; chats: ChatService }) {
  const { tickets, chats } = deps;
  const r = Router();
  r.use(['/api/tickets', '/api/conversations', '/api/dashboard'], requireAgent(deps.agents, 'ticket.work'));

  r.get('/api/conversations/:id', async (req, res) => {
    res.json(toConversationDto(await chats.getConversation(parse(objectId, req.params.id))));
  });

  r.post('/api/conversations/:id/ticket', async (req, res) => {
    const id = parse(objectId, req.params.id);
    res.status(201).json(await tickets.convertChat(currentAgent(res), id, parse(convertToTicketInput, req.body)));
  });

  r.get('/api/tickets', async (req, res) => {
    const query = parse(ticketListQuery, req.query);
    if (query.queue === 'unaddressed' && !can(currentAgent(res).role, 'tickets.unaddressed')) {
      throw new AppError('forbidden', 'The unaddressed queue is for team leads and above');
    }
    res.json(await tickets.list(query));
  });

  r.post('/api/tickets', async (req, res) => {
    res.status(201).json(await tickets.createForCustomer(currentAgent(res), parse(createTicketInput, req.body)));
  });

  r.get('/api/tickets/:number', async (req, res) => {
    res.json(await tickets.get(parse(ticketNumberParam, req.params.number)));
  });

  r.post('/api/tickets/:number/replies', async (req, res) => {
    const number = parse(ticketNumberParam, req.params.number);
    res.status(201).json(await tickets.reply(currentAgent(res), number, parse(ticketTextInput, req.body).text));
  });

  r.post('/api/tickets/:number/notes', async (req, res) => {
    const number = parse(ticketNumberParam, req.params.number);
    res.status(201).json(await tickets.note(currentAgent(res), number, parse(ticketTextInput, req.body).text));
  });

  r.post('/api/tickets/:number/resolve', async (req, res) => {
    const number = parse(ticketNumberParam, req.params.number);
    res.json(await tickets.resolve(currentAgent(res), number, parse(resolveTicketInput, req.body).closingMessage));
  });

  r.post('/api/tickets/:number/status', async (req, res) => {
    const number = parse(ticketNumberParam, req.params.number);
    const input = parse(ticketStatusInput, req.body);
    res.json(await tickets.setStatus(currentAgent(res), number, input.to, input.reason));
  });

  r.post('/api/tickets/:number/assign', async (req, res) => {
    const number = parse(ticketNumberParam, req.params.number);
    res.json(await tickets.assign(currentAgent(res), number, parse(assignTicketInput, req.body).agentId));
  });

  r.post('/api/tickets/:number/priority', async (req, res) => {
    const number = parse(ticketNumberParam, req.params.number);
    res.json(await tickets.setPriority(currentAgent(res), number, parse(ticketPriorityInput, req.body).priority));
  });

  r.post('/api/tickets/:number/category', async (req, res) => {
    const number = parse(ticketNumberParam, req.params.number);
    res.json(await tickets.setCategory(currentAgent(res), number, parse(ticketCategoryInput, req.body).category));
  });

  r.post('/api/tickets/:number/escalate', async (req, res) => {
    const number = parse(ticketNumberParam, req.params.number);
    const result = escalateTicketInput.safeParse(req.body);
    if (!result.success) {
      // The handbook's checklist: name everything that is missing at once.
      const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(input)', message: i.message }));
      throw new AppError('bad_request', `Can't escalate yet. Missing: ${issues.map((i) => i.message).join('; ')}`, issues);
    }
    res.json(await tickets.escalate(currentAgent(res), number, result.data));
  });

  r.post('/api/tickets/:number/needs-approval', async (req, res) => {
    const number = parse(ticketNumberParam, req.params.number);
    res.json(await tickets.requestApproval(currentAgent(res), number, parse(needsApprovalInput, req.body).reason));
  });

  r.post('/api/tickets/:number/approve', async (req, res) => {
    const number = parse(ticketNumberParam, req.params.number);
    if (!can(currentAgent(res).role, 'ticket.approve')) throw new AppError('forbidden', 'Only managers and admins approve');
    res.json(await tickets.approve(currentAgent(res), number, parse(approveTicketInput, req.body ?? {}).note));
  });

  r.get('/api/dashboard', async (_req, res) => {
    res.json(await tickets.counts());
  });

  r.get('/api/dashboard/weekly', async (_req, res) => {
    res.json(await tickets.weekly());
  });

  r.get('/api/admin/tickets/:number/verify', requireAgent(deps.agents, 'audit.verify'), async (req, res) => {
    res.json(await tickets.verify(parse(ticketNumberParam, req.params.number)));
  });

  return r;
}
