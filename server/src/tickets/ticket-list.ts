import { Types } from 'mongoose';
import type { TicketListQuery, TicketSort } from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';

/**
 * The ticket list's query shapes. Every shape is: equality on any of the filter fields, then one
 * sort field with _id as the tie-break, resumed after a cursor. The indexes below serve each
 * shape from an index on MongoDB (a filter field first, then the sort: no in-memory sort, no
 * scan past the page); list-shapes.test.ts builds every shape and checks the database has an index for it.
 */
export const LIST_SORTS: Record<TicketSort, { field: 'slaDueAt' | 'createdAt' | 'updatedAt'; dir: 1 | -1 }> = {
  // SLA risk: closest to (or furthest past) its first-response target first.
  sla: { field: 'slaDueAt', dir: 1 },
  newest: { field: 'createdAt', dir: -1 },
  updated: { field: 'updatedAt', dir: -1 },
};

/** Fields the list filters on by equality (the queue filters add firstResponseAt = null). */
export const LIST_FILTER_FIELDS = ['status', 'priority', 'assignee', 'level', 'source', 'category', 'tags', 'firstResponseAt'] as const;

/** The list's indexes: for each sort, the sort alone and each filter field before it. */
export function listIndexes(): Record<string, 1 | -1>[] {
  const out: Record<string, 1 | -1>[] = [];
  for (const { field, dir } of Object.values(LIST_SORTS)) {
    out.push({ [field]: dir, _id: dir });
    for (const f of LIST_FILTER_FIELDS) out.push({ [f]: 1, [field]: dir, _id: dir });
  }
  return out;
}

/** An opaque position in one sort: the last row's sort value and _id. */
export function encodeCursor(sort: TicketSort, at: Date, id: Types.ObjectId): string {
  return Buffer.from(JSON.stringify([sort, at.getTime(), String(id)])).toString('base64url');
}

function decodeCursor(sort: TicketSort, cursor: string): { at: Date; id: Types.ObjectId } {
  try {
    const [s, ms, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, number, string];
    if (s !== sort || !Number.isFinite(ms) || !Types.ObjectId.isValid(id)) throw new Error('bad');
    return { at: new Date(ms), id: new Types.ObjectId(id) };
  } catch {
    throw new AppError('bad_request', 'The cursor is not one this list gave out (or belongs to another sort)');
  }
}

/**
 * The list's filters alone (no sort or cursor): equality on the filter fields, and the queues'
 * conditions in `$and`. Null when they cannot match anything (a queue with a finished status).
 * Search (ticket-search.ts) applies the same filters to its candidates.
 */
export function listFilter(q: Omit<TicketListQuery, 'cursor' | 'limit' | 'sort' | 'q'>, now: Date): Record<string, unknown> | null {
  const filter: Record<string, unknown> = {};
  for (const key of ['status', 'priority', 'level', 'source', 'category'] as const) if (q[key]) filter[key] = q[key];
  if (q.assignee) filter.assignee = q.assignee === 'none' ? null : new Types.ObjectId(q.assignee);
  // An array field: equality matches a ticket carrying the tag (a multikey index on MongoDB).
  if (q.tag) filter.tags = q.tag;
  if (q.queue) {
    // unaddressed and past_due: still to be answered, and past the first-response target.
    if (q.status && q.status !== 'open' && q.status !== 'in_progress') return null;
    if (!q.status) filter.status = { $in: ['open', 'in_progress'] };
    filter.firstResponseAt = null;
    filter.$and = [{ slaDueAt: { $lt: now } }];
  }
  return filter;
}

/** The query for one page: filter, sort and limit (one more than the page, to know if there is a next). */
export function buildListQuery(q: TicketListQuery, now: Date): { filter: Record<string, unknown>; sort: Record<string, 1 | -1>; limit: number } | null {
  const filter = listFilter(q, now);
  if (!filter) return null;
  const { field, dir } = LIST_SORTS[q.sort ?? 'sla'];
  const and = (filter.$and as Record<string, unknown>[] | undefined) ?? [];
  if (q.cursor) {
    const { at, id } = decodeCursor(q.sort ?? 'sla', q.cursor);
    const op = dir === 1 ? '$gt' : '$lt';
    and.push({ $or: [{ [field]: { [op]: at } }, { [field]: at, _id: { [op]: id } }] });
  }
  if (and.length) filter.$and = and;
  return { filter, sort: { [field]: dir, _id: dir }, limit: (q.limit ?? 50) + 1 };
}
