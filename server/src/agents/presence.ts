import type { Clock } from '../lib/clock.ts';

interface AgentPresence {
  sockets: Set<string>;
  onlineSince: Date;
  /** When this agent last got a chat: the longest idle is offered first among equals. */
  lastAssignedAt: Date;
}

/**
 * Which agents have a console connected to this process. An agent is online while at least one
 * of their consoles is connected.
 */
export function createPresence(clock: Clock) {
  const agents = new Map<string, AgentPresence>();

  return {
    /** Returns true when the agent just came online. */
    connect(agentId: string, socketId: string): boolean {
      const p = agents.get(agentId);
      if (p) {
        p.sockets.add(socketId);
        return false;
      }
      const now = clock.now();
      agents.set(agentId, { sockets: new Set([socketId]), onlineSince: now, lastAssignedAt: new Date(0) });
      return true;
    },
    /** Returns true when the agent just went offline. */
    disconnect(agentId: string, socketId: string): boolean {
      const p = agents.get(agentId);
      if (!p) return false;
      p.sockets.delete(socketId);
      if (p.sockets.size > 0) return false;
      agents.delete(agentId);
      return true;
    },
    markAssigned(agentId: string) {
      const p = agents.get(agentId);
      if (p) p.lastAssignedAt = clock.now();
    },
    onlineIds: (): string[] => [...agents.keys()],
    isOnline: (agentId: string) => agents.has(agentId),
    anyOnline: () => agents.size > 0,
    idleSince: (agentId: string) => agents.get(agentId)?.lastAssignedAt.getTime() ?? 0,
  };
}
export type Presence = ReturnType<typeof createPresence>;
