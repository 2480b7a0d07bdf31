import { Schema, type Connection, type Types } from 'mongoose';

/**
 * A one-time set-password link (an invitation or a reset). The link holds a random token; only
 * its SHA-256 is stored. Using it deletes it, so it works once.
 */
export interface PasswordLinkDoc {
  _id: string;
  agentId: Types.ObjectId;
  createdAt: Date;
  expiresAt: Date;
}

const passwordLinkSchema = new Schema<PasswordLinkDoc>(
  {
    _id: String,
    agentId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// A new link replaces the agent's earlier ones.
passwordLinkSchema.index({ agentId: 1 });

export function passwordLinkModel(conn: Connection) {
  return conn.model<PasswordLinkDoc>('PasswordLink', passwordLinkSchema, 'agent_password_links');
}
