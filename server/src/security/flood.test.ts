import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, cid, startTestServer, type TestServer } from '../test/harness.ts';
import { withLimits, type Config, type RateLimits } from '../config.ts';
import { messageModel } from '../chats/message.model.ts';
import { conversationModel } from '../chats/conversation.model.ts';
import { ticketModel } from '../tickets/ticket.model.ts';
import { DISCONNECT_AFTER_REFUSALS } from './socket-limits.ts';

// Attack class: flooding. One visitor token (free from POST /api/visitors) sending hundreds of
// events a second; many tokens from one address; an agent's console gone wild; anonymous
// ticket creation. Limits must refuse the excess with `rate_limited`, store nothing beyond the
// limit, do no database work for refused events, and hold across server processes.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Windows far longer than a test, so no window ends mid-flood.
const long = (points: number) => ({ points, seconds: 600 });

let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.reverse()) await s.close();
  servers = [];
});
async function server(limits: Partial<RateLimits>, more: { config?: Partial<Config>; dbName?: string; monitorCommands?: boolean } = {}) {
  const s = await startTestServer({ config: withLimits(limits, more.config), dbName: more.dbName, monitorCommands: more.monitorCommands });
  servers.push(s);
  return s;
}

type AckResult = { ok: boolean; error?: { code: string } };
const codes = (acks: AckResult[]) => {
  const count: Record<string, number> = {};
  for (const a of acks) {
    const k = a.ok ? 'ok' : a.error!.code;
    count[k] = (count[k] ?? 0) + 1;
  }
  return count;
};

/** The database commands sent while `fn` runs, presence heartbeats aside. */
async function commandsDuring(s: TestServer, fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const on = (e: { commandName: string; command: Record<string, unknown> }) => {
    const target = String(e.command[e.commandName] ?? '');
    if (target !== 'presence') seen.push(`${e.commandName} ${target}`);
  };
  const client = s.conn.getClient();
  client.on('commandStarted', on);
  try {
    await fn();
  } finally {
    client.off('commandStarted', on);
  }
  return seen;
}

describe('socket events are rate-limited', () => {
  it('one visitor flooding chat:message and chat:start gets rate_limited past the limit; nothing beyond it is stored, and refused events touch no database', async () => {
    const s = await server({ visitorEvents: long(20) }, { monitorCommands: true });
    const flooder = await s.visitor();
    const start = (await ask(flooder.socket, 'chat:start', { clientId: cid(), text: 'first' })) as any;
    expect(start.ok).toBe(true);
    const conversationId = start.data.conversation.id as string;
    await s.services.router.rebalance(); // the start's routing pass, done before we count

    // 19 more fit in the limit (20 events per window, the start included)…
    for (let i = 0; i < 19; i++) expect((await ask(flooder.socket, 'chat:message', { conversationId, clientId: cid(), text: `m${i}` })).ok).toBe(true);

    // …then a flood, all at once: 500 messages and 300 starts in one go.
    let acks: PromiseSettledResult<AckResult>[] = [];
    const gone = new Promise((resolve) => flooder.socket.once('disconnect', resolve));
    const commands = await commandsDuring(s, async () => {
      acks = await Promise.allSettled([
        ...Array.from({ length: 500 }, (_, i) => ask(flooder.socket, 'chat:message', { conversationId, clientId: cid(), text: `flood ${i}` })),
        ...Array.from({ length: 300 }, (_, i) => ask(flooder.socket, 'chat:start', { clientId: cid(), text: `start ${i}` })),
      ]);
    });
    // Refused, each with rate_limited, until the socket showed it ignores refusals: then it is
    // disconnected and the rest goes unanswered. None of it reached the database.
    const answered = acks.filter((a) => a.status === 'fulfilled').map((a) => a.value);
    expect(codes(answered)).toEqual({ rate_limited: DISCONNECT_AFTER_REFUSALS });
    await gone;
    expect(commands).toEqual([]);
    const Message = messageModel(s.conn);
    expect(await Message.countDocuments({ conversationId: new Types.ObjectId(conversationId) })).toBe(20);
    expect(await conversationModel(s.conn).countDocuments({ visitorId: flooder.visitorId })).toBe(1);

    // Another visitor (another token) is served as usual.
    const other = await s.visitor();
    expect(await ask(other.socket, 'chat:start', { clientId: cid(), text: 'hello, anyone?' })).toMatchObject({ ok: true });
  });

  it('concurrent starts past the limit are refused however they interleave, and the accepted ones open one conversation', async () => {
    // Ten accepted at once: enough to race for the open-conversation claim.
    const s = await server({ visitorEvents: long(10) });
    const flooder = await s.visitor();
    // Fewer refusals than DISCONNECT_AFTER_REFUSALS (20), so every event is answered.
    const acks = (await Promise.all(
      Array.from({ length: 25 }, (_, i) => ask(flooder.socket, 'chat:start', { clientId: cid(), text: `s${i}` })),
    )) as AckResult[];
    expect(codes(acks)).toEqual({ ok: 10, rate_limited: 15 });
    const conv = await conversationModel(s.conn).find({ visitorId: flooder.visitorId }).lean();
    expect(conv).toHaveLength(1);
    expect(await messageModel(s.conn).countDocuments({ conversationId: conv[0]!._id })).toBe(10);
  });

  it('reconnecting is no way round it: handshakes count against the address, and a token over its limit cannot reconnect', async () => {
    const s = await server({ visitorEvents: long(1000), addressEvents: long(5) });
    const { token } = (await s.api('/api/visitors', { body: {} })).body;
    const results = [];
    for (let i = 0; i < 7; i++) {
      results.push(
        await s.visitorSocket(token).then(
          (sock) => {
            sock.disconnect();
            return 'connected';
          },
          (err: Error) => err.message,
        ),
      );
    }
    expect(results).toEqual(['connected', 'connected', 'connected', 'connected', 'connected', 'rate_limited', 'rate_limited']);

    const t = await server({ visitorEvents: long(3) });
    const flooder = await t.visitor();
    const gone = new Promise((resolve) => flooder.socket.once('disconnect', resolve));
    await Promise.allSettled(Array.from({ length: 40 }, () => ask(flooder.socket, 'chat:sync', {})));
    await gone;
    await expect(t.visitorSocket(flooder.token)).rejects.toMatchObject({ message: 'rate_limited' });
    // Another visitor connects as usual.
    expect((await t.visitor()).socket.connected).toBe(true);
  });

  it('many visitor tokens from one address share the address limit', async () => {
    // 40 for the address: 10 handshakes and 30 events.
    const s = await server({ visitorEvents: long(100), addressEvents: long(40) });
    const visitors = await Promise.all(Array.from({ length: 10 }, () => s.visitor()));
    const acks = (await Promise.all(
      visitors.flatMap((v) => Array.from({ length: 5 }, (_, i) => ask(v.socket, 'chat:start', { clientId: cid(), text: `hi ${i}` }))),
    )) as AckResult[];
    expect(codes(acks)).toEqual({ ok: 30, rate_limited: 20 });
    expect(await messageModel(s.conn).countDocuments({})).toBe(30);
  });

  it('an agent’s console is limited per agent, whatever the number of its sockets', async () => {
    const s = await server({ agentEvents: long(40) });
    const ann = await s.createAgent('Ann');
    const sockets = [await s.agentSocket(ann.cookie), await s.agentSocket(ann.cookie)];
    const acks = (await Promise.all(sockets.flatMap((sock) => Array.from({ length: 25 }, () => ask(sock, 'chat:list', {}))))) as AckResult[];
    expect(codes(acks)).toEqual({ ok: 40, rate_limited: 10 });
    // Another agent is unaffected.
    const bob = await s.createAgent('Bob');
    expect(await ask(await s.agentSocket(bob.cookie), 'chat:list', {})).toMatchObject({ ok: true });
  });

  it('holds across server processes sharing Redis: two processes do not double the limit', async () => {
    const shared = { redisUrl: REDIS_URL, redisKey: `kamflo-test-${crypto.randomBytes(4).toString('hex')}` };
    const a = await server({ visitorEvents: long(20) }, { config: shared });
    const b = await server({ visitorEvents: long(20) }, { config: shared, dbName: a.dbName });
    const { token } = (await a.api('/api/visitors', { body: {} })).body;
    const onA = await a.visitorSocket(token);
    const onB = await b.visitorSocket(token);
    const acks = (await Promise.all(
      [onA, onB].flatMap((sock) => Array.from({ length: 15 }, (_, i) => ask(sock, 'chat:start', { clientId: cid(), text: `x${i}` }))),
    )) as AckResult[];
    expect(codes(acks)).toEqual({ ok: 20, rate_limited: 10 });
  });
});

