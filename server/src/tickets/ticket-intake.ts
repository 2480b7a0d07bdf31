import { Types } from 'mongoose';
import {
  DEFAULT_SITE,
  SOURCE_LABELS,
  type ConvertToTicketInput,
  type CreateTicketInput,
  type HelpCenterRequestInput,
  type LeaveMessageInput,
  type TicketDto,
} from '@kamflo/shared';
import { publicArticlePath } from '../helpcenter/article.service.ts';
import { AppError } from '../lib/errors.ts';
import type { Claims } from '../db/claims.ts';
import type { VisitorIdentity } from '../visitors/visitor-token.ts';
import type { ChatService } from '../chats/chat.service.ts';
import type { ConversationDoc } from '../chats/conversation.model.ts';
import type { ConversationGuard, ConversationStore } from '../chats/conversation-store.ts';
import { toTicketDto, type TicketDoc, type TranscriptLine } from './ticket.model.ts';
import { isTokenActor } from '../api-tokens/api-token.service.ts';
import { agentActor, type NewTicket, type TicketAgent, type TicketStore } from './ticket-store.ts';

/** Where tickets come from: a live chat, a message left in the widget, the Help Center, an agent. */
export function createTicketIntake(deps: { store: TicketStore; conversations: ConversationStore; chats: ChatService; claims: Claims }) {
  const { store, conversations, chats, claims } = deps;

  async function transcriptOf(conversationId: Types.ObjectId): Promise<TranscriptLine[]> {
    const messages = await conversations.messagesAfter(conversationId, 0);
    return messages.map((m) => ({
      seq: m.seq,
      author: m.author,
      ...(m.authorName ? { authorName: m.authorName } : {}),
      text: m.text,
      at: m.createdAt,
    }));
  }

  /**
   * Turn a conversation into a ticket. The `convert:<conversation>` claim comes first, so two
   * clicks or two agents make one ticket; `guard` says which state the chat must still be in.
   */
  async function fromConversation(
    conv: ConversationDoc,
    guard: Omit<ConversationGuard, '_id'>,
    t: Omit<NewTicket, 'transcript' | '_id' | 'conversationId' | 'site' | 'visitorId'>,
  ): Promise<TicketDoc> {
    if (!(await claims.take(`convert:${conv._id}`, 'ticket'))) {
      const now = await conversations.get(conv._id);
      throw new AppError('conflict', now.ticketNumber ? `This chat is already ticket #${now.ticketNumber}` : 'This chat is already becoming a ticket');
    }
    const claimed = await conversations.findGuarded({ _id: conv._id, ...guard });
    if (!claimed) {
      await claims.release(`convert:${conv._id}`);
      const now = await conversations.get(conv._id);
      throw new AppError('conflict', `A ${now.status} chat can't become a ticket here`);
    }
    const ticketId = new Types.ObjectId();
    const ticket = await store.insert({
      ...t,
      _id: ticketId,
      conversationId: conv._id,
      site: conv.site,
      visitorId: conv.visitorId,
      transcript: await transcriptOf(conv._id),
    });
    await chats.markConverted(claimed, { id: ticket._id, number: ticket.number });
    return ticket;
  }

  async function convertChat(agent: TicketAgent, conversationId: string, input: ConvertToTicketInput): Promise<TicketDto> {
    const conv = await conversations.get(conversationId);
    if (String(conv.assignee) !== String(agent._id)) throw new AppError('forbidden', 'Only the agent in this chat can convert it');
    const ticket = await fromConversation(
      conv,
      { assignee: agent._id, status: 'active' },
      {
        subject: input.subject,
        priority: input.priority,
        category: input.category,
        // A social conversation keeps its channel as the ticket's source (the widget channel then leaves it to that one).
        source: conv.channel ?? 'chat_widget',
        requester: { name: conv.visitorName },
        assignee: agent,
        created: {
          type: 'created',
          visibility: 'public',
          ...agentActor(agent),
          text: conv.channel
            ? `Converted from a ${SOURCE_LABELS[conv.channel]} chat with ${conv.visitorName}${conv.handle ? ` (${conv.handle})` : ''}`
            : `Converted from a live chat with ${conv.visitorName}`,
        },
      },
    );
    return toTicketDto(ticket);
  }

  /** No one could take the chat: the visitor leaves a message, and it becomes a ticket with the transcript. */
  async function leaveMessage(v: VisitorIdentity, input: LeaveMessageInput): Promise<{ ticketNumber: number }> {
    let convId = input.conversationId ?? String((await conversations.openConversationId(v.site, v.visitorId)) ?? '');
    if (!convId) {
      const started = await chats.start(v, { clientId: `leave_${new Types.ObjectId()}`, text: input.text, ...(input.name ? { name: input.name } : {}) });
      convId = started.conversation.id;
    } else {
      const { conv, message } = await chats.appendMessage(
        { _id: new Types.ObjectId(convId), visitorId: v.visitorId, site: v.site, status: { $in: ['queued', 'offered'] } },
        { clientId: `leave_${new Types.ObjectId()}`, author: 'visitor', text: input.text },
      );
      chats.deliver(conv, message);
    }
    const conv = await conversations.get(convId);
    const ticket = await fromConversation(
      conv,
      { visitorId: v.visitorId, site: v.site, status: { $in: ['queued', 'offered'] } },
      {
        subject: firstLine(conv.firstMessage),
        priority: 'medium',
        category: 'general',
        source: 'chat_widget',
        requester: { name: input.name ?? conv.visitorName, email: input.email },
        created: {
          type: 'created',
          visibility: 'public',
          actorKind: 'customer',
          actorName: input.name ?? conv.visitorName,
          text: 'Left a message: no agent was available',
        },
      },
    );
    return { ticketNumber: ticket.number };
  }

  /** Help Center request. With a visitor token, replies also reach that visitor's widget. */
  async function fromHelpCenter(input: HelpCenterRequestInput, v: VisitorIdentity | null): Promise<{ ticketNumber: number }> {
    const ticket = await store.insert({
      subject: input.subject,
      priority: 'medium',
      category: input.category ?? 'general',
      source: 'help_center',
      requester: { name: input.name, email: input.email },
      ...(v ? { site: v.site, visitorId: v.visitorId } : {}),
      transcript: [],
      created: {
        type: 'created',
        visibility: 'public',
        actorKind: 'customer',
        actorName: input.name,
        text: input.message,
        // Which article the visitor read and which search led here (the Help Center's reports).
        // The console links the article's public page (articleUrl).
        ...(input.article || input.searchId
          ? {
              data: {
                ...(input.article ? { article: input.article, articleUrl: publicArticlePath(v?.site ?? input.site ?? DEFAULT_SITE, input.article) } : {}),
                ...(input.searchId ? { searchId: input.searchId } : {}),
              },
            }
          : {}),
      },
    });
    return { ticketNumber: ticket.number };
  }

  /** A new support email: a ticket from the sender, Medium priority, the SLA counted from now. Its id comes from the mail, so a repeat finds it. */
  async function fromEmail(input: {
    _id: Types.ObjectId;
    subject: string;
    requester: { name?: string; email: string };
    text: string;
    emailKey: string;
  }): Promise<TicketDoc> {
    return store.insert({
      _id: input._id,
      subject: input.subject,
      priority: 'medium',
      category: 'general',
      source: 'email',
      requester: input.requester,
      transcript: [],
      created: {
        type: 'created',
        visibility: 'public',
        actorKind: 'customer',
        ...(input.requester.name ? { actorName: input.requester.name } : {}),
        text: input.text,
        data: { email: input.emailKey },
        key: `email:${input.emailKey}`,
      },
    });
  }

  /** An agent opens a ticket for a customer, by email (source "agent"); it is theirs. */
  async function createForCustomer(agent: TicketAgent, input: CreateTicketInput): Promise<TicketDto> {
    const t = await store.insert({
      subject: input.subject,
      priority: input.priority,
      category: input.category,
      source: 'agent',
      requester: { ...(input.requesterName ? { name: input.requesterName } : {}), email: input.requesterEmail },
      // A ticket an API token opens is nobody's until someone takes it.
      ...(isTokenActor(agent) ? {} : { assignee: agent }),
      transcript: [],
      created: { type: 'created', visibility: 'public', ...agentActor(agent), text: input.message },
    });
    return toTicketDto(t);
  }

  return { convertChat, leaveMessage, fromHelpCenter, fromEmail, createForCustomer };
}
export type TicketIntake = ReturnType<typeof createTicketIntake>;

function firstLine(text: string): string {
  const line = text.split('\n')[0]!.trim();
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}
