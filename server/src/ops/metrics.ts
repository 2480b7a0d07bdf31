import crypto from 'node:crypto';
import type { Connection } from 'mongoose';
import type { RequestHandler, Request } from 'express';
import type { Namespace } from 'socket.io';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConversationStatus, DeliveryState } from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { conversationModel } from '../chats/conversation.model.ts';
import { deliveryModel } from '../channels/delivery.model.ts';
import { webhookModels } from '../webhooks/webhook.model.ts';

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Waiting chats, as the routing pass sees them. */
const WAITING: ConversationStatus[] = ['queued', 'offered'];
/** Deliveries an outbox still has to send (customer deliveries and webhook deliveries share the states). */
const PENDING: DeliveryState[] = ['queued', 'retrying'];
/** A scrape's database counts give up after this; the gauges then keep their last value. */
const COUNT_TIMEOUT_MS = 2000;

/** What the namespaces' middleware put on a socket (realtime/io.ts), as far as the gauges read it. */
type SocketData = { visitor?: { site?: string; visitorId?: string }; agent?: { _id?: unknown } };

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/**
 * Prometheus metrics, one registry per app (tests build several apps in one process). Counters
 * and histograms move as things happen; gauges are read when scraped: in-memory socket state,
 * or an indexed count per state. Built (and served at /metrics) only when KAMFLO_METRICS_TOKEN is
 * set: with metrics off nothing is collected.
 */
