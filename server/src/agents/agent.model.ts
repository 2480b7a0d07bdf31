import { Schema, type Connection, type Types } from 'mongoose';
import { ESCALATION_LEVELS, ROLES, type AgentDto, type EscalationLevel, type ManagedAgentDto, type Role } from '@kamflo/shared';

export interface AgentDoc {
  _id: Types.ObjectId;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  /** Most live chats at once; routing offers no more. */
  capacity: number;
  /** The escalation level the agent works at (L1 when never set). */
  level?: EscalationLevel;
  /** Set while deactivated: no sign-in, no session (missing on agents never deactivated). */
  deactivatedAt?: Date | null;
  createdAt: Date;
}
export const DEFAULT_CAPACITY = 4;

const agentSchema = new Schema<AgentDoc>(
  {
    email: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    passwordHash: { type: String, required: true },
    capacity: { type: Number, default: DEFAULT_CAPACITY },
    level: { type: String, enum: ESCALATION_LEVELS },
    deactivatedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
agentSchema.index({ email: 1 }, { unique: true });

export function agentModel(conn: Connection) {
  return conn.model<AgentDoc>('Agent', agentSchema, 'agents');
}

export function toAgentDto(a: Pick<AgentDoc, '_id' | 'email' | 'name' | 'role'>): AgentDto {
  return { id: String(a._id), email: a.email, name: a.name, role: a.role };
}

/** What admins see of an agent. */
export function toManagedAgentDto(a: AgentDoc): ManagedAgentDto {
  return {
    ...toAgentDto(a),
    capacity: a.capacity ?? DEFAULT_CAPACITY,
    level: a.level ?? 'L1',
    active: !a.deactivatedAt,
    createdAt: a.createdAt.toISOString(),
  };
}
