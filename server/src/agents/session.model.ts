import { Schema, type Connection, type Types } from 'mongoose';

/** A signed-in console. The cookie holds a random token; only its SHA-256 is stored. */
export interface SessionDoc {
  _id: string;
  agentId: Types.ObjectId;
  createdAt: Date;
  expiresAt: Date;
}

const sessionSchema = new Schema<SessionDoc>(
  {
    _id: String,
    agentId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// No TTL index (FerretDB 1.x has none): expired sessions are refused on read and swept at start.
sessionSchema.index({ expiresAt: 1 });
// Revoking every session of an agent (sign-out everywhere, password change, deactivation).
sessionSchema.index({ agentId: 1 });

export function sessionModel(conn: Connection) {
  return conn.model<SessionDoc>('Session', sessionSchema, 'sessions');
}
