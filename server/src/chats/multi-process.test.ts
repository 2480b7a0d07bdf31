import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentPresenceDto, ChatRequestDto } from '@kamflo/shared';
import { ask, cid, next, startTestServer, type TestServer } from '../test/harness.ts';
import { claimModel } from '../db/claims.ts';
import { routeKey } from './routing.ts';
import { presenceModel } from '../agents/presence.model.ts';
import type { Config } from '../config.ts';

// Two server processes of one installation: one database, one Redis. Each test gets its own
// database and its own Redis channel prefix.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let servers: TestServer[] = [];
afterEach(async () => {
  // The second process first: the first owns (and drops) the database.
  for (const s of servers.reverse()) await s.close();
  servers = [];
});

async function twoProcesses(config: Partial<Config> = {}) {
  const shared = { redisUrl: REDIS_URL, redisKey: `kamflo-test-${crypto.randomBytes(4).toString('hex')}`, ...config };
  const a = await startTestServer({ config: shared });
  const b = await startTestServer({ config: shared, dbName: a.dbName });
  servers.push(a, b);
  return [a, b] as const;
}

const offered = (r: ChatRequestDto[]) => r.some((x) => x.state === 'offered');

describe('a second server process changes nothing', () => {
  it('a visitor on one process is offered to an agent on the other; messages, typing and presence cross', async () => {
    const [a, b] = await twoProcesses();
    const ann = await b.createAgent('Ann');
    const annSocket = await b.agentSocket(ann.cookie);
    const lee = await a.createAgent('Lee', 'team_lead');
    const leeSocket = await a.agentSocket(lee.cookie);
    await expect.poll(async () => (await a.services.router.presenceList()).map((p) => p.name)).toContain('Ann');

    const v = await a.visitor();
    const offer = next(annSocket, 'chat:requests', 5000, offered);
    const started = (await ask(v.socket, 'chat:start', { clientId: cid(), text: 'hi from A' })) as any;
    const conversationId = started.data.conversation.id as string;
    expect((await offer)[0]).toMatchObject({ conversationId, firstMessage: 'hi from A' });

    const joined = next(v.socket, 'chat:updated', 5000, (c) => c.status === 'active');
    expect(await ask(annSocket, 'chat:accept', { conversationId })).toMatchObject({ ok: true, data: { status: 'active' } });
    expect(await joined).toMatchObject({ agentName: 'Ann' });

    // The lead on process A watches Ann's load, which process B changed.
    await expect
      .poll(async () => ((await ask(leeSocket, 'presence:list', {})) as any).data.find((p: AgentPresenceDto) => p.name === 'Ann'))
      .toMatchObject({ status: 'online', activeChats: 1 });

    const toAgent = next(annSocket, 'chat:message', 5000, (m) => m.text === 'second');
    await ask(v.socket, 'chat:message', { conversationId, clientId: cid(), text: 'second' });
    // Process A stored seq 1 and B the join notice (2): A's remembered seq is stale, and the
    // unique seq index makes it take 3, with no gap.
    expect(await toAgent).toMatchObject({ author: 'visitor', conversationId, seq: 3 });
    expect((await a.services.chats.messagesAfter(new Types.ObjectId(conversationId), 0)).map((m) => m.seq)).toEqual([1, 2, 3]);

    const toVisitor = next(v.socket, 'chat:message', 5000, (m) => m.text === 'hello from B');
    await ask(annSocket, 'chat:message', { conversationId, clientId: cid(), text: 'hello from B' });
    expect(await toVisitor).toMatchObject({ author: 'agent', authorName: 'Ann' });

    const typing = next(v.socket, 'chat:typing', 5000, (t: { typing: boolean }) => t.typing);
    annSocket.emit('chat:typing', { conversationId, typing: true });
    await typing;
  });

  it('visitors on either process see whether anyone is online, and Away on one process holds on the other', async () => {
    const [a, b] = await twoProcesses();
    const v = await a.visitor();
    const ann = await b.createAgent('Ann');
    const online = next(v.socket, 'agents:availability', 5000, (s) => s.online);
    const annSocket = await b.agentSocket(ann.cookie);
    await online;

    const away = next(v.socket, 'agents:availability', 5000, (s) => !s.online);
    expect(await ask(annSocket, 'agent:status', { status: 'away' })).toMatchObject({ ok: true, data: { status: 'away' } });
    await away;
    // A second console of Ann's, on the other process, does not flip her back to Online.
    await a.agentSocket(ann.cookie);
    await a.services.router.rebalance();
    expect((await a.services.router.presenceList()).find((p) => p.name === 'Ann')).toMatchObject({ status: 'away' });
    const chat = (await ask(v.socket, 'chat:start', { clientId: cid(), text: 'anyone?' })) as any;
    await b.services.router.sweep();
    expect((await a.services.conversations.get(chat.data.conversation.id)).status).toBe('queued');
  });

  it('a chat offered to an agent whose process died is offered to an agent on the live process', async () => {
    const [a, b] = await twoProcesses({ presenceHeartbeatMs: 100 });
    const ann = await b.createAgent('Ann');
    const annSocket = await b.agentSocket(ann.cookie);
    const bob = await a.createAgent('Bob');
    const bobSocket = await a.agentSocket(bob.cookie);
    await ask(bobSocket, 'agent:status', { status: 'away' });
    await expect.poll(async () => (await a.services.router.presenceList()).map((p) => p.name).sort()).toEqual(['Ann', 'Bob']);

    const v = await a.visitor();
    const toAnn = next(annSocket, 'chat:requests', 5000, offered);
    const chat = (await ask(v.socket, 'chat:start', { clientId: cid(), text: 'help' })) as any;
    const conversationId = chat.data.conversation.id as string;
    await toAnn;

    // Process B loses its database for good: no more heartbeats, as after a SIGKILL.
    await b.conn.close(true);
    await ask(bobSocket, 'agent:status', { status: 'online' });
    const toBob = next(bobSocket, 'chat:requests', 5000, (r) => r.some((x) => x.state === 'offered' && x.conversationId === conversationId));
    await expect
      .poll(
        async () => {
          await a.services.router.sweep();
          return String((await a.services.conversations.get(conversationId)).offeredTo);
        },
        // Process B's heartbeat going stale is wall-clock time (300 ms here); a loaded machine can take far longer to notice.
        { timeout: 30_000, interval: 200 },
      )
      .toBe(bob.id);
    await toBob;
    const conv = await a.services.conversations.get(conversationId);
    expect(conv.routing.map((r) => r.type)).toEqual(['queued', 'offered', 'offline', 'offered']);
    expect(String(conv.offeredTo)).toBe(bob.id);
  });

  it('both processes routing at once never offer one chat to two agents, nor an agent more than their capacity', async () => {
    const [a, b] = await twoProcesses();
    const agents = [];
    for (const [name, server] of [
      ['Ann', a],
      ['Bob', b],
      ['Cy', a],
      ['Di', b],
    ] as const) {
      const agent = await server.createAgent(name);
      await server.services.agents.Agent.updateOne({ email: agent.email }, { $set: { capacity: 2 } });
      agents.push({ ...agent, socket: await server.agentSocket(agent.cookie) });
    }
    await expect.poll(async () => (await b.services.router.presenceList()).length).toBe(4);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const v = await (i % 2 ? a : b).visitor();
      const res = (await ask(v.socket, 'chat:start', { clientId: cid(), text: `chat ${i}` })) as any;
      ids.push(res.data.conversation.id);
    }
    await Promise.all([a.services.router.sweep(), b.services.router.sweep(), a.services.router.rebalance(), b.services.router.rebalance()]);

    const convs = await Promise.all(ids.map((id) => a.services.conversations.get(id)));
    const offeredNow = convs.filter((c) => c.status === 'offered');
    expect(offeredNow).toHaveLength(8); // 4 agents x capacity 2; the rest wait in the queue
    expect(convs.filter((c) => c.status === 'queued')).toHaveLength(4);
    const perAgent = new Map<string, number>();
    for (const c of offeredNow) perAgent.set(String(c.offeredTo), (perAgent.get(String(c.offeredTo)) ?? 0) + 1);
    expect([...perAgent.values()].every((n) => n <= 2)).toBe(true);
    // Each offered chat has exactly one route claim, naming the agent it is offered to.
    const Claim = claimModel(a.conn);
    for (const c of offeredNow) {
      const claims = await Claim.find({ _id: routeKey(c._id) }).lean();
      expect(claims.map((x) => x.owner)).toEqual([String(c.offeredTo)]);
    }
  });
});

