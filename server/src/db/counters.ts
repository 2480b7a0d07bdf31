import { Schema, type Connection } from 'mongoose';

interface CounterDoc {
  _id: string;
  seq: number;
}
const counterSchema = new Schema<CounterDoc>({ _id: String, seq: Number }, { versionKey: false });

export function counterModel(conn: Connection) {
  return conn.model<CounterDoc>('Counter', counterSchema, 'counters');
}

/**
 * Next value of a named sequence, by one $inc. A hint only: FerretDB 1.x can hand two concurrent
 * callers the same value, so callers insert under a unique index and retry on a collision
 * (tickets/ticket-store.ts).
 */
export async function nextSequence(conn: Connection, name: string, first: number): Promise<number> {
  const Counter = counterModel(conn);
  // Seed without racing: a duplicate key here only means someone else seeded it.
  await Counter.updateOne({ _id: name }, { $setOnInsert: { seq: first - 1 } }, { upsert: true }).catch((e) => {
    if (e?.code !== 11000) throw e;
  });
  const doc = await Counter.findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }, { new: true }).lean();
  if (!doc) throw new Error(`counter ${name} missing`);
  return doc.seq;
}
