import {
  approveTicketInput,
  assignTicketInput,
  can,
  convertToTicketInput,
  createTicketInput,
  escalateTicketInput,
  needsApprovalInput,
  objectId,
  resolveTicketInput,
  ticketCategoryInput,
  ticketTagsInput,
  ticketListQuery,
  ticketNumberParam,
  ticketPriorityInput,
  ticketStatusInput,
  ticketTextInput,
  timelinePageQuery,
} from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';
import type { DeclareRoute } from '../http/api-routes.ts';
import type { ConversationStore } from '../chats/conversation-store.ts';
import { toConversationDto } from '../chats/conversation.model.ts';
import type { TicketActions } from './ticket-actions.ts';
import type { TicketCounts } from './ticket-counts.ts';
import type { TicketIntake } from './ticket-intake.ts';
import type { TicketQueries } from './ticket-queries.ts';

const byNumber = { number: ticketNumberParam };

export function ticketRoutes(
  route: DeclareRoute,
  deps: { intake: TicketIntake; actions: TicketActions; queries: TicketQueries; counts: TicketCounts; conversations: ConversationStore },
) {
  const { intake, actions, queries, counts, conversations } = deps;
  const agent = { access: 'agent', permission: 'ticket.work' } as const;

  route('GET /api/conversations/:id', {
    summary: 'A conversation, as agents see it',
    ...agent,
    params: { id: objectId },
    handle: async ({ params }) => toConversationDto(await conversations.get(params.id)),
  });

  route('POST /api/conversations/:id/ticket', {
    summary: 'Turn the chat you are in into a ticket',
    ...agent,
    params: { id: objectId },
    body: convertToTicketInput,
    status: 201,
    handle: ({ agent, params, body }) => intake.convertChat(agent, params.id, body),
  });

  route('GET /api/tickets', {
    summary: 'Tickets by SLA risk, filtered',
    ...agent,
    query: ticketListQuery,
    handle: ({ agent, query }) => {
      if (query.queue === 'unaddressed' && !can(agent.role, 'tickets.unaddressed')) {
        throw new AppError('forbidden', 'The unaddressed queue is for team leads and above');
      }
      return queries.list(query);
    },
  });

  route('POST /api/tickets', {
    summary: 'Open a ticket for a customer, by email',
    ...agent,
    body: createTicketInput,
    status: 201,
    handle: ({ agent, body }) => intake.createForCustomer(agent, body),
  });

  route('GET /api/tickets/:number', {
    summary: 'A ticket with its transcript and history',
    ...agent,
    params: byNumber,
    handle: ({ params }) => queries.get(params.number),
  });

  route('GET /api/tickets/:number/events', {
    summary: "A page of the ticket's history, by seq",
    ...agent,
    params: byNumber,
    query: timelinePageQuery,
    handle: ({ params, query }) => queries.events(params.number, query.after, query.limit),
  });

  route('GET /api/tickets/:number/transcript', {
    summary: "A page of the ticket's chat transcript, by seq",
    ...agent,
    params: byNumber,
    query: timelinePageQuery,
    handle: ({ params, query }) => queries.transcript(params.number, query.after, query.limit),
  });

  route('POST /api/tickets/:number/replies', {
    summary: 'Reply to the customer',
    ...agent,
    params: byNumber,
    body: ticketTextInput,
    status: 201,
    handle: ({ agent, params, body }) => actions.reply(agent, params.number, body.text),
  });

  route('POST /api/tickets/:number/notes', {
    summary: 'Add an internal note',
    ...agent,
    params: byNumber,
    body: ticketTextInput,
    status: 201,
    handle: ({ agent, params, body }) => actions.note(agent, params.number, body.text),
  });

  route('POST /api/tickets/:number/resolve', {
    summary: 'Resolve, sending the closing message',
    ...agent,
    params: byNumber,
    body: resolveTicketInput,
    handle: ({ agent, params, body }) => actions.resolve(agent, params.number, body.closingMessage),
  });

  route('POST /api/tickets/:number/status', {
    summary: 'Change the status (not to resolved)',
    ...agent,
    params: byNumber,
    body: ticketStatusInput,
    handle: ({ agent, params, body }) => actions.setStatus(agent, params.number, body.to, body.reason),
  });

  route('POST /api/tickets/:number/assign', {
    summary: 'Take the ticket, or reassign it',
    ...agent,
    params: byNumber,
    body: assignTicketInput,
    handle: ({ agent, params, body }) => actions.assign(agent, params.number, body.agentId),
  });

  route('POST /api/tickets/:number/priority', {
    summary: 'Change the priority (the SLA counts from creation)',
    ...agent,
    params: byNumber,
    body: ticketPriorityInput,
    handle: ({ agent, params, body }) => actions.setPriority(agent, params.number, body.priority),
  });

  route('POST /api/tickets/:number/category', {
    summary: 'Change the category',
    ...agent,
    params: byNumber,
    body: ticketCategoryInput,
    handle: ({ agent, params, body }) => actions.setCategory(agent, params.number, body.category),
  });

  route('POST /api/tickets/:number/tags', {
    summary: 'Add and remove tags',
    ...agent,
    params: byNumber,
    body: ticketTagsInput,
    handle: ({ agent, params, body }) => actions.setTags(agent, params.number, body),
  });

  route('POST /api/tickets/:number/escalate', {
    summary: "Escalate one level with the handbook's checklist",
    ...agent,
    params: byNumber,
    body: escalateTicketInput,
    // The handbook's checklist: name everything that is missing at once.
    badBody: (issues) => `Can't escalate yet. Missing: ${issues.map((i) => i.message).join('; ')}`,
    handle: ({ agent, params, body }) => actions.escalate(agent, params.number, body),
  });

  route('POST /api/tickets/:number/needs-approval', {
    summary: "Resolving waits for a manager's approval",
    ...agent,
    params: byNumber,
    body: needsApprovalInput,
    handle: ({ agent, params, body }) => actions.requestApproval(agent, params.number, body.reason),
  });

  route('POST /api/tickets/:number/approve', {
    summary: 'Approve (managers and admins)',
    access: 'agent',
    permission: 'ticket.approve',
    forbidden: 'Only managers and admins approve',
    params: byNumber,
    // The note is optional, and so is the body.
    body: approveTicketInput.default({}),
    handle: ({ agent, params, body }) => actions.approve(agent, params.number, body.note),
  });

  route('GET /api/dashboard', {
    summary: 'Ticket counts for the dashboard',
    ...agent,
    handle: () => counts.counts(),
  });

  route('GET /api/dashboard/weekly', {
    summary: 'Opened vs resolved per ISO week, last 8 weeks',
    ...agent,
    handle: () => counts.weekly(),
  });

  route('GET /api/admin/tickets/:number/verify', {
    summary: "Recompute a ticket's hash chain",
    access: 'agent',
    permission: 'audit.verify',
    params: byNumber,
    handle: ({ params }) => queries.verify(params.number),
  });
}
