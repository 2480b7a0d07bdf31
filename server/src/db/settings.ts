import crypto from 'node:crypto';
import { Schema, type Connection } from 'mongoose';

interface SettingDoc {
  _id: string;
  value: unknown;
}
const settingSchema = new Schema<SettingDoc>({ _id: String, value: Schema.Types.Mixed }, { versionKey: false });

export function settingModel(conn: Connection) {
  return conn.model<SettingDoc>('Setting', settingSchema, 'settings');
}

/**
 * The secret that signs visitor tokens. Generated once and kept in the database, so every
 * server process on the same database, and every restart, accepts the same tokens.
 */
export async function loadSigningSecret(conn: Connection, configured?: string): Promise<string> {
  if (configured) return configured;
  const Setting = settingModel(conn);
  const fresh = crypto.randomBytes(32).toString('base64url');
  await Setting.updateOne({ _id: 'visitorTokenSecret' }, { $setOnInsert: { value: fresh } }, { upsert: true }).catch((e) => {
    if (e?.code !== 11000) throw e;
  });
  const doc = await Setting.findById('visitorTokenSecret').lean();
  return String(doc!.value);
}
