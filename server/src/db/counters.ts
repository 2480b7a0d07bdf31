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
 * Next value of a named sequence: one atomic $inc, so concurrent callers (even in other
 * processes) never get the same number, and numbers are never reused.
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
