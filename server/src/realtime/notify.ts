import type { BroadcastOperator } from 'socket.io';
import type { AgentServerEvents, VisitorServerEvents } from '@kamflo/shared';
import type { AgentNamespace, AgentSocketData, VisitorNamespace, VisitorSocketData } from './io.ts';

export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;
export const agentRoom = (agentId: string) => `agent:${agentId}`;
/** Team leads, managers and admins: they watch presence and the queue. */
export const LEADS_ROOM = 'leads';

/** What a namespace's `emit` is for maps without acknowledgements (all of ours, server to client). */
interface Broadcaster<M extends { [E in keyof M]: (...args: never[]) => void }> {
  emit<E extends keyof M & string>(event: E, ...args: Parameters<M[E]>): boolean;
}

/** The only way services talk to connected clients: by room, never by socket. */
export function createNotifier(visitors: VisitorNamespace, agents: AgentNamespace) {
  const visitorRoomOp = (room: string): BroadcastOperator<VisitorServerEvents, VisitorSocketData> => visitors.to(room);
  const agentRoomOp = (room: string): BroadcastOperator<AgentServerEvents, AgentSocketData> => agents.to(room);
  const allV: Broadcaster<VisitorServerEvents> = visitors;
  const allA: Broadcaster<AgentServerEvents> = agents;
  return {
    visitor<E extends keyof VisitorServerEvents>(visitorId: string, event: E, ...args: Parameters<VisitorServerEvents[E]>) {
      visitorRoomOp(visitorRoom(visitorId)).emit(event, ...args);
    },
    allVisitors<E extends keyof VisitorServerEvents>(event: E, ...args: Parameters<VisitorServerEvents[E]>) {
      allV.emit(event, ...args);
    },
    agent<E extends keyof AgentServerEvents>(agentId: string, event: E, ...args: Parameters<AgentServerEvents[E]>) {
      agentRoomOp(agentRoom(agentId)).emit(event, ...args);
    },
    leads<E extends keyof AgentServerEvents>(event: E, ...args: Parameters<AgentServerEvents[E]>) {
      agentRoomOp(LEADS_ROOM).emit(event, ...args);
    },
    allAgents<E extends keyof AgentServerEvents>(event: E, ...args: Parameters<AgentServerEvents[E]>) {
      allA.emit(event, ...args);
    },
  };
}
export type Notifier = ReturnType<typeof createNotifier>;
