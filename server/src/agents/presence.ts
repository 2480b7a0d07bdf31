import type { AgentPresenceDto, PresenceStatus, Role } from '@kamflo/shared';
import type { Clock } from '../lib/clock.ts';

interface AgentPresence {
  name: string;
  role: Role;
  capacity: number;
  status: Exclude<PresenceStatus, 'offline'>;
  sockets: Set<string>;
  /** When this agent last got a chat: the longest idle is offered first among equals. */
  lastAssignedAt: number;
  /** Running while the agent has no console connected: offline when it fires. */
  graceTimer?: NodeJS.Timeout;
}

/**
 * Which agents have a console connected to this process, and whether they take chats.
 * An agent whose last console disconnects stays present for `graceMs`, so a page reload
 * neither loses their chats nor their place.
 */
export function createPresence(clock: Clock, opts: { graceMs: number; onOffline: (agentId: string) => void }) {
  const agents = new Map<string, AgentPresence>();

  return {
    /** Returns true when the agent just came online (not back within the grace period). */
    connect(agent: { id: string; name: string; role: Role; capacity: number }, socketId: string): boolean {
      const p = agents.get(agent.id);
      if (p) {
        clearTimeout(p.graceTimer);
        p.graceTimer = undefined;
        p.sockets.add(socketId);
        p.capacity = agent.capacity;
        return false;
      }
      agents.set(agent.id, {
        name: agent.name,
        role: agent.role,
        capacity: agent.capacity,
        status: 'online',
        sockets: new Set([socketId]),
        lastAssignedAt: 0,
      });
      return true;
    },
    disconnect(agentId: string, socketId: string): void {
      const p = agents.get(agentId);
      if (!p) return;
      p.sockets.delete(socketId);
      if (p.sockets.size > 0 || p.graceTimer) return;
      const goOffline = () => {
        const now = agents.get(agentId);
        if (!now || now.sockets.size > 0) return;
        agents.delete(agentId);
        opts.onOffline(agentId);
      };
      if (opts.graceMs <= 0) return goOffline();
      p.graceTimer = setTimeout(goOffline, opts.graceMs);
      p.graceTimer.unref();
    },
    setStatus(agentId: string, status: 'online' | 'away'): boolean {
      const p = agents.get(agentId);
      if (!p) return false;
      p.status = status;
      return true;
    },
    markAssigned(agentId: string) {
      const p = agents.get(agentId);
      if (p) p.lastAssignedAt = clock.now().getTime();
    },
    /** Present agents, including away ones and those within their grace period. */
    onlineIds: (): string[] => [...agents.keys()],
    /** Agents who take new chats now: present and not away. */
    availableIds: (): string[] => [...agents].filter(([, p]) => p.status === 'online').map(([id]) => id),
    capacity: (agentId: string) => agents.get(agentId)?.capacity ?? 0,
    isOnline: (agentId: string) => agents.has(agentId),
    anyAvailable: () => [...agents.values()].some((p) => p.status === 'online'),
    idleSince: (agentId: string) => agents.get(agentId)?.lastAssignedAt ?? 0,
    snapshot(loads: Map<string, number>): AgentPresenceDto[] {
      return [...agents].map(([id, p]) => ({
        id,
        name: p.name,
        role: p.role,
        status: p.status,
        activeChats: loads.get(id) ?? 0,
        capacity: p.capacity,
      }));
    },
    stop() {
      for (const p of agents.values()) clearTimeout(p.graceTimer);
    },
  };
}
export type Presence = ReturnType<typeof createPresence>;
