import { Schema, type Connection } from 'mongoose';
import { isDuplicateKey } from '../lib/errors.ts';

/**
 * Exclusive claims on a key, held in the database.
 *
 * Why not conditional updates: FerretDB 1.x (our test database) runs an update as read-then-write,
 * so two concurrent `findOneAndUpdate({ status: 'queued' }, …)` both succeed and `$inc` loses
 * increments. An insert into a unique index, and a delete's count, are exclusive on both MongoDB
 * and FerretDB, so every "only one may win" step in Kamflo takes a claim first.
 */
interface ClaimDoc {
  _id: string;
  owner: string;
  at: Date;
}
const claimSchema = new Schema<ClaimDoc>({ _id: String, owner: String, at: Date }, { versionKey: false });

export function claimModel(conn: Connection) {
  return conn.model<ClaimDoc>('Claim', claimSchema, 'claims');
}

export function createClaims(conn: Connection) {
  const Claim = claimModel(conn);
  return {
    /** True when this caller now holds `key`. */
    async take(key: string, owner: string, at = new Date()): Promise<boolean> {
      try {
        await Claim.create({ _id: key, owner, at });
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    },
    /** True when this caller released it (only one concurrent releaser can). */
    async release(key: string, owner?: string): Promise<boolean> {
      const res = await Claim.deleteOne(owner === undefined ? { _id: key } : { _id: key, owner });
      return res.deletedCount === 1;
    },
    async holder(key: string): Promise<ClaimDoc | null> {
      return Claim.findById(key).lean();
    },
    /** Drop every claim under `prefix` that `owner` holds (a restarted process's own, left by its previous life). */
    async releaseAllOf(owner: string, prefix: string): Promise<number> {
      const res = await Claim.deleteMany({ owner, _id: { $regex: `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` } });
      return res.deletedCount;
    },
  };
}
export type Claims = ReturnType<typeof createClaims>;
