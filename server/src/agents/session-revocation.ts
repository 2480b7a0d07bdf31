import type { AgentNamespace } from '../realtime/io.ts';
import { agentRoom } from '../realtime/notify.ts';

/** Every /agent socket joins the room of the session it was opened with. */
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/** Ends open consoles at once. Through the Redis adapter this reaches sockets on every server process. */
export interface SocketRevoker {
  session(sessionId: string): void;
  agent(agentId: string): void;
}

export function socketRevoker(agentNs: AgentNamespace): SocketRevoker {
  return {
    session: (sessionId) => agentNs.in(sessionRoom(sessionId)).disconnectSockets(true),
    agent: (agentId) => agentNs.in(agentRoom(agentId)).disconnectSockets(true),
  };
}

export const noRevoker: SocketRevoker = { session() {}, agent() {} };
