import { afterEach, describe, expect, it } from 'vitest';
import type { AgentPresenceDto, ChatRequestDto, QueueStateDto } from '@kamflo/shared';
import { ask, askUnchecked, cid, next, startTestServer, type AgentSocket, type TestServer } from '../test/harness.ts';

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

const offered = (r: ChatRequestDto[]) => r.some((x) => x.state === 'offered');

async function withAgents(names: string[], opts: Parameters<typeof startTestServer>[0] = {}) {
  s = await startTestServer(opts);
  const agents = [];
  for (const n of names) {
    const a = await s.createAgent(n);
    agents.push({ ...a, socket: await s.agentSocket(a.cookie) });
  }
  return agents;
}

async function startChat(text = 'hello') {
  const v = await s.visitor();
  const res = (await ask(v.socket, 'chat:start', { clientId: cid(), text })) as any;
  return { ...v, conversationId: res.data.conversation.id as string };
}

async function acceptedChat(agentSocket: AgentSocket) {
  const offer = next(agentSocket, 'chat:requests', 5000, offered);
  const chat = await startChat();
  await offer;
  const accepted = await ask(agentSocket, 'chat:accept', { conversationId: chat.conversationId });
  expect(accepted, JSON.stringify(accepted)).toMatchObject({ ok: true });
  return chat;
}

