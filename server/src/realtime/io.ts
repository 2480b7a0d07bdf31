import type http from 'node:http';
import { Server, type Namespace, type Socket } from 'socket.io';
import {
  AGENT_NAMESPACE,
  VISITOR_NAMESPACE,
  type AgentClientEvents,
  type AgentServerEvents,
  type Received,
  type VisitorClientEvents,
  type VisitorServerEvents,
} from '@kamflo/shared';
import type { AgentDoc } from '../agents/agent.model.ts';
import type { VerifiedVisitor } from '../visitors/visitor-token.ts';

/**
 * Events between server processes (`serverSideEmit`, realtime/cluster.ts). Their names carry the
 * installation's key, and a payload from another process is checked by whoever listens.
 */
export type PeerEvents = Record<string, (payload: unknown) => void>;
/** Nothing is sent or listened to on the default namespace `/`. */
type NoEvents = Record<string, never>;

/** Set by each namespace's middleware, before any connection handler runs. */
export interface VisitorSocketData {
  /** With its token's expiry, which token-renewal.ts moves on when it hands out a fresh token. */
  visitor: VerifiedVisitor;
}
export interface AgentSocketData {
  agent: AgentDoc;
  /** The session the console was opened with: its room is disconnected when the session ends. */
  sessionId: string;
}

export type KamfloServer = Server<NoEvents, NoEvents, PeerEvents, Record<string, never>>;
export type VisitorNamespace = Namespace<Received<VisitorClientEvents>, VisitorServerEvents, PeerEvents, VisitorSocketData>;
export type AgentNamespace = Namespace<Received<AgentClientEvents>, AgentServerEvents, PeerEvents, AgentSocketData>;
export type VisitorServerSocket = Socket<Received<VisitorClientEvents>, VisitorServerEvents, PeerEvents, VisitorSocketData>;
export type AgentServerSocket = Socket<Received<AgentClientEvents>, AgentServerEvents, PeerEvents, AgentSocketData>;

/** The Socket.IO server and its two namespaces, each typed by its own shared event maps. */
export function createIo(httpServer: http.Server) {
  const io: KamfloServer = new Server(httpServer, { serveClient: false, connectionStateRecovery: undefined });
  // Socket.IO types every namespace of a server alike (`of()` returns the server's generics), so
  // each namespace's own maps are stated here, the one place the namespaces are created.
  const visitors = io.of(VISITOR_NAMESPACE) as unknown as VisitorNamespace;
  const agents = io.of(AGENT_NAMESPACE) as unknown as AgentNamespace;
  return { io, visitors, agents };
}
