import type { Namespace } from 'socket.io';
import type { AgentServerEvents, VisitorServerEvents } from '@kamflo/shared';

export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;
export const agentRoom = (agentId: string) => `agent:${agentId}`;
/** Team leads, managers and admins: they watch presence and the queue. */
export const LEADS_ROOM = 'leads';

/** The only way services talk to connected clients: by room, never by socket. */
export function createNotifier(visitors: Namespace, agents: Namespace) {
  return {
    visitor<E extends keyof VisitorServerEvents>(visitorId: string, event: E, ...args: Parameters<VisitorServerEvents[E]>) {
      visitors.to(visitorRoom(visitorId)).emit(event, ...(args as unknown[] as never[]));
    },
    allVisitors<E extends keyof VisitorServerEvents>(event: E, ...args: Parameters<VisitorServerEvents[E]>) {
      visitors.emit(event, ...(args as unknown[] as never[]));
    },
    agent<E extends keyof AgentServerEvents>(agentId: string, event: E, ...args: Parameters<AgentServerEvents[E]>) {
      agents.to(agentRoom(agentId)).emit(event, ...(args as unknown[] as never[]));
    },
    leads<E extends keyof AgentServerEvents>(event: E, ...args: Parameters<AgentServerEvents[E]>) {
      agents.to(LEADS_ROOM).emit(event, ...(args as unknown[] as never[]));
    },
    allAgents<E extends keyof AgentServerEvents>(event: E, ...args: Parameters<AgentServerEvents[E]>) {
      agents.emit(event, ...(args as unknown[] as never[]));
    },
  };
}
export type Notifier = ReturnType<typeof createNotifier>;
