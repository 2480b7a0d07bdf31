import { Schema, type Connection } from 'mongoose';
import type { HcDeflectionDto } from '@kamflo/shared';
import type { Claims } from '../db/claims.ts';
import { addToTally, type TallyDoc } from '../db/tallies.ts';
import { isDuplicateKey } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { VisitorIdentity } from '../visitors/visitor-token.ts';

const DAY_MS = 86_400_000;
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/**
 * One mark per visitor session and step: `read:<site>:<visitor>:<day>` when the visitor first
 * opened a suggested article that day (UTC), `contact:<site>:<visitor>:<day>` when a request or
 * chat followed it. Inserting a mark is the claim that counts it once, on MongoDB and FerretDB.
 */
interface MarkDoc {
  _id: string;
  article?: string;
  at: Date;
}
const markSchema = new Schema<MarkDoc>({ _id: String, article: String, at: Date }, { versionKey: false });
const tallySchema = new Schema<TallyDoc>({ _id: String, n: Number, v: Number }, { versionKey: false });

/**
 * Deflection: per site and day, running tallies of the visitor sessions that read a suggested
 * article (`read:<site>:<day>`) and of those that then opened a request or chat
 * (`contacted:<site>:<day>`, counted on the day of the read). Deflected = read − contacted.
 * Every step is a few reads and writes by `_id`; the report reads two tallies per day.
 */
export function createDeflection({ conn, claims, clock }: { conn: Connection; claims: Claims; clock: Clock }) {
  const Mark = conn.model<MarkDoc>('HcDeflectionMark', markSchema, 'hc_deflection_marks');
  const Tally = conn.model<TallyDoc>('HcDeflectionTally', tallySchema, 'hc_deflection_tallies');

  async function mark(_id: string, article?: string): Promise<boolean> {
    try {
      await Mark.create({ _id, at: clock.now(), ...(article ? { article } : {}) });
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  /** The visitor opened a suggested article: their session of today counts as a read (once). */
  async function suggestedRead(v: VisitorIdentity, article: string): Promise<boolean> {
    const day = dayOf(clock.now());
    if (!(await mark(`read:${v.site}:${v.visitorId}:${day}`, article))) return false;
    await addToTally(Tally, claims, `read:${v.site}:${day}`, 1);
    return true;
  }

  /**
   * The visitor opened a request or a chat. A session of theirs with a suggested read in the last
   * 24 hours and no contact yet now counts as submitted; without one, nothing is counted.
   */
  async function contacted(v: VisitorIdentity): Promise<boolean> {
    const now = clock.now();
    const days = [dayOf(now), dayOf(new Date(now.getTime() - DAY_MS))];
    const reads = await Mark.find({ _id: { $in: days.map((d) => `read:${v.site}:${v.visitorId}:${d}`) } }).lean();
    const read = reads.filter((r) => now.getTime() - r.at.getTime() <= DAY_MS).sort((a, b) => b.at.getTime() - a.at.getTime())[0];
    if (!read) return false;
    const day = read._id.slice(read._id.lastIndexOf(':') + 1);
    if (!(await mark(`contact:${v.site}:${v.visitorId}:${day}`))) return false;
    await addToTally(Tally, claims, `contacted:${v.site}:${day}`, 1);
    return true;
  }

  /** The last `days` days (today included) of `site`. */
  async function report(site: string, days: number): Promise<HcDeflectionDto> {
    const today = clock.now().getTime();
    const dayKeys = Array.from({ length: days }, (_, i) => dayOf(new Date(today - i * DAY_MS)));
    const keys = dayKeys.flatMap((d) => [`read:${site}:${d}`, `contacted:${site}:${d}`]);
    const docs = await Tally.find({ _id: { $in: keys } }, { n: 1 }).lean();
    let read = 0;
    let submitted = 0;
    for (const d of docs) {
      if (d._id.startsWith('read:')) read += d.n;
      else submitted += d.n;
    }
    return { site, days, read, submitted, deflected: Math.max(0, read - submitted) };
  }

  return { suggestedRead, contacted, report };
}
export type Deflection = ReturnType<typeof createDeflection>;
