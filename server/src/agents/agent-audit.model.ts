import { Schema, type Connection, type Types } from 'mongoose';
import type { AgentAuditEntryDto } from '@kamflo/shared';

/**
 * One change to an agent's account, by whom: invitations, edits, deactivation, password resets
 * and set-password uses, own password changes. Written alongside the log line, read newest first.
 */
export interface AgentAuditDoc {
  _id: Types.ObjectId;
  at: Date;
  action: AgentAuditEntryDto['action'];
  /** Who did it: an admin, or the agent themselves (a password set by link or changed). */
  actorId?: string;
  actorEmail?: string;
  agentId: Types.ObjectId;
  agentEmail: string;
  /** What changed (new values; never a password or a link). */
  change?: Record<string, string | number>;
}

const auditSchema = new Schema<AgentAuditDoc>(
  {
    at: { type: Date, required: true },
    action: { type: String, required: true },
    actorId: String,
    actorEmail: String,
    agentId: { type: Schema.Types.ObjectId, required: true },
    agentEmail: String,
    change: Schema.Types.Mixed,
  },
  { versionKey: false },
);
auditSchema.index({ at: -1 });

export function agentAuditModel(conn: Connection) {
  return conn.model<AgentAuditDoc>('AgentAudit', auditSchema, 'agent_audit');
}

export const toAgentAuditEntryDto = (d: AgentAuditDoc): AgentAuditEntryDto => ({
  id: String(d._id),
  at: d.at.toISOString(),
  action: d.action,
  ...(d.actorId ? { actor: { id: d.actorId, email: d.actorEmail ?? '' } } : {}),
  agent: { id: String(d.agentId), email: d.agentEmail },
  ...(d.change && Object.keys(d.change).length ? { change: d.change } : {}),
});
