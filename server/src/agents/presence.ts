import crypto from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import type { AgentPresenceDto, Role } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { presenceModel } from './presence.model.ts';

type Status = 'online' | 'away';

/** This process's consoles of one agent. */
interface LocalAgent {
  sockets: Set<string>;
  info: { name: string; role: Role; capacity: number };
  status: Status;
  /** Epoch ms; set while no console is connected. */
  graceUntil: number | null;
  graceTimer?: NodeJS.Timeout;
}

/** One agent as every process sees them, merged from each process's document. */
interface AgentView {
  name: string;
  role: Role;
  capacity: number;
  status: Status;
  lastAssignedAt: number;
}

export interface PresenceOptions {
  graceMs: number;
  /** This process's grace period ran out and no other process has the agent. */
  onOffline: (agentId: string) => void;
  /** Whether any agent takes chats changed (seen by this process). */
  onAvailability?: (online: boolean) => void;
  log?: Logger;
  processId?: string;
  heartbeatMs?: number;
}

/**
 * Which agents have a console connected to any server process, and whether they take chats.
 * Each process keeps its own consoles in memory and mirrors them into its own documents in the
 * database (presence.model.ts); everyone reads the merged view, refreshed before each routing
 * pass. A killed process stops its heartbeat, and its agents drop out once it goes stale unless
 * their consoles reconnect elsewhere. Heartbeats use real time, not the injectable clock: they
 * measure whether a process is alive, not a business deadline.
 */
