/**
 * The bench's baseline: the least a chat relay must do per message, measured beside Kamflo in
 * the same run (tests/bench/latency.ts). A visitor's message is one insert into `messages`, with
 * unique (conversationId, clientId) and (conversationId, seq) indexes as Kamflo has, on the same
 * database; then one emit to its agent's room. No auth, no routing, no guard read, no rate
 * limits: a visitor names its agent when it connects, and seqs come from a counter in memory.
 * Bench-only: never part of the product.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from 'mongoose';
import { Server } from 'socket.io';

export async function startBaselineRelay(conn: Connection): Promise<{ url: string; close(): Promise<void> }> {
  const messages = conn.db!.collection('messages');
  await messages.createIndex({ conversationId: 1, clientId: 1 }, { unique: true });
  await messages.createIndex({ conversationId: 1, seq: 1 }, { unique: true });

  const httpServer = http.createServer();
  const io = new Server(httpServer, { transports: ['websocket'] });
  const agents = io.of('/agent');
  const seqs = new Map<string, number>();

  agents.on('connection', (socket) => {
    void socket.join(`agent:${String(socket.handshake.auth?.agentId)}`);
  });

  io.of('/visitor').on('connection', (socket) => {
    const room = `agent:${String(socket.handshake.auth?.agentId)}`;
    socket.on('chat:message', async (m: { conversationId: string; clientId: string; text: string }, ack?: (r: unknown) => void) => {
      const seq = (seqs.get(m.conversationId) ?? 0) + 1;
      seqs.set(m.conversationId, seq);
      try {
        const doc = { conversationId: m.conversationId, clientId: m.clientId, seq, text: m.text, author: 'visitor', createdAt: new Date() };
        await messages.insertOne(doc);
        agents.to(room).emit('chat:message', { conversationId: m.conversationId, clientId: m.clientId, seq, text: m.text });
        ack?.({ ok: true, data: { seq } });
      } catch {
        ack?.({ ok: false, error: { code: 'unavailable', message: 'insert failed' } });
      }
    });
  });

  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    close: async () => {
      io.disconnectSockets(true);
      await new Promise<void>((r) => io.close(() => r()));
    },
  };
}
