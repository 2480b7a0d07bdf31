import { Schema, type Connection, type Types } from 'mongoose';
import { ROLES, type AgentDto, type Role } from '@kamflo/shared';

export interface AgentDoc {
  _id: Types.ObjectId;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  /** Most live chats at once; routing offers no more. */
  capacity: number;
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
