import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { settingModel } from '../db/settings.ts';

/**
 * The key of the tickets' audit chain. It must not live in the database the chain protects:
 * KAMFLO_AUDIT_KEY, else derived from KAMFLO_SECRET, else a random key kept in
 * `<KAMFLO_DATA_DIR>/audit.key`. The database keeps only a fingerprint, so a process started with
 * a different key refuses to start instead of calling every ticket's history altered.
 */
export async function loadAuditKey(deps: { conn: Connection; auditKey?: string; secret?: string; dataDir: string }): Promise<Buffer> {
  const key = deps.auditKey ? derive(deps.auditKey) : deps.secret ? derive(deps.secret) : fileKey(path.join(deps.dataDir, 'audit.key'));
  const fingerprint = crypto.createHmac('sha256', key).update('kamflo audit key fingerprint').digest('hex').slice(0, 32);
  const Setting = settingModel(deps.conn);
  await Setting.updateOne({ _id: 'auditKeyFingerprint' }, { $setOnInsert: { value: fingerprint } }, { upsert: true }).catch((e) => {
    if (e?.code !== 11000) throw e;
  });
  const stored = String((await Setting.findById('auditKeyFingerprint').lean())?.value ?? '');
  if (stored !== fingerprint) {
    throw new Error(
      "The audit key differs from the one this database's ticket history was chained with. Start every server process " +
        'with the same KAMFLO_AUDIT_KEY (or KAMFLO_SECRET, or the same audit.key file in KAMFLO_DATA_DIR).',
    );
  }
  return key;
}

function derive(secret: string): Buffer {
  return crypto.createHmac('sha256', secret).update('kamflo audit chain').digest();
}

function fileKey(file: string): Buffer {
  try {
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fresh = crypto.randomBytes(32).toString('base64url');
  // Written aside, then linked into place: when two processes start at once, one link wins and
  // both read a whole key.
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, `${fresh}\n`, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
}