describe('anonymous ticket creation is rate-limited', () => {
  it('leave-a-message: one visitor creates at most its share of tickets; one address at most the public limit', async () => {
    const s = await server({ publicTickets: long(8) }); // a visitor token gets a quarter: 2
    const one = await s.visitor();
    const leave = (socket: typeof one.socket, i: number) =>
      ask(socket, 'chat:leave-message', { email: 'x@example.com', text: `please call me back ${i}` }) as Promise<AckResult>;
    // One after the other, as the report's attacker did (each leaves a new conversation's ticket).
    const mine: AckResult[] = [];
    for (let i = 0; i < 20; i++) mine.push(await leave(one.socket, i));
    expect(codes(mine)).toEqual({ ok: 2, rate_limited: 18 });

    // Fresh tokens from the same address: the address limit (8 in all) stops them.
    const others = await Promise.all(Array.from({ length: 5 }, () => s.visitor()));
    const theirs: AckResult[] = [];
    for (const v of others) for (let i = 0; i < 2; i++) theirs.push(await leave(v.socket, i));
    expect(codes(theirs)).toEqual({ ok: 6, rate_limited: 4 });
    expect(await ticketModel(s.conn).countDocuments({})).toBe(8);
  });

  it('Help Center requests and new visitor tokens are limited per address, with Retry-After', async () => {
    const s = await server({ publicTickets: long(3), newVisitors: long(4) });
    const body = { name: 'Mia', email: 'mia@example.com', subject: 'Refund', message: 'Please refund order 7' };
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await s.api('/api/helpcenter/requests', { body })).status);
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    const refused = await s.api('/api/helpcenter/requests', { body });
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await ticketModel(s.conn).countDocuments({})).toBe(3);

    const tokens = [];
    for (let i = 0; i < 6; i++) tokens.push((await s.api('/api/visitors', { body: {} })).status);
    expect(tokens).toEqual([201, 201, 201, 201, 429, 429]);
  });

  it('sign-in attempts count across processes sharing Redis', async () => {
    const shared = { redisUrl: REDIS_URL, redisKey: `kamflo-test-${crypto.randomBytes(4).toString('hex')}` };
    const a = await server({ signIn: long(4) }, { config: shared });
    const b = await server({ signIn: long(4) }, { config: shared, dbName: a.dbName });
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const s = i % 2 ? b : a;
      statuses.push((await s.api('/api/auth/sign-in', { body: { email: 'x@example.com', password: 'a guess' } })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });
});
