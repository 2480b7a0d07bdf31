import { Schema, type Connection } from 'mongoose';
import type { Logger } from '../lib/logger.ts';
import { claimModel, type Claims } from './claims.ts';

/**
 * Versioned data migrations, run once per database at start, in order, before the server serves.
 * Each is idempotent (safe to re-run after a crash part-way). One process runs a migration at a
 * time, under a claim it keeps fresh with a heartbeat; the others wait for it, and take it over
 * when its heartbeat stops (a process killed mid-migration).
 */
export interface Migration {
  /** Stable and ordered, e.g. "0001-ticket-timeline". */
  id: string;
  run(log: Logger): Promise<void>;
}

interface MigrationDoc {
  _id: string;
  doneAt: Date;
}
const migrationSchema = new Schema<MigrationDoc>({ _id: String, doneAt: Date }, { versionKey: false });

export function migrationModel(conn: Connection) {
  return conn.model<MigrationDoc>('Migration', migrationSchema, 'migrations');
}

const HEARTBEAT_MS = 5_000;
const STALE_MS = 30_000;

export async function runMigrations(deps: { conn: Connection; claims: Claims; log: Logger; migrations: Migration[]; owner?: string }): Promise<void> {
  const { conn, claims, log } = deps;
  const Done = migrationModel(conn);
  const Claim = claimModel(conn);
  const owner = deps.owner ?? `${process.pid}:${Math.random().toString(36).slice(2)}`;
  const done = new Set((await Done.find({}, { _id: 1 }).lean()).map((d) => d._id));
  for (const m of deps.migrations) {
    if (done.has(m.id)) continue;
    const key = `migration:${m.id}`;
    for (;;) {
      if (await Done.exists({ _id: m.id })) break;
      if (await claims.take(key, owner)) {
        const beat = setInterval(() => void Claim.updateOne({ _id: key, owner }, { $set: { at: new Date() } }).catch(() => {}), HEARTBEAT_MS);
        try {
          log.info({ migration: m.id }, 'running migration');
          await m.run(log);
          await Done.updateOne({ _id: m.id }, { $set: { doneAt: new Date() } }, { upsert: true });
          log.info({ migration: m.id }, 'migration done');
        } finally {
          clearInterval(beat);
          await claims.release(key, owner);
        }
        break;
      }
      // Another process is running it: wait, and take over if its heartbeat stopped.
      const holder = await claims.holder(key);
      if (holder && Date.now() - holder.at.getTime() > STALE_MS) await claims.release(key, holder.owner);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