describe('presence and capacity', () => {
  it('an agent who is Away is not offered chats, and is again once Online', async () => {
    const [ann] = await withAgents(['Ann']);
    const away = await ask(ann!.socket, 'agent:status', { status: 'away' });
    expect(away).toMatchObject({ ok: true, data: { status: 'away' } });
    const chat = await startChat();
    expect((await s.services.conversations.get(chat.conversationId)).status).toBe('queued');
    const offer = next(ann!.socket, 'chat:requests', 5000, offered);
    await ask(ann!.socket, 'agent:status', { status: 'online' });
    expect((await offer)[0]!.conversationId).toBe(chat.conversationId);
    expect(await askUnchecked(ann!.socket, 'agent:status', { status: 'busy' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('no agent is offered more chats than their capacity', async () => {
    s = await startTestServer();
    const a = await s.createAgent('Ann');
    await s.services.agents.Agent.updateOne({ email: a.email }, { $set: { capacity: 1 } });
    const sock = await s.agentSocket(a.cookie);
    await acceptedChat(sock);
    const second = await startChat();
    await s.services.router.sweep();
    expect((await s.services.conversations.get(second.conversationId)).status).toBe('queued');
  });

  it('a console reload within the grace period keeps the agent online; after it, their offers go back to the queue', async () => {
    s = await startTestServer({ config: { presenceGraceMs: 300 } });
    const a = await s.createAgent('Ann');
    let sock = await s.agentSocket(a.cookie);
    const offer = next(sock, 'chat:requests', 5000, offered);
    const chat = await startChat();
    await offer;
    sock.disconnect();
    sock = await s.agentSocket(a.cookie); // the reload
    expect(s.services.presence.isOnline(a.id)).toBe(true);
    expect((await ask(sock, 'chat:accept', { conversationId: chat.conversationId })).ok).toBe(true);

    const other = await startChat('second');
    await expect.poll(async () => (await s.services.conversations.get(other.conversationId)).status).toBe('offered');
    sock.disconnect();
    await expect.poll(() => s.services.presence.isOnline(a.id), { timeout: 3000 }).toBe(false);
    await expect.poll(async () => (await s.services.conversations.get(other.conversationId)).status, { timeout: 3000 }).toBe('queued');
    // Going offline is not a decline: the agent is offered it again on return.
    const back = await s.agentSocket(a.cookie);
    const again = await next(back, 'chat:requests', 5000, offered);
    expect(again.find((r) => r.state === 'offered')!.conversationId).toBe(other.conversationId);
  });

  it('team leads see who is online and how loaded; agents can list them to pick a colleague', async () => {
    const [ann, lee] = await withAgents(['Ann']).then(async (agents) => {
      const lead = await s.createAgent('Lee', 'team_lead');
      return [agents[0]!, { ...lead, socket: await s.agentSocket(lead.cookie) }];
    });
    // Lee takes no chats now, so the chat is Ann's (two idle agents are otherwise a tie).
    expect(await ask(lee!.socket, 'agent:status', { status: 'away' })).toMatchObject({ ok: true });
    await acceptedChat(ann!.socket);
    const list = (await ask(lee!.socket, 'presence:list', {})) as any;
    expect(list.data.find((p: AgentPresenceDto) => p.name === 'Ann')).toMatchObject({ status: 'online', activeChats: 1, capacity: 4 });
    const forAnn = (await ask(ann!.socket, 'presence:list', {})) as any;
    expect(forAnn.data.map((p: AgentPresenceDto) => p.name).sort()).toEqual(['Ann', 'Lee']);
  });
});

describe('the visitor in the queue', () => {
  it('sees their position and an estimated wait, and is offered to leave a message when nobody is online', async () => {
    s = await startTestServer();
    const first = await s.visitor();
    const firstState = next(first.socket, 'chat:queue');
    await ask(first.socket, 'chat:start', { clientId: cid(), text: 'one' });
    const second = await s.visitor();
    const secondState = next(second.socket, 'chat:queue');
    await ask(second.socket, 'chat:start', { clientId: cid(), text: 'two' });
    await s.services.router.publishRequests();
    // 90 s per chat up to and including yours, shared by the agents available (none counts as one).
    expect(await firstState).toMatchObject({ position: 1, etaSeconds: 90, offerLeaveMessage: true });
    expect(await secondState).toMatchObject({ position: 2, etaSeconds: 180, offerLeaveMessage: true });
  });

  it('is offered to leave a message after waiting past the queue timeout', async () => {
    const [ann] = await withAgents(['Ann'], { config: { queueTimeoutMs: 60_000 } });
    await ask(ann!.socket, 'agent:status', { status: 'away' });
    await ask(ann!.socket, 'agent:status', { status: 'online' });
    const v = await s.visitor();
    const early = next(v.socket, 'chat:queue');
    await ask(v.socket, 'chat:start', { clientId: cid(), text: 'hi' });
    expect(await early).toMatchObject({ position: 1, offerLeaveMessage: false });
    const late = next(v.socket, 'chat:queue', 5000, (q) => q.offerLeaveMessage);
    s.clock.advance(61_000);
    await s.services.router.publishRequests();
    await late;
  });

  it('the periodic sweep tells a waiting visitor about a change that only time made, within five ticks', async () => {
    // Offered to Ann, who neither accepts nor lets the (long) offer lapse: only the wait grows.
    await withAgents(['Ann'], { config: { queueTimeoutMs: 60_000, offerTimeoutMs: 600_000 } });
    const v = await s.visitor();
    const early = next(v.socket, 'chat:queue');
    await ask(v.socket, 'chat:start', { clientId: cid(), text: 'hi' });
    expect(await early).toMatchObject({ offerLeaveMessage: false });
    await s.services.router.sweep(5); // the sweeper has seen who is online: no change from here on
    let told = false;
    v.socket.on('chat:queue', (q: QueueStateDto) => (told ||= q.offerLeaveMessage));
    s.clock.advance(61_000);
    // Nothing else changes: the full pass comes on every fifth tick.
    for (let tick = 0; tick < 5; tick++) await s.services.router.sweep(5);
    await expect.poll(() => told).toBe(true);
  });
});

describe('ending, transferring and assigning', () => {
  it('the visitor ends the chat; writing again opens a new conversation linked to the old one', async () => {
    const [ann] = await withAgents(['Ann']);
    const chat = await acceptedChat(ann!.socket);
    const ended = await ask(chat.socket, 'chat:end', { conversationId: chat.conversationId });
    expect(ended).toMatchObject({ ok: true, data: { status: 'ended' } });
    expect(await ask(chat.socket, 'chat:message', { conversationId: chat.conversationId, clientId: cid(), text: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    const again = (await ask(chat.socket, 'chat:start', { clientId: cid(), text: 'one more thing' })) as any;
    expect(again.data.conversation.id).not.toBe(chat.conversationId);
    const conv = await s.services.conversations.get(again.data.conversation.id);
    expect(String(conv.previousConversationId)).toBe(chat.conversationId);
  });

  it('the agent ends the chat and the visitor is told', async () => {
    const [ann] = await withAgents(['Ann']);
    const chat = await acceptedChat(ann!.socket);
    const told = next(chat.socket, 'chat:message', 5000, (m) => /ended the chat/.test(m.text));
    expect(await ask(ann!.socket, 'chat:end', { conversationId: chat.conversationId })).toMatchObject({ ok: true, data: { status: 'ended' } });
    await told;
  });

  it('a transfer offers the chat to the colleague with the handoff note, which the visitor never sees', async () => {
    const [ann, bob] = await withAgents(['Ann', 'Bob']);
    // Make sure Ann gets the chat: Bob is away for a moment.
    await ask(bob!.socket, 'agent:status', { status: 'away' });
    const chat = await acceptedChat(ann!.socket);
    await ask(bob!.socket, 'agent:status', { status: 'online' });
    const seen: string[] = [];
    chat.socket.onAny((_e, p) => seen.push(JSON.stringify(p)));
    const NOTE = 'Customer on legacy plan; promised a callback';
    const toBob = next(bob!.socket, 'chat:requests', 5000, offered);
    const res = await ask(ann!.socket, 'chat:transfer', { conversationId: chat.conversationId, toAgentId: bob!.id, note: NOTE });
    expect(res).toMatchObject({ ok: true, data: { status: 'offered' } });
    expect((await toBob).find((r) => r.state === 'offered')).toMatchObject({ transferNote: NOTE, transferFrom: 'Ann' });
    const accepted = await ask(bob!.socket, 'chat:accept', { conversationId: chat.conversationId });
    expect(accepted).toMatchObject({ ok: true, data: { assignee: { name: 'Bob' }, handoffNotes: [{ by: 'Ann', text: NOTE }] } });
    const sync = await ask(chat.socket, 'chat:sync', { conversationId: chat.conversationId });
    expect(JSON.stringify(sync) + seen.join('')).not.toContain('legacy plan');
    // Bob now has it; Ann can no longer write.
    expect(await ask(ann!.socket, 'chat:message', { conversationId: chat.conversationId, clientId: cid(), text: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('a transfer back to the queue goes to the next agent, not back to the one who handed it over', async () => {
    const [ann, bob] = await withAgents(['Ann', 'Bob']);
    await ask(bob!.socket, 'agent:status', { status: 'away' });
    const chat = await acceptedChat(ann!.socket);
    await ask(bob!.socket, 'agent:status', { status: 'online' });
    const toBob = next(bob!.socket, 'chat:requests', 5000, offered);
    await ask(ann!.socket, 'chat:transfer', { conversationId: chat.conversationId, note: 'Needs billing access' });
    expect((await toBob).find((r) => r.state === 'offered')!.conversationId).toBe(chat.conversationId);
  });

  it('a team lead assigns a queued chat; agents may not', async () => {
    s = await startTestServer();
    const ann = await s.createAgent('Ann');
    const lee = await s.createAgent('Lee', 'team_lead');
    const annSock = await s.agentSocket(ann.cookie);
    await ask(annSock, 'agent:status', { status: 'away' });
    const leeSock = await s.agentSocket(lee.cookie);
    await ask(leeSock, 'agent:status', { status: 'away' });
    const chat = await startChat();
    expect(await ask(annSock, 'chat:assign', { conversationId: chat.conversationId, agentId: ann.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const assigned = next(annSock, 'chat:updated', 5000, (c) => c.status === 'active');
    expect(await ask(leeSock, 'chat:assign', { conversationId: chat.conversationId, agentId: ann.id })).toMatchObject({
      ok: true,
      data: { assignee: { name: 'Ann' } },
    });
    await assigned;
  });

  it('an idle chat ends by itself', async () => {
    const [ann] = await withAgents(['Ann'], { config: { idleChatMs: 60_000 } });
    const chat = await acceptedChat(ann!.socket);
    s.clock.advance(61_000);
    await s.services.sweep();
    expect((await s.services.conversations.get(chat.conversationId)).status).toBe('ended');
  });

  it('a chat with messages is not idle, however many come in a row', async () => {
    const [ann] = await withAgents(['Ann'], { config: { idleChatMs: 60_000 } });
    const chat = await acceptedChat(ann!.socket);
    // A message every 20 s: each one counts, though activity is recorded at most every 10 s.
    for (let i = 0; i < 4; i++) {
      s.clock.advance(20_000);
      expect(await ask(chat.socket, 'chat:message', { conversationId: chat.conversationId, clientId: cid(), text: `still here ${i}` })).toMatchObject({
        ok: true,
      });
      await s.services.sweep();
    }
    s.clock.advance(50_000);
    await s.services.sweep();
    expect((await s.services.conversations.get(chat.conversationId)).status).toBe('active');
    s.clock.advance(11_000);
    await s.services.sweep();
    expect((await s.services.conversations.get(chat.conversationId)).status).toBe('ended');
  });

  it('bad input on end, transfer and assign gets a clear error', async () => {
    const [ann] = await withAgents(['Ann']);
    for (const [event, payload] of [
      ['chat:end', {}],
      ['chat:transfer', { conversationId: '0'.repeat(24) }],
      ['chat:transfer', { conversationId: '0'.repeat(24), note: '' }],
      ['chat:assign', { conversationId: 'x', agentId: 'y' }],
      ['agent:status', {}],
    ] as const) {
      expect(await askUnchecked(ann!.socket, event, payload), event).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
  });
});

describe('typing and read receipts', () => {
  it('typing goes both ways; read receipts are remembered and told to the other side', async () => {
    const [ann] = await withAgents(['Ann']);
    const chat = await acceptedChat(ann!.socket);
    const agentSees = next(ann!.socket, 'chat:typing');
    chat.socket.emit('chat:typing', { conversationId: chat.conversationId, typing: true });
    expect(await agentSees).toEqual({ conversationId: chat.conversationId, typing: true });
    const visitorSees = next(chat.socket, 'chat:typing');
    ann!.socket.emit('chat:typing', { conversationId: chat.conversationId, typing: true });
    expect(await visitorSees).toMatchObject({ typing: true, name: 'Ann' });

    const readByVisitor = next(ann!.socket, 'chat:read');
    chat.socket.emit('chat:read', { conversationId: chat.conversationId, seq: 2 });
    expect(await readByVisitor).toEqual({ conversationId: chat.conversationId, seq: 2 });
    expect(await s.services.conversations.marks.seqOf(chat.conversationId, 'visitorRead')).toBe(2);
    expect((await s.services.chats.listForAgent(ann!.id)).chats[0]).toMatchObject({ visitorReadSeq: 2 });

    // The agent reads; a visitor who reloads learns it from the sync.
    const readByAgent = next(chat.socket, 'chat:read');
    ann!.socket.emit('chat:read', { conversationId: chat.conversationId, seq: 99 });
    expect(await readByAgent).toEqual({ conversationId: chat.conversationId, seq: 2 });
    const synced = (await ask(chat.socket, 'chat:sync', { conversationId: chat.conversationId, afterSeq: 0 })) as any;
    expect(synced.data.conversation).toMatchObject({ id: chat.conversationId, agentReadSeq: 2 });
  });
});

describe('the page the visitor is on', () => {
  it('follows the visitor as they browse: their agent is told, and a reloaded console shows it', async () => {
    const [ann] = await withAgents(['Ann']);
    const chat = await acceptedChat(ann!.socket);
    const moved = next(ann!.socket, 'chat:page');
    const sync = (page: string) => ask(chat.socket, 'chat:sync', { conversationId: chat.conversationId, afterSeq: 0, page });
    expect(await sync('https://shop.example/checkout')).toMatchObject({ ok: true });
    expect(await moved).toEqual({ conversationId: chat.conversationId, page: 'https://shop.example/checkout' });
    expect((await s.services.chats.listForAgent(ann!.id)).chats[0]).toMatchObject({ page: 'https://shop.example/checkout' });

    // The same page again (a reconnect) tells nobody anything.
    let told = 0;
    ann!.socket.on('chat:page', () => told++);
    await sync('https://shop.example/checkout');
    await sync('https://shop.example/thanks');
    await expect.poll(() => told).toBe(1);
    expect(await ask(chat.socket, 'chat:sync', { conversationId: chat.conversationId, page: 'x'.repeat(2001) })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });
});
