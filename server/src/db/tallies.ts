import type { Model } from 'mongoose';
import type { Claims } from './claims.ts';

/** One running count: `n`, moved only by a write that names the version `v` it read. */
export interface TallyDoc {
  _id: string;
  n: number;
  v: number;
}

/**
 * Moves the tally `key` by `delta` (the scheme of tickets/ticket-tallies.ts). FerretDB 1.x runs `$inc` as read-then-write and can lose
 * increments, so the tally moves by a versioned write under a claim on its next version: the
 * claim makes the writer exclusive, the version in the filter makes a stale writer miss and retry.
 */
export async function addToTally(Tally: Model<TallyDoc>, claims: Claims, key: string, delta: number): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    let doc = await Tally.findById(key).lean();
    if (!doc) {
      await Tally.create({ _id: key, n: 0, v: 0 }).catch((e) => {
        if (e?.code !== 11000) throw e;
      });
      doc = (await Tally.findById(key).lean())!;
    }
    const claim = `tally:${Tally.collection.collectionName}:${key}:${doc.v + 1}`;
    if (await claims.take(claim, 'tally')) {
      try {
        const res = await Tally.updateOne({ _id: key, v: doc.v }, { $set: { n: doc.n + delta, v: doc.v + 1 } });
        if (res.modifiedCount === 1) return;
      } finally {
        // Released at once: a later writer with a stale version takes it and misses the filter.
        await claims.release(claim, 'tally');
      }
    }
    await new Promise((r) => setTimeout(r, 1 + Math.random() * 5));
  }
  throw new Error(`tally ${key} is too busy`);
}
