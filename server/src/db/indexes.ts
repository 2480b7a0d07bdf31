import type { Connection } from 'mongoose';
import { agentModel } from '../agents/agent.model.ts';
import { sessionModel } from '../agents/session.model.ts';
import { conversationModel, openClaimModel } from '../chats/conversation.model.ts';
import { messageModel } from '../chats/message.model.ts';
import { ticketModel } from '../tickets/ticket.model.ts';
import { counterModel } from './counters.ts';
import { settingModel } from './settings.ts';
import { claimModel } from './claims.ts';

/**
 * Create every collection and index before serving. The unique indexes carry our invariants
 * (one message per clientId, one ticket per number, one open chat per visitor), so they must
 * exist before the first write. Creating collections up front also avoids racing creations,
 * which FerretDB reports as errors.
 */
export async function syncIndexes(conn: Connection): Promise<void> {
  for (const model of [agentModel(conn), sessionModel(conn), conversationModel(conn), openClaimModel(conn), messageModel(conn), ticketModel(conn), counterModel(conn), settingModel(conn), claimModel(conn)]) {
    await model.createCollection().catch((e) => {
      if (e?.codeName !== 'NamespaceExists' && e?.code !== 48) throw e;
    });
    await model.createIndexes();
  }
}