export function createMetrics(deps: { conn: Connection; log: Logger }) {
  const { conn, log } = deps;
  const registry = new Registry();
  const registers = [registry];
  // Process metrics, among them the event-loop delay (nodejs_eventloop_lag_*) and the heap.
  collectDefaultMetrics({ register: registry });

  const httpRequests = new Counter({
    name: 'kamflo_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'kamflo_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS,
    registers,
  });
  const socketEvents = new Counter({
    name: 'kamflo_socket_events_total',
    help: 'Socket.IO events received, by namespace and event',
    labelNames: ['namespace', 'event'] as const,
    registers,
  });
  const socketDuration = new Histogram({
    name: 'kamflo_socket_event_duration_seconds',
    help: 'Socket.IO event latency until its acknowledgement, by namespace and event',
    labelNames: ['namespace', 'event'] as const,
    buckets: SECONDS,
    registers,
  });
  const messagesStored = new Counter({
    name: 'kamflo_messages_stored_total',
    help: 'Chat messages stored (retries of a stored message not counted), by author; rate() gives messages per second',
    labelNames: ['author'] as const,
    registers,
  });
  const slaAlerts = new Counter({ name: 'kamflo_sla_alerts_fired_total', help: 'SLA alerts fired by this process', registers });
  const dbDuration = new Histogram({
    name: 'kamflo_db_command_duration_seconds',
    help: 'Database round trips (driver command monitoring), by command name',
    labelNames: ['command'] as const,
    buckets: SECONDS,
    registers,
  });

  const sockets: Record<'visitor' | 'agent', Namespace | undefined> = { visitor: undefined, agent: undefined };
  /** Distinct ids among this process's sockets of a namespace (a visitor or agent with two tabs counts once). */
  const distinct = (ns: Namespace | undefined, id: (data: SocketData) => unknown) => {
    if (!ns) return 0;
    const ids = new Set<string>();
    for (const s of ns.sockets.values()) ids.add(String(id(s.data)));
    return ids.size;
  };
  new Gauge({
    name: 'kamflo_connected_visitors',
    help: 'Visitors with a connected widget on this process',
    registers,
    collect() {
      this.set(distinct(sockets.visitor, (d) => `${d.visitor?.site}:${d.visitor?.visitorId}`));
    },
  });
  new Gauge({
    name: 'kamflo_connected_agents',
    help: 'Agents with a connected console on this process',
    registers,
    collect() {
      this.set(distinct(sockets.agent, (d) => d.agent?._id));
    },
  });

  const Conversation = conversationModel(conn);
  const Delivery = deliveryModel(conn);
  const { WebhookDelivery } = webhookModels(conn);
  /** Database-wide, so every process reports the same value: aggregate with max(), not sum(). */
  async function countByState<L extends string>(
    gauge: Gauge<L | 'state'>,
    metric: string,
    states: string[],
    count: (state: string) => Promise<number>,
    labels = {} as Partial<Record<L, string>>,
  ) {
    try {
      const counts = await Promise.race([
        Promise.all(states.map(count)),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('count timed out')), COUNT_TIMEOUT_MS).unref()),
      ]);
      for (const [i, state] of states.entries()) gauge.set({ ...labels, state } as Partial<Record<L | 'state', string>>, counts[i]!);
    } catch (err) {
      log.debug({ err, metric }, 'metrics: count failed');
    }
  }
  new Gauge({
    name: 'kamflo_chat_queue_length',
    help: 'Chats waiting for an agent (queued, or offered and not yet accepted), all processes',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      await countByState(this, 'kamflo_chat_queue_length', WAITING, (status) => Conversation.countDocuments({ status }));
    },
  });
  new Gauge({
    name: 'kamflo_outbox_backlog',
    help: 'Deliveries an outbox has still to send (queued, or retrying after a failure): to customers, or to webhooks; all processes',
    labelNames: ['outbox', 'state'] as const,
    registers,
    async collect() {
      await Promise.all([
        countByState(this, 'kamflo_outbox_backlog', PENDING, (state) => Delivery.countDocuments({ state }), { outbox: 'customers' }),
        countByState(this, 'kamflo_outbox_backlog', PENDING, (state) => WebhookDelivery.countDocuments({ state }), { outbox: 'webhooks' }),
      ]);
    },
  });

  // Database round trips: needs the connection opened with monitorCommands (main.ts does when metrics are on).
  const client = conn.getClient();
  const onCommand = (e: { commandName: string; duration: number }) => dbDuration.observe({ command: e.commandName }, e.duration / 1000);
  client.on('commandSucceeded', onCommand);
  client.on('commandFailed', onCommand);

  /** Counts and times every HTTP request by its route pattern (never the raw path: ids would explode the series). */
  const http: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = { method: req.method, route: routeOf(req, res.statusCode), status: String(res.statusCode) };
      httpRequests.inc(labels);
      httpDuration.observe(labels, seconds(start));
    });
    next();
  };

  /**
   * Counts every event of the namespace's sockets and times it until its acknowledgement. Attach
   * before the rate limits: a refused event is counted too, its refusal being its answer.
   */
  function instrument(name: 'visitor' | 'agent', ns: Namespace) {
    sockets[name] = ns;
    ns.on('connection', (socket) => {
      socket.use((packet, next) => {
        const [event] = packet;
        // Only events with a handler are named: a client may send any event name.
        const labels = { namespace: name, event: typeof event === 'string' && socket.listeners(event).length > 0 ? event : 'unknown' };
        socketEvents.inc(labels);
        const last = packet.length - 1;
        const ack = packet[last];
        if (last > 0 && typeof ack === 'function') {
          const start = process.hrtime.bigint();
          packet[last] = (...args: unknown[]) => {
            socketDuration.observe(labels, seconds(start));
            return ack(...args);
          };
        }
        next();
      });
    });
  }

  /** GET /metrics: `Authorization: Bearer <token>` compared in constant time. */
  function endpoint(token: string): RequestHandler {
    const want = crypto.createHash('sha256').update(token).digest();
    return async (req, res, next) => {
      const given = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!crypto.timingSafeEqual(crypto.createHash('sha256').update(given).digest(), want)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        return next(new AppError('unauthorized', 'The metrics need Authorization: Bearer <KAMFLO_METRICS_TOKEN>'));
      }
      try {
        const body = await registry.metrics();
        res.setHeader('Content-Type', registry.contentType);
        res.send(body);
      } catch (err) {
        next(err);
      }
    };
  }

  return {
    registry,
    http,
    instrument,
    endpoint,
    messageStored: (author: string) => messagesStored.inc({ author }),
    slaAlertFired: () => slaAlerts.inc(),
    close() {
      client.off('commandSucceeded', onCommand);
      client.off('commandFailed', onCommand);
      registry.clear();
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

/** The matched route's pattern (`/api/tickets/:number`), or what kind of answer it was. */
function routeOf(req: Request, status: number): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl ?? ''}${route.path}`;
  return status === 404 ? 'unmatched' : 'other';
}
