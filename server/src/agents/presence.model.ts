import { Schema, type Connection, type Types } from 'mongoose';
import { ROLES, type Role } from '@kamflo/shared';

/**
 * One agent's consoles on one server process. Each process writes only its own documents, so
 * processes never race on a document (FerretDB 1.x updates are read-then-write); readers merge
 * the documents of every process whose heartbeat is fresh.
 */
export interface PresenceDoc {
  /** `<agentId>:<processId>` */
  _id: string;
  agentId: Types.ObjectId;
  processId: string;
  name: string;
  role: Role;
  capacity: number;
  /** Agent-wide: every process's document for the agent carries the same value. */
  status: 'online' | 'away';
  /** Console connections to this process. */
  sockets: number;
  /** With no console connected, the agent stays present until then (a reload keeps their place). */
  graceUntil: Date | null;
  /** When this agent last got a chat: longest idle first among equals. */
  lastAssignedAt: Date | null;
  /** Written by the owning process every few seconds; a killed process's documents go stale. */
  heartbeatAt: Date;
}

const presenceSchema = new Schema<PresenceDoc>(
  {
    _id: { type: String, required: true },
    agentId: { type: Schema.Types.ObjectId, required: true },
    processId: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    capacity: { type: Number, required: true },
    status: { type: String, enum: ['online', 'away'], required: true },
    sockets: { type: Number, required: true },
    graceUntil: { type: Date, default: null },
    lastAssignedAt: { type: Date, default: null },
    heartbeatAt: { type: Date, required: true },
  },
  { versionKey: false },
);
presenceSchema.index({ processId: 1 });
presenceSchema.index({ agentId: 1 });

export function presenceModel(conn: Connection) {
  return conn.model<PresenceDoc>('AgentPresence', presenceSchema, 'agent_presence');
}