export function createPresence(conn: Connection, clock: Clock, opts: PresenceOptions) {
  const Presence = presenceModel(conn);
  const processId = opts.processId ?? crypto.randomUUID();
  const heartbeatMs = opts.heartbeatMs ?? 5000;
  const staleMs = heartbeatMs * 3;
  const local = new Map<string, LocalAgent>();
  let view = new Map<string, AgentView>();
  let available: boolean | undefined;
  let stopped = false;
  let heartbeat: NodeJS.Timeout | undefined;
  const warn = (what: string) => (err: unknown) => opts.log?.warn({ err }, what);
  const docId = (agentId: string) => `${agentId}:${processId}`;

  // One agent's document is written by one write at a time, each writing the state as it is
  // when the write runs, so the last write always carries the latest state.
  const writes = new Map<string, Promise<void>>();
  function persist(agentId: string): Promise<void> {
    const next = (writes.get(agentId) ?? Promise.resolve()).then(() => write(agentId)).catch(warn('presence write failed'));
    writes.set(agentId, next);
    void next.then(() => writes.get(agentId) === next && writes.delete(agentId));
    return next;
  }
  async function write(agentId: string): Promise<void> {
    const l = local.get(agentId);
    if (!l) {
      await Presence.deleteOne({ _id: docId(agentId) });
      return;
    }
    await Presence.updateOne(
      { _id: docId(agentId) },
      {
        $set: {
          agentId: new Types.ObjectId(agentId),
          processId,
          ...l.info,
          sockets: l.sockets.size,
          graceUntil: l.graceUntil === null ? null : new Date(l.graceUntil),
          heartbeatAt: new Date(),
        },
        // Status is agent-wide and may have been changed through another process since.
        $setOnInsert: { status: l.status, lastAssignedAt: null },
      },
      { upsert: true },
    );
  }

  // A refresh that started before another one finished later must not overwrite its newer view.
  let started = 0;
  let applied = 0;
  async function refresh(): Promise<void> {
    const mine = ++started;
    const docs = await Presence.find({ heartbeatAt: { $gt: new Date(Date.now() - staleMs) } }).lean();
    if (mine < applied || stopped) return;
    applied = mine;
    const now = Date.now();
    const next = new Map<string, AgentView>();
    for (const d of docs) {
      if (d.sockets <= 0 && !(d.graceUntil && d.graceUntil.getTime() > now)) continue;
      const id = String(d.agentId);
      const prev = next.get(id);
      next.set(id, {
        name: d.name,
        role: d.role,
        capacity: d.capacity,
        // Documents disagree only while a change is being written: away is the safe reading.
        status: prev?.status === 'away' ? 'away' : d.status,
        lastAssignedAt: Math.max(prev?.lastAssignedAt ?? 0, d.lastAssignedAt?.getTime() ?? 0),
      });
    }
    // This process's own consoles are known first-hand: a slow heartbeat write (a busy database)
    // must not make them look gone to their own process.
    for (const [id, l] of local) {
      if (next.has(id) || (l.sockets.size === 0 && !(l.graceUntil && l.graceUntil > now))) continue;
      next.set(id, { ...l.info, status: l.status, lastAssignedAt: view.get(id)?.lastAssignedAt ?? 0 });
    }
    view = next;
    const nowAvailable = [...next.values()].some((a) => a.status === 'online');
    if (available !== undefined && nowAvailable !== available) opts.onAvailability?.(nowAvailable);
    available = nowAvailable;
  }

  async function goOffline(agentId: string): Promise<void> {
    const l = local.get(agentId);
    if (!l || l.sockets.size > 0 || stopped) return;
    local.delete(agentId);
    await persist(agentId);
    await refresh();
    if (!view.has(agentId)) opts.onOffline(agentId);
  }

  return {
    processId,
    refresh,
    /** Read the view and start the heartbeat. */
    async start(): Promise<void> {
      await refresh();
      let beats = 0;
      heartbeat = setInterval(() => {
        Presence.updateMany({ processId }, { $set: { heartbeatAt: new Date() } })
          // Now and then, forget processes long gone (each start is a new process id).
          .then(async () => {
            if (++beats % 60 === 0) await Presence.deleteMany({ heartbeatAt: { $lt: new Date(Date.now() - 60 * staleMs) } });
          })
          .then(() => refresh())
          .catch(warn('presence heartbeat failed'));
      }, heartbeatMs);
      heartbeat.unref();
    },
    /** Returns true when the agent just came online (not back within the grace period, nor present elsewhere). */
    async connect(agent: { id: string; name: string; role: Role; capacity: number }, socketId: string): Promise<boolean> {
      if (stopped) return false;
      const wasPresent = view.has(agent.id);
      const info = { name: agent.name, role: agent.role, capacity: agent.capacity };
      const l = local.get(agent.id);
      if (l) {
        clearTimeout(l.graceTimer);
        l.graceTimer = undefined;
        l.graceUntil = null;
        l.sockets.add(socketId);
        l.info = info;
      } else {
        local.set(agent.id, { sockets: new Set([socketId]), info, status: view.get(agent.id)?.status ?? 'online', graceUntil: null });
      }
      await persist(agent.id);
      await refresh();
      return !wasPresent;
    },
    disconnect(agentId: string, socketId: string): void {
      const l = local.get(agentId);
      if (!l || stopped) return;
      l.sockets.delete(socketId);
      if (l.sockets.size > 0 || l.graceTimer) return void persist(agentId);
      const offline = () => void goOffline(agentId).catch(warn('going offline failed'));
      if (opts.graceMs <= 0) {
        offline();
        return;
      }
      l.graceUntil = Date.now() + opts.graceMs;
      void persist(agentId);
      l.graceTimer = setTimeout(offline, opts.graceMs);
      l.graceTimer.unref();
    },
    /** False when the agent has no console on this process (or their role takes no chats). */
    async setStatus(agentId: string, status: Status): Promise<boolean> {
      const l = local.get(agentId);
      if (!l) return false;
      l.status = status;
      await (writes.get(agentId) ?? Promise.resolve());
      await Presence.updateMany({ agentId: new Types.ObjectId(agentId) }, { $set: { status } });
      await refresh();
      return true;
    },
    /**
     * An admin changed the agent's name, role or capacity: routing uses the new values from the
     * next pass. Every process's document is updated; this process's consoles carry it forward.
     */
    async updateInfo(agentId: string, info: { name: string; role: Role; capacity: number }): Promise<void> {
      const l = local.get(agentId);
      if (l) l.info = info;
      await (writes.get(agentId) ?? Promise.resolve());
      await Presence.updateMany({ agentId: new Types.ObjectId(agentId) }, { $set: info });
      await refresh();
    },
    markAssigned(agentId: string): void {
      const at = clock.now();
      const v = view.get(agentId);
      if (v) v.lastAssignedAt = at.getTime();
      Presence.updateMany({ agentId: new Types.ObjectId(agentId) }, { $set: { lastAssignedAt: at } }).catch(warn('presence write failed'));
    },
    /** Present agents, including away ones and those within their grace period. */
    onlineIds: (): string[] => [...view.keys()],
    /** Agents who take new chats now: present and not away. */
    availableIds: (): string[] => [...view].filter(([, a]) => a.status === 'online').map(([id]) => id),
    capacity: (agentId: string) => view.get(agentId)?.capacity ?? 0,
    isOnline: (agentId: string) => view.has(agentId),
    anyAvailable: () => [...view.values()].some((a) => a.status === 'online'),
    idleSince: (agentId: string) => view.get(agentId)?.lastAssignedAt ?? 0,
    snapshot(loads: Map<string, number>): AgentPresenceDto[] {
      return [...view].map(([id, a]) => ({
        id,
        name: a.name,
        role: a.role,
        status: a.status,
        activeChats: loads.get(id) ?? 0,
        capacity: a.capacity,
      }));
    },
    /**
     * Shutting down: this process's agents keep their place for the grace period (capped by the
     * heartbeat going stale) so their consoles can reconnect to another process or the restart.
     */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(heartbeat);
      for (const l of local.values()) clearTimeout(l.graceTimer);
      await Promise.all(writes.values());
      await Presence.updateMany({ processId }, { $set: { sockets: 0, graceUntil: new Date(Date.now() + opts.graceMs) } }).catch(
        warn('presence shutdown write failed'),
      );
    },
  };
}
export type Presence = ReturnType<typeof createPresence>;
