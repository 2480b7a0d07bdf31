import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, cid, startTestServer, type TestServer } from '../test/harness.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';

interface Family {
  type: string;
  help: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** The Prometheus text exposition format (0.0.4), strictly: every sample belongs to a declared family. */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|NaN|\+Inf|-Inf))$/;
  const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/g;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      const f = families.get(name) ?? { type: '', help: '', samples: [] };
      if (kind === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped'], line).toContain(rest);
        f.type = rest;
      } else f.help = rest;
      families.set(name, f);
      continue;
    }
    const m = SAMPLE.exec(line);
    expect(m, `not a sample line: ${line}`).not.toBeNull();
    const [, name, labelText = ''] = m!;
    const labels: Record<string, string> = {};
    for (const l of labelText.matchAll(LABEL)) labels[l[1]!] = l[2]!;
    const family = families.get(name!) ?? families.get(name!.replace(/_(bucket|sum|count)$/, '')) ?? expect.unreachable(`sample ${name} has no # TYPE`);
    family.samples.push({ name: name!, labels, value: Number(m![3]) });
  }
  return families;
}

const sample = (f: Map<string, Family>, family: string, name: string, labels: Record<string, string>) =>
  f.get(family)?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('/metrics', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ config: { metricsToken: TOKEN }, monitorCommands: true, email: false });
  });
  afterAll(() => s.close());
  const scrape = async () => {
    const res = await s.api<string>('/metrics', { token: TOKEN });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(res.body);
  };

  it('requires the token: 401 without it or with another one', async () => {
    const none = await s.api('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(none.body.error.code).toBe('unauthorized');
    expect((await s.api('/metrics', { token: `${TOKEN}x` })).status).toBe(401);
    expect((await s.api('/metrics', { token: TOKEN.slice(0, -1) })).status).toBe(401);
    expect((await s.api('/metrics', { headers: { authorization: TOKEN } })).status).toBe(401);
  });

  it('names every metric with its type, and counts what happened since the last scrape', async () => {
    const before = await scrape();
    const types = Object.fromEntries([...before].map(([name, f]) => [name, f.type]));
    expect(types).toMatchObject({
      kamflo_http_requests_total: 'counter',
      kamflo_http_request_duration_seconds: 'histogram',
      kamflo_socket_events_total: 'counter',
      kamflo_socket_event_duration_seconds: 'histogram',
      kamflo_connected_visitors: 'gauge',
      kamflo_connected_agents: 'gauge',
      kamflo_chat_queue_length: 'gauge',
      kamflo_messages_stored_total: 'counter',
      kamflo_sla_alerts_fired_total: 'counter',
      kamflo_outbox_backlog: 'gauge',
      kamflo_db_command_duration_seconds: 'histogram',
      nodejs_eventloop_lag_seconds: 'gauge',
      nodejs_eventloop_lag_p99_seconds: 'gauge',
    });
    for (const [name, f] of before) expect(f.help, name).not.toBe('');
    const route = { method: 'GET', route: '/api/tickets/:number', status: '401' };
    const httpBefore = sample(before, 'kamflo_http_requests_total', 'kamflo_http_requests_total', route) ?? 0;

    // An HTTP request (by its route pattern, not its path), a visitor's chat (a socket event, a
    // stored message, a queued chat) and an agent's console.
    expect((await s.api('/api/tickets/12345')).status).toBe(401);
    expect((await s.api('/api/no-such-thing')).status).toBe(404);
    const v = await s.visitor();
    const started = await ask(v.socket, 'chat:start', { clientId: cid(), text: 'Hello there' });
    expect(started.ok).toBe(true);
    const agent = await s.createAgent('Ada');
    await s.agentSocket(agent.cookie);

    const after = await scrape();
    expect(sample(after, 'kamflo_http_requests_total', 'kamflo_http_requests_total', route)).toBe(httpBefore + 1);
    expect(sample(after, 'kamflo_http_request_duration_seconds', 'kamflo_http_request_duration_seconds_count', route)).toBe(httpBefore + 1);
    expect(sample(after, 'kamflo_http_requests_total', 'kamflo_http_requests_total', { route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    // No raw paths among the routes: ids would make a series each.
    const routes = after.get('kamflo_http_requests_total')!.samples.map((x) => x.labels.route);
    expect(routes.some((r) => r?.includes('12345') || r?.includes('no-such-thing'))).toBe(false);

    const event = { namespace: 'visitor', event: 'chat:start' };
    expect(sample(after, 'kamflo_socket_events_total', 'kamflo_socket_events_total', event)).toBe(1);
    expect(sample(after, 'kamflo_socket_event_duration_seconds', 'kamflo_socket_event_duration_seconds_count', event)).toBe(1);
    expect(sample(after, 'kamflo_socket_event_duration_seconds', 'kamflo_socket_event_duration_seconds_bucket', { ...event, le: '+Inf' })).toBe(1);
    expect(sample(after, 'kamflo_messages_stored_total', 'kamflo_messages_stored_total', { author: 'visitor' })).toBe(1);
    expect(sample(after, 'kamflo_connected_visitors', 'kamflo_connected_visitors', {})).toBe(1);
    expect(sample(after, 'kamflo_connected_agents', 'kamflo_connected_agents', {})).toBe(1);
    // The agent came online: the chat is offered to them, or still queued; either way it waits.
    const waiting =
      (sample(after, 'kamflo_chat_queue_length', 'kamflo_chat_queue_length', { state: 'queued' }) ?? 0) +
      (sample(after, 'kamflo_chat_queue_length', 'kamflo_chat_queue_length', { state: 'offered' }) ?? 0);
    expect(waiting).toBe(1);
    for (const outbox of ['customers', 'webhooks']) {
      for (const state of ['queued', 'retrying']) expect(sample(after, 'kamflo_outbox_backlog', 'kamflo_outbox_backlog', { outbox, state }), outbox).toBe(0);
    }
    expect(sample(after, 'kamflo_db_command_duration_seconds', 'kamflo_db_command_duration_seconds_count', { command: 'insert' })).toBeGreaterThan(0);
    expect(sample(after, 'kamflo_sla_alerts_fired_total', 'kamflo_sla_alerts_fired_total', {})).toBe(0);

    // A retried send stores nothing new, and is not counted as a message.
    const clientId = cid();
    const conversationId = started.ok ? started.data.conversation.id : '';
    await ask(v.socket, 'chat:message', { conversationId, clientId, text: 'again' });
    await ask(v.socket, 'chat:message', { conversationId, clientId, text: 'again' });
    const retried = await scrape();
    expect(sample(retried, 'kamflo_messages_stored_total', 'kamflo_messages_stored_total', { author: 'visitor' })).toBe(2);
    expect(sample(retried, 'kamflo_socket_events_total', 'kamflo_socket_events_total', { namespace: 'visitor', event: 'chat:message' })).toBe(2);

    // A made-up event name is counted without making a series of its own.
    (v.socket as unknown as { emit(e: string): void }).emit('no:such-event');
    await ask(v.socket, 'chat:sync', {});
    const made = await scrape();
    const events = made.get('kamflo_socket_events_total')!.samples.map((x) => x.labels.event);
    expect(events).not.toContain('no:such-event');
    expect(sample(made, 'kamflo_socket_events_total', 'kamflo_socket_events_total', { namespace: 'visitor', event: 'unknown' })).toBe(1);

    // An SLA alert fired (a high-priority ticket 3 h without a reply) moves its counter.
    const ticket = await s.api('/api/tickets', {
      cookie: agent.cookie,
      body: { requesterEmail: 'c@example.com', subject: 'urgent', message: 'm', priority: 'high', category: 'general' },
    });
    expect(ticket.status).toBe(201);
    s.clock.advance(3 * 3600_000);
    expect(await s.services.sla.sweep()).toBe(1);
    expect(sample(await scrape(), 'kamflo_sla_alerts_fired_total', 'kamflo_sla_alerts_fired_total', {})).toBe(1);

    // Backlogs: a customer delivery and a webhook delivery waiting for their retry (not yet due).
    const later = new Date(Date.now() + 86_400_000);
    await s.conn
      .collection<{ _id: string; state: string; nextAttemptAt: Date }>('deliveries')
      .insertOne({ _id: 'metrics-test:1:email', state: 'retrying', nextAttemptAt: later });
    await s.conn.collection('webhook_deliveries').insertOne({ state: 'retrying', nextAttemptAt: later });
    const backlog = await scrape();
    expect(sample(backlog, 'kamflo_outbox_backlog', 'kamflo_outbox_backlog', { outbox: 'customers', state: 'retrying' })).toBe(1);
    expect(sample(backlog, 'kamflo_outbox_backlog', 'kamflo_outbox_backlog', { outbox: 'webhooks', state: 'retrying' })).toBe(1);
  });
});

it('/metrics is a 404 when KAMFLO_METRICS_TOKEN is not set', async () => {
  const s = await startTestServer({ email: false });
  try {
    const res = await s.api('/metrics', { token: TOKEN });
    expect(res.status).toBe(404);
    expect(s.kamflo.metrics).toBeUndefined();
  } finally {
    await s.close();
  }
});