describe('presence of processes long gone', () => {
  it("a late heartbeat (a busy database) never hides a process's own agents from itself", async () => {
    const s = await startTestServer();
    servers.push(s);
    const ann = await s.createAgent('Ann');
    await s.agentSocket(ann.cookie);
    await expect.poll(() => s.services.presence.isOnline(ann.id)).toBe(true);
    // As if this process's heartbeat writes had not landed for an hour.
    await presenceModel(s.conn).updateMany({}, { $set: { heartbeatAt: new Date(Date.now() - 3_600_000) } });
    await s.services.presence.refresh();
    expect(s.services.presence.availableIds()).toEqual([ann.id]);
  });

  it('is deleted by the heartbeat, so reading presence never slows down with restarts', async () => {
    const s = await startTestServer({ config: { presenceHeartbeatMs: 10 } });
    servers.push(s);
    const Presence = presenceModel(s.conn);
    const gone = { agentId: new Types.ObjectId(), processId: 'gone', name: 'Old', role: 'agent' as const, capacity: 4, status: 'online' as const, sockets: 1 };
    await Presence.create({ _id: 'old:gone', ...gone, heartbeatAt: new Date(Date.now() - 86_400_000) });
    await expect.poll(() => Presence.countDocuments({ _id: 'old:gone' }), { timeout: 5000 }).toBe(0);
    expect(s.services.presence.isOnline(String(gone.agentId))).toBe(false);
  });
});
