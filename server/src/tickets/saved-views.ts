import { Schema, type Types, type Connection } from 'mongoose';
import {
  can,
  MAX_SAVED_VIEWS,
  objectId,
  SAVED_VIEW_COUNT_CAP,
  savedViewInput,
  type Role,
  type SavedViewDto,
  type SavedViewQuery,
  type TicketListQuery,
} from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import type { DeclareRoute } from '../http/api-routes.ts';
import { listFilter } from './ticket-list.ts';
import type { TicketSearch } from './ticket-search.ts';
import type { TicketStore } from './ticket-store.ts';

/** A saved view of the ticket list: its filters, whose it is, and whether the team sees it. */
export interface SavedViewDoc {
  _id: Types.ObjectId;
  name: string;
  owner: Types.ObjectId;
  ownerName: string;
  shared: boolean;
  query: SavedViewQuery;
  createdAt: Date;
}
const savedViewSchema = new Schema<SavedViewDoc>(
  {
    name: { type: String, required: true },
    owner: { type: Schema.Types.ObjectId, required: true },
    ownerName: String,
    shared: { type: Boolean, required: true },
    query: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
// The two reads: an agent's own views, and the shared ones (equality on each, pushed down on FerretDB).
savedViewSchema.index({ owner: 1 });
savedViewSchema.index({ shared: 1 });
export const savedViewModel = (conn: Connection) => conn.model<SavedViewDoc>('SavedView', savedViewSchema, 'saved_views');

type Viewer = { _id: Types.ObjectId; name: string; role: Role };

/**
 * Saved views: personal (their owner sees them) or shared (everyone sees them; saving or deleting
 * one needs views.share). Each comes with its count, from the list's own query shapes
 * (an index-served count on MongoDB), stopped at SAVED_VIEW_COUNT_CAP.
 */
export function createSavedViews(deps: { conn: Connection; store: TicketStore; search: TicketSearch; clock: Clock }) {
  const { store, search, clock } = deps;
  const View = savedViewModel(deps.conn);

  /** The view's filters for this viewer: assignee "me" is the viewer. */
  function listQuery(query: SavedViewQuery, viewer: Viewer): TicketListQuery {
    const { assignee, ...rest } = query;
    return { ...rest, ...(assignee ? { assignee: assignee === 'me' ? String(viewer._id) : assignee } : {}) };
  }

  async function countOf(query: SavedViewQuery, viewer: Viewer): Promise<{ count: number; more: boolean }> {
    const q = listQuery(query, viewer);
    const now = clock.now();
    if (q.q) return search.count({ ...q, q: q.q }, now, SAVED_VIEW_COUNT_CAP);
    const filter = listFilter(q, now);
    if (!filter) return { count: 0, more: false };
    const n = await store.Ticket.countDocuments(filter, { limit: SAVED_VIEW_COUNT_CAP + 1 });
    return { count: Math.min(n, SAVED_VIEW_COUNT_CAP), more: n > SAVED_VIEW_COUNT_CAP };
  }

  async function toDto(v: SavedViewDoc, viewer: Viewer): Promise<SavedViewDto> {
    const { count, more } = await countOf(v.query, viewer);
    const mine = String(v.owner) === String(viewer._id);
    return {
      id: String(v._id),
      name: v.name,
      shared: v.shared,
      owner: { id: String(v.owner), name: v.ownerName },
      query: v.query,
      count,
      ...(more ? { more: true as const } : {}),
      canDelete: mine || (v.shared && can(viewer.role, 'views.share')),
    };
  }

  /** The viewer's own views, then the shared ones of others, each by name. */
  async function list(viewer: Viewer): Promise<SavedViewDto[]> {
    const [own, shared] = await Promise.all([View.find({ owner: viewer._id }).lean(), View.find({ shared: true }).lean()]);
    // A shared view of the unaddressed queue is for those who may see that queue.
    const others = shared.filter((v) => String(v.owner) !== String(viewer._id) && (v.query.queue !== 'unaddressed' || can(viewer.role, 'tickets.unaddressed')));
    const byName = (a: SavedViewDoc, b: SavedViewDoc) => a.name.localeCompare(b.name);
    return Promise.all([...own.sort(byName), ...others.sort(byName)].map((v) => toDto(v, viewer)));
  }

  async function create(viewer: Viewer, input: ReturnType<typeof savedViewInput.parse>): Promise<SavedViewDto> {
    if (input.shared && !can(viewer.role, 'views.share')) throw new AppError('forbidden', 'Sharing a view with the team is for team leads and above');
    if (input.query.queue === 'unaddressed' && !can(viewer.role, 'tickets.unaddressed'))
      throw new AppError('forbidden', 'The unaddressed queue is for team leads and above');
    if ((await View.countDocuments({ owner: viewer._id })) >= MAX_SAVED_VIEWS)
      throw new AppError('conflict', `You can keep at most ${MAX_SAVED_VIEWS} saved views`);
    const doc = await View.create({
      name: input.name,
      owner: viewer._id,
      ownerName: viewer.name,
      shared: input.shared,
      query: input.query,
      createdAt: clock.now(),
    });
    return toDto(doc.toObject(), viewer);
  }

  async function remove(viewer: Viewer, id: string): Promise<{ ok: true }> {
    const v = await View.findById(id).lean();
    const mine = v && String(v.owner) === String(viewer._id);
    // Someone else's personal view does not exist as far as the viewer can tell.
    if (!v || (!mine && !v.shared)) throw new AppError('not_found', 'No such saved view');
    if (!mine && !can(viewer.role, 'views.share')) throw new AppError('forbidden', 'Deleting a shared view is for its owner and team leads and above');
    await View.deleteOne({ _id: v._id });
    return { ok: true };
  }

  return { View, list, create, remove };
}
export type SavedViews = ReturnType<typeof createSavedViews>;

export function savedViewRoutes(route: DeclareRoute, views: SavedViews) {
  const agent = { access: 'agent', permission: 'ticket.work' } as const;
  route('GET /api/views', {
    summary: 'Your saved views and the shared ones, with counts',
    ...agent,
    handle: ({ agent }) => views.list(agent),
  });
  route('POST /api/views', {
    summary: 'Save a view of the ticket list (shared: team leads and above)',
    ...agent,
    body: savedViewInput,
    status: 201,
    handle: ({ agent, body }) => views.create(agent, body),
  });
  route('DELETE /api/views/:id', {
    summary: 'Delete a saved view',
    ...agent,
    params: { id: objectId },
    handle: ({ agent, params }) => views.remove(agent, params.id),
  });
}
