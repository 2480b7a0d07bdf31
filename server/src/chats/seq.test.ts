import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { MessageDto } from '@kamflo/shared';
import { Types } from 'mongoose';
import { ask, cid, startTestServer, type TestServer, type VisitorSocket } from '../test/harness.ts';
import { messageModel } from './message.model.ts';

// Seq allocation under a burst: many messages at once in one conversation, from one process.
// Each must cost one insert (its conversation's lane hands out the seqs), not a round of
// collisions and retries per message.

let s: TestServer;
beforeEach(async () => {
  s = await startTestServer({ monitorCommands: true, email: false });
});
afterEach(async () => {
  await s.close();
});

type Ack = { ok: true; data: MessageDto } | { ok: false; error: { code: string; message: string } };

/** chat:message with a long timeout: a burst of hundreds is acknowledged one insert at a time. */
const send = (socket: VisitorSocket, conversationId: string, clientId: string, text: string): Promise<Ack> =>
  (socket as unknown as Socket).timeout(60_000).emitWithAck('chat:message', { conversationId, clientId, text });

/** The database commands sent while `fn` runs ("insert messages", "find conversations", …), presence aside. */
async function commandsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
  const commands: string[] = [];
  const on = (e: { commandName: string; command: Record<string, unknown> }) => {
    const target = String(e.command[e.commandName] ?? '');
    if (target !== 'presence') commands.push(`${e.commandName} ${target}`);
  };
  const client = s.conn.getClient();
  client.on('commandStarted', on);
  try {
    return { result: await fn(), commands };
  } finally {
    client.off('commandStarted', on);
  }
}
const count = (commands: string[], c: string) => commands.filter((x) => x === c).length;

async function openConversation() {
  const v = await s.visitor();
  const started = (await ask(v.socket, 'chat:start', { clientId: cid(), text: 'first' })) as any;
  expect(started).toMatchObject({ ok: true });
  // The start's routing pass, done before anything is counted.
  await s.services.router.rebalance();
  return { v, conversationId: started.data.conversation.id as string };
}

async function storedSeqs(conversationId: string) {
  const docs = await messageModel(s.conn)
    .find({ conversationId: new Types.ObjectId(conversationId) }, { seq: 1, clientId: 1 })
    .sort({ seq: 1 })
    .lean();
  return docs;
}
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('seqs under a burst in one conversation', () => {
  it('200 concurrent messages from one visitor are stored once each with seqs 2..201, one insert each', async () => {
    const { v, conversationId } = await openConversation();
    const n = 200;
    const ids = Array.from({ length: n }, () => cid());
    const { result: acks, commands } = await commandsDuring(() => Promise.all(ids.map((id, i) => send(v.socket, conversationId, id, `m${i}`))));

    expect(acks.filter((a) => !a.ok)).toEqual([]);
    const ackedSeqs = acks.map((a) => (a.ok ? a.data.seq : 0)).sort((a, b) => a - b);
    expect(ackedSeqs).toEqual(oneTo(n).map((x) => x + 1));
    // Sent in order on one socket, stored in that order.
    expect(acks.map((a) => (a.ok ? a.data.clientId : ''))).toEqual(ids);

    const stored = await storedSeqs(conversationId);
    expect(stored.map((d) => d.seq)).toEqual(oneTo(n + 1));
    expect(new Set(stored.map((d) => d.clientId)).size).toBe(n + 1);

    // The O(n²) pattern (every message racing for the same seq and retrying) would send
    // thousands of inserts; a lane sends one per message, plus a few guard reads.
    expect(count(commands, 'insert messages')).toBeLessThanOrEqual(n + 3);
    expect(count(commands, 'find conversations')).toBeLessThan(n / 4);
  });

  it('a burst where every message is also sent twice stores each once; both sends get the same message', async () => {
    const { v, conversationId } = await openConversation();
    const n = 60;
    const ids = Array.from({ length: n }, () => cid());
    const acks = await Promise.all([...ids, ...ids].map((id) => send(v.socket, conversationId, id, `text of ${id}`)));
    expect(acks.every((a) => a.ok)).toBe(true);
    const first = acks.slice(0, n);
    const again = acks.slice(n);
    expect(again).toEqual(first);
    expect((await storedSeqs(conversationId)).map((d) => d.seq)).toEqual(oneTo(n + 1));
  });

  it('messages whose sender stopped waiting are refused, not stored late; resent, they take the next seqs', async () => {
    const { v, conversationId } = await openConversation();
    const n = 200;
    const ids = Array.from({ length: n }, () => cid());
    const { result: acks, commands } = await commandsDuring(async () => {
      const pending = ids.map((id, i) => send(v.socket, conversationId, id, `m${i}`));
      await pending[0];
      // The sender's acknowledgement timeout passes while the rest wait in the lane.
      s.clock.advance(11_000);
      return Promise.all(pending);
    });

    const ok = acks.filter((a) => a.ok);
    const refused = acks.filter((a) => !a.ok);
    expect(ok.length + refused.length).toBe(n);
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) expect(a).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    // A refused message touched no database: only the stored ones were inserted.
    expect(count(commands, 'insert messages')).toBeLessThanOrEqual(ok.length + 3);
    const stored = await storedSeqs(conversationId);
    expect(stored.map((d) => d.seq)).toEqual(oneTo(ok.length + 1));

    // The client retries with the same clientIds: each is stored once, after the others.
    const refusedIds = ids.filter((_, i) => !acks[i]!.ok);
    const retried = await Promise.all(refusedIds.map((id) => send(v.socket, conversationId, id, 'again')));
    expect(retried.every((a) => a.ok)).toBe(true);
    const all = await storedSeqs(conversationId);
    expect(all.map((d) => d.seq)).toEqual(oneTo(n + 1));
    expect(new Set(all.map((d) => d.clientId))).toEqual(new Set([all[0]!.clientId, ...ids]));
  });

  it('a burst still refuses messages once the conversation has ended', async () => {
    const { v, conversationId } = await openConversation();
    expect((await ask(v.socket, 'chat:end', { conversationId })).ok).toBe(true);
    const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => send(v.socket, conversationId, cid(), `late ${i}`)));
    for (const a of acks) expect(a).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const texts = (
      await messageModel(s.conn)
        .find({ conversationId: new Types.ObjectId(conversationId) })
        .lean()
    ).map((m) => m.text);
    expect(texts.some((t) => t.startsWith('late'))).toBe(false);
  });
});
