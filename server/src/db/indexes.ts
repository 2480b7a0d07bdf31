import type { Connection } from 'mongoose';
import { agentModel } from '../agents/agent.model.ts';
import { sessionModel } from '../agents/session.model.ts';
import { conversationModel, openClaimModel } from '../chats/conversation.model.ts';
import { messageModel } from '../chats/message.model.ts';
import { ticketEventModel, ticketModel, ticketTranscriptModel } from '../tickets/ticket.model.ts';
import { ticketTermModel } from '../tickets/ticket-search.ts';
import { savedViewModel } from '../tickets/saved-views.ts';
import { followUpModel } from '../tickets/ticket-follow-ups.ts';
import { agentAuditModel } from '../agents/agent-audit.model.ts';
import { counterModel } from './counters.ts';
import { settingModel } from './settings.ts';
import { claimModel } from './claims.ts';
import { migrationModel } from './migrations.ts';
import { tallyModel } from '../tickets/ticket-tallies.ts';
import { siteModel } from '../sites/site.service.ts';
import { visitorProfileModel } from '../visitors/identity.ts';
import { notificationModel } from '../notifications/notification.model.ts';
import { presenceModel } from '../agents/presence.model.ts';
import { markModel } from '../chats/marks.model.ts';
import { deliveryModel } from '../channels/delivery.model.ts';
import { inboundEmailModel } from '../email/email.model.ts';
import { attachmentChunksModel, attachmentFilesModel } from '../email/attachments.ts';
import { webhookModels } from '../webhooks/webhook.model.ts';
import { apiTokenModels } from '../api-tokens/api-token.model.ts';
import { articleModel, feedbackModel, hcSettingsModel, revisionModel, slugModel } from '../helpcenter/article.model.ts';
import { socialConnectionModel, socialInboundModel } from '../social/social.model.ts';

/**
 * Create every collection and index before serving. The unique indexes carry our invariants
 * (one message per clientId, one ticket per number, one open chat per visitor), so they must
 * exist before the first write. Only what is missing is created: on a restart under load no DDL
 * runs at all (FerretDB 1.x can stall when schema changes meet heavy traffic), and creating
 * collections up front avoids racing creations, which FerretDB reports as errors.
 */
export async function syncIndexes(conn: Connection): Promise<void> {
  const models = kamfloModels(conn);
  const existing = new Set((await conn.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const model of models) {
    if (!existing.has(model.collection.collectionName)) {
      await model.createCollection().catch((e) => {
        if (e?.codeName !== 'NamespaceExists' && e?.code !== 48) throw e;
      });
    }
    const have = new Set((await model.collection.indexes()).map((i) => JSON.stringify(i.key)));
    for (const [fields, options] of model.schema.indexes()) {
      if (!have.has(JSON.stringify(fields))) await model.collection.createIndex(fields as Record<string, 1 | -1>, options as Record<string, unknown>);
    }
  }
}

/** Every collection Kamflo keeps, with its declared indexes (syncIndexes, ferretdb-indexes.ts). */
export function kamfloModels(conn: Connection) {
  return [
    agentModel(conn),
    sessionModel(conn),
    conversationModel(conn),
    openClaimModel(conn),
    messageModel(conn),
    ticketModel(conn),
    ticketEventModel(conn),
    ticketTranscriptModel(conn),
    ticketTermModel(conn),
    savedViewModel(conn),
    counterModel(conn),
    settingModel(conn),
    claimModel(conn),
    migrationModel(conn),
    tallyModel(conn),
    siteModel(conn),
    visitorProfileModel(conn),
    notificationModel(conn),
    presenceModel(conn),
    markModel(conn),
    deliveryModel(conn),
    inboundEmailModel(conn),
    attachmentFilesModel(conn),
    attachmentChunksModel(conn),
    articleModel(conn),
    revisionModel(conn),
    slugModel(conn),
    feedbackModel(conn),
    hcSettingsModel(conn),
    apiTokenModels(conn).Token,
    apiTokenModels(conn).Use,
    webhookModels(conn).Webhook,
    webhookModels(conn).WebhookDelivery,
    followUpModel(conn),
    agentAuditModel(conn),
    socialConnectionModel(conn),
    socialInboundModel(conn),
  ];
}
