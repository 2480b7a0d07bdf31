import { Router } from 'express';
import {
  TICKET_STATUSES,
  convertToTicketInput,
  objectId,
  resolveTicketInput,
  ticketNumberParam,
  ticketTextInput,
} from '@kamflo/shared';
import { z } from 'zod';
import { parse } from '../lib/validate.ts';
import { currentAgent, requireAgent } from '../agents/auth.middleware.ts';
import type { AgentService } from '../agents/agent.service.ts';
import type { ChatService } from '../chats/chat.service.ts';
import { toConversationDto } from '../chats/conversation.model.ts';
import type { TicketService } from './ticket.service.ts';

const listQuery = z.object({ status: z.enum(TICKET_STATUSES).optional() });

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
    res.json(await tickets.list(parse(listQuery, req.query)));
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

  r.get('/api/dashboard', async (_req, res) => {
    res.json(await tickets.counts());
  });

  return r;
}
