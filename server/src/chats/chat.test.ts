import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequestDto, MessageDto } from '@kamflo/shared';
import { Types } from 'mongoose';
import { claimKey, openClaimModel } from './conversation.model.ts';
import { ask, askUnchecked, cid, next, startTestServer, type TestServer } from '../test/harness.ts';

let s: TestServer;
beforeEach(async () => {
  s = await startTestServer();
});
afterEach(async () => {
  await s.close();
});

const offered = (r: ChatRequestDto[]) => r.some((x) => x.state === 'offered');

describe('a visitor chat, offered, accepted and answered', () => {
  it('offers the first message to an online agent, who accepts; both sides exchange messages in order', async () => {
    const alice = await s.createAgent('Alice');
    const agent = await s.agentSocket(alice.cookie);
    const v = await s.visitor();

    const offer = next(agent, 'chat:requests', 5000, offered);
    const started = await ask(v.socket, 'chat:start', { clientId: cid(), text: 'My invoice is wrong', page: 'https://shop.example/billing', locale: 'de' });
    expect(started.ok).toBe(true);
    const conversationId = (started as any).data.conversation.id;
    const [request] = await offer;
    expect(request).toMatchObject({ conversationId, firstMessage: 'My invoice is wrong', state: 'offered', page: 'https://shop.example/billing' });
    expect(Date.parse(request!.waitingSince)).not.toBeNaN();

    const joined = next(v.socket, 'chat:updated', 5000, (c: any) => c.status === 'active');
    const accepted = await ask(agent, 'chat:accept', { conversationId });
    // The agent sees the language the visitor's widget speaks.
    expect(accepted).toMatchObject({ ok: true, data: { status: 'active', assignee: { name: 'Alice' }, locale: 'de' } });
    expect(await joined).toMatchObject({ agentName: 'Alice' });

    const atAgent = next(agent, 'chat:message', 5000, (m) => m.text === 'Hello?');
    await ask(v.socket, 'chat:message', { conversationId, clientId: cid(), text: 'Hello?' });
    expect((await atAgent).author).toBe('visitor');

    const atVisitor = next(v.socket, 'chat:message', 5000, (m) => m.author === 'agent');
    await ask(agent, 'chat:message', { conversationId, clientId: cid(), text: 'Hi, Alice here' });
    expect((await atVisitor).text).toBe('Hi, Alice here');

    // A reload on either side restores the whole conversation, in order.
    const visitorView = await ask(v.socket, 'chat:sync', {});
    const agentView = await ask(agent, 'chat:sync', { conversationId });
    const texts = (r: any) => r.data.messages.map((m: MessageDto) => m.text);
    expect(texts(visitorView)).toEqual(['My invoice is wrong', 'Alice joined the chat', 'Hello?', 'Hi, Alice here']);
    expect(texts(agentView)).toEqual(texts(visitorView));
    const seqs = (visitorView as any).data.messages.map((m: MessageDto) => m.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('refuses a language that is not a language tag, storing nothing', async () => {
    const v = await s.visitor();
    const res = await askUnchecked(v.socket, 'chat:start', { clientId: cid(), text: 'hi', locale: '<script>' });
    expect(res).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((res as any).error.message).toMatch(/locale/);
    expect(await s.services.conversations.Conversation.countDocuments({ visitorId: v.visitorId })).toBe(0);
  });

  it('stores a retried message once and acknowledges it with the same id and seq', async () => {
    const v = await s.visitor();
    const clientId = cid();
    const first = await ask(v.socket, 'chat:start', { clientId, text: 'once' });
    const again = await ask(v.socket, 'chat:start', { clientId, text: 'once' });
    expect(again.ok && first.ok).toBe(true);
    const conversationId = (first as any).data.conversation.id;
    expect((again as any).data.message).toEqual((first as any).data.message);
    const msgClient = cid();
    const m1 = await ask(v.socket, 'chat:message', { conversationId, clientId: msgClient, text: 'twice?' });
    const m2 = await ask(v.socket, 'chat:message', { conversationId, clientId: msgClient, text: 'twice?' });
    expect((m2 as any).data).toEqual((m1 as any).data);
    const sync = await ask(v.socket, 'chat:sync', { conversationId });
    expect((sync as any).data.messages.map((m: MessageDto) => m.text)).toEqual(['once', 'twice?']);
  });
});

describe('decline and the queue', () => {
  it('a decline offers the chat to the next agent; with nobody left it waits in the queue every agent sees', async () => {
    const a = await s.createAgent('Ann');
    const b = await s.createAgent('Bob');
    const sa = await s.agentSocket(a.cookie);
    const sb = await s.agentSocket(b.cookie);
    const v = await s.visitor();

    const offers = [next(sa, 'chat:requests', 5000, offered).then(() => 'a'), next(sb, 'chat:requests', 5000, offered).then(() => 'b')];
    const started = await ask(v.socket, 'chat:start', { clientId: cid(), text: 'help' });
    const conversationId = (started as any).data.conversation.id;
    const first = await Promise.race(offers);
    const [firstSock, secondSock] = first === 'a' ? [sa, sb] : [sb, sa];

    // Only one agent holds the offer; the other may not accept it.
    const notYours = await ask(secondSock, 'chat:accept', { conversationId });
    expect(notYours).toMatchObject({ ok: false });

    const secondOffer = next(secondSock, 'chat:requests', 5000, offered);
    expect(await ask(firstSock, 'chat:decline', { conversationId })).toEqual({ ok: true, data: null });
    expect((await secondOffer)[0]).toMatchObject({ conversationId, state: 'offered' });

    const queuedForFirst = next(firstSock, 'chat:requests', 5000, (r) => r.some((x) => x.state === 'queued'));
    const queuedForSecond = next(secondSock, 'chat:requests', 5000, (r) => r.some((x) => x.state === 'queued'));
    expect(await ask(secondSock, 'chat:decline', { conversationId })).toEqual({ ok: true, data: null });
    await Promise.all([queuedForFirst, queuedForSecond]);

    // Anyone can take it from the queue; the second taker is told it is taken.
    const took = await ask(firstSock, 'chat:take', { conversationId });
    expect(took).toMatchObject({ ok: true });
    expect(await ask(secondSock, 'chat:take', { conversationId })).toMatchObject({ ok: false, error: { code: 'already_taken' } });

    const conv = await s.services.conversations.get(conversationId);
    expect(conv.routing.map((r) => r.type)).toEqual(['queued', 'offered', 'declined', 'offered', 'declined', 'taken']);
  });

  it('with no agent online the chat waits in the queue and is offered when one signs in', async () => {
    const v = await s.visitor();
    const started = await ask(v.socket, 'chat:start', { clientId: cid(), text: 'anyone?' });
    const conversationId = (started as any).data.conversation.id;
    expect((started as any).data.conversation.status).toBe('queued');

    const carol = await s.createAgent('Carol');
    const sock = await s.agentSocket(carol.cookie);
    const [req] = await next(sock, 'chat:requests', 5000, offered);
    expect(req!.conversationId).toBe(conversationId);
  });

  it('an offer not answered in time goes to the next agent', async () => {
    const a = await s.createAgent('Ann');
    const b = await s.createAgent('Bob');
    const sa = await s.agentSocket(a.cookie);
    const sb = await s.agentSocket(b.cookie);
    const v = await s.visitor();
    const gotA = next(sa, 'chat:requests', 5000, offered).then(() => sb);
    const gotB = next(sb, 'chat:requests', 5000, offered).then(() => sa);
    const { data } = (await ask(v.socket, 'chat:start', { clientId: cid(), text: 'hello' })) as any;
    const other = await Promise.race([gotA, gotB]);
    const reoffered = next(other, 'chat:requests', 5000, offered);
    s.clock.advance(31_000);
    await s.services.router.sweep();
    expect((await reoffered)[0]!.conversationId).toBe(data.conversation.id);
    const conv = await s.services.conversations.get(data.conversation.id);
    expect(conv.routing.map((r) => r.type)).toContain('timeout');
  });
});

describe('races are settled by the database', () => {
  it('two agents taking the same queued chat at once: exactly one gets it', async () => {
    const agents = await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => s.createAgent(n)));
    const visitors = await Promise.all(Array.from({ length: 5 }, () => s.visitor()));
    const ids: string[] = [];
    for (const v of visitors) ids.push(((await ask(v.socket, 'chat:start', { clientId: cid(), text: 'hi' })) as any).data.conversation.id);
    const socks = await Promise.all(agents.map((a) => s.agentSocket(a.cookie)));
    // Once every chat is offered to someone, all agents race on take and accept.
    await expect.poll(() => s.services.conversations.Conversation.countDocuments({ status: 'offered' }), { timeout: 5000 }).toBe(5);
    for (const conversationId of ids) {
      const results = await Promise.all(socks.flatMap((sock) => [ask(sock, 'chat:take', { conversationId }), ask(sock, 'chat:accept', { conversationId })]));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    }
  });

  it('concurrent messages in one conversation get contiguous seqs, none lost', async () => {
    const a = await s.createAgent('Ann');
    const sock = await s.agentSocket(a.cookie);
    const v = await s.visitor();
    const offered = next(sock, 'chat:requests', 5000, (r) => r.some((x) => x.state === 'offered'));
    const conversationId = ((await ask(v.socket, 'chat:start', { clientId: cid(), text: 'start' })) as any).data.conversation.id;
    await offered;
    await ask(sock, 'chat:accept', { conversationId });
    const sends = Array.from({ length: 20 }, (_, i) => ask(i % 2 ? sock : v.socket, 'chat:message', { conversationId, clientId: cid(), text: `m${i}` }));
    const acks = await Promise.all(sends);
    expect(acks.every((x) => x.ok)).toBe(true);
    const sync = (await ask(v.socket, 'chat:sync', { conversationId })) as any;
    const seqs = sync.data.messages.map((m: MessageDto) => m.seq);
    // No gaps, no repeats: 1..n in order, so "sync after the last contiguous seq" misses nothing.
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(sync.data.messages.filter((m: MessageDto) => /^m\d+$/.test(m.text))).toHaveLength(20);
  });
  it('a start whose process died between claiming and writing the conversation does not block the next start', async () => {
    const v = await s.visitor();
    // What a SIGKILL right after the claim leaves behind: a claim naming a conversation never written.
    const orphan = new Types.ObjectId();
    await openClaimModel(s.conn).create({ _id: claimKey('default', v.visitorId), conversationId: orphan, at: new Date() });
    const res = (await ask(v.socket, 'chat:start', { clientId: cid(), text: 'still there?' })) as any;
    expect(res).toMatchObject({ ok: true, data: { conversation: { id: String(orphan) }, message: { text: 'still there?' } } });
    // Two racing starts on such a claim write it once.
    const w = await s.visitor();
    const orphan2 = new Types.ObjectId();
    await openClaimModel(s.conn).create({ _id: claimKey('default', w.visitorId), conversationId: orphan2, at: new Date() });
    const both = (await Promise.all([1, 2].map(() => ask(w.socket, 'chat:start', { clientId: cid(), text: 'hello' })))) as any[];
    expect(both.map((r) => r.data?.conversation.id)).toEqual([String(orphan2), String(orphan2)]);
    expect(await s.services.conversations.Conversation.countDocuments({ visitorId: w.visitorId })).toBe(1);
  });
});

describe('visitors see only their own conversations', () => {
  it("refuses another visitor's conversation on every event", async () => {
    const owner = await s.visitor();
    const other = await s.visitor();
    const { data } = (await ask(owner.socket, 'chat:start', { clientId: cid(), text: 'private' })) as any;
    const conversationId = data.conversation.id;
    expect(await ask(other.socket, 'chat:sync', { conversationId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await ask(other.socket, 'chat:message', { conversationId, clientId: cid(), text: 'sneaky' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const own = await ask(owner.socket, 'chat:sync', { conversationId });
    expect((own as any).data.messages.map((m: MessageDto) => m.text)).toEqual(['private']);
  });

  it('refuses a socket without a valid token', async () => {
    await expect(s.visitorSocket('forged.default.signature')).rejects.toThrow();
    const { token } = (await s.api('/api/visitors', { body: {} })).body;
    const tampered = token.replace(/^./, (c: string) => (c === 'A' ? 'B' : 'A'));
    await expect(s.visitorSocket(tampered)).rejects.toThrow();
  });

  it('refuses an agent socket without a session', async () => {
    await expect(s.agentSocket('kamflo_session=nope')).rejects.toThrow();
  });
});

describe('bad input on every chat event gets an error ack and stores nothing', () => {
  it('visitor events', async () => {
    const v = await s.visitor();
    const bad = [
      ['chat:start', { clientId: 'x', text: 'hi' }],
      ['chat:start', { clientId: cid(), text: '   ' }],
      ['chat:start', { clientId: cid(), text: 'a'.repeat(5001) }],
      ['chat:start', { clientId: cid(), text: 'hi', extra: true }],
      ['chat:start', 'not an object'],
      ['chat:message', { conversationId: 'nope', clientId: cid(), text: 'hi' }],
      ['chat:sync', { afterSeq: -1 }],
      ['chat:leave-message', { email: 'not-an-email', text: 'hi' }],
    ] as const;
    for (const [event, payload] of bad) {
      const res = await askUnchecked(v.socket, event, payload);
      expect(res, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(await s.services.conversations.Conversation.countDocuments()).toBe(0);
  });

  it('agent events', async () => {
    const a = await s.createAgent('Ann');
    const sock = await s.agentSocket(a.cookie);
    for (const [event, payload] of [
      ['chat:accept', {}],
      ['chat:decline', { conversationId: 42 }],
      ['chat:take', null],
      ['chat:message', { conversationId: '0'.repeat(24), text: 'hi' }],
      ['chat:sync', { conversationId: 'x' }],
    ] as const) {
      expect(await askUnchecked(sock, event, payload), event).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(await ask(sock, 'chat:accept', { conversationId: '0'.repeat(24) })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
