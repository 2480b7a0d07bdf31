import { Schema, type Connection, type Types } from 'mongoose';
import { ROLES, type AgentDto, type Role } from '@kamflo/shared';

export interface AgentDoc {
  _id: Types.ObjectId;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
}

const agentSchema = new Schema<AgentDoc>(
  {
    email: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    passwordHash: { type: String, required: true },
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
