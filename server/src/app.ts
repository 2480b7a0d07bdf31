import type { TicketDoc } from './tickets/ticket.model.ts';
import http from 'node:http';
import express from 'express';
import { Types, type Connection } from 'mongoose';
import type { Config } from './config.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import type { Logger } from './lib/logger.ts';
import { loadSigningSecret } from './db/settings.ts';
import { runMigrations } from './db/migrations.ts';
import { loadAuditKey } from './tickets/audit-key.ts';
import { createEventChain } from './tickets/event-chain.ts';
import { ticketTimelineMigration } from './tickets/timeline-migration.ts';
import { createTicketTallies, ticketTalliesMigration } from './tickets/ticket-tallies.ts';
import { createAgentService } from './agents/agent.service.ts';
import { createPresence } from './agents/presence.ts';
import { authRoutes } from './agents/auth.routes.ts';
import { agentAdminRoutes } from './agents/agent-admin.routes.ts';
import { createAgentAdmin } from './agents/agent-admin.service.ts';
import { createSiteService } from './sites/site.service.ts';
import { createVisitorTokens, type VisitorIdentity } from './visitors/visitor-token.ts';
import { visitorRoutes } from './visitors/visitor.routes.ts';
import { createVisitorProfiles } from './visitors/identity.ts';
import { attachTokenRenewal, siteRoom } from './visitors/token-renewal.ts';
import { siteRoutes } from './sites/site.routes.ts';
import { socketRevoker } from './agents/session-revocation.ts';
import { guardAgentSessions } from './agents/session-guard.ts';
import { createRateLimits } from './security/rate-limits.ts';
import { httpLimits } from './security/http-limits.ts';
import { limitSocketEvents } from './security/socket-limits.ts';
import { createClientAddress, handshakeFacts } from './security/client-address.ts';
import { createOriginCheck } from './security/origin.ts';
import { apiHeaders, noSniff, socketHeaders } from './http/security.ts';
import { createNotifier } from './realtime/notify.ts';
import { createIo } from './realtime/io.ts';
import { attachCluster, noPeers } from './realtime/cluster.ts';
import { createRouter } from './chats/routing.ts';
import { createConversationStore } from './chats/conversation-store.ts';
import { createChatService, type ChatHooks } from './chats/chat.service.ts';
import { createChatControl } from './chats/chat-control.ts';
import { attachVisitorSocket } from './chats/visitor.socket.ts';
import { createVisitorHistory } from './chats/visitor-history.ts';
import { attachAgentSocket } from './chats/agent.socket.ts';
import { createTicketStore, TIMELINE_PAGE_MAX } from './tickets/ticket-store.ts';
import { createTicketSearch, ticketSearchMigration } from './tickets/ticket-search.ts';
import { createSavedViews, savedViewRoutes } from './tickets/saved-views.ts';
import { createTicketCounts } from './tickets/ticket-counts.ts';
import { createTicketQueries } from './tickets/ticket-queries.ts';
import { createTicketIntake, type TicketIntake } from './tickets/ticket-intake.ts';
import { createTicketActions } from './tickets/ticket-actions.ts';
import { ticketRoutes } from './tickets/ticket.routes.ts';
import { helpCenterRoutes } from './helpcenter/helpcenter.routes.ts';
import { createArticleService } from './helpcenter/article.service.ts';
import { publicHelpCenter, robotsTxt } from './helpcenter/public-site.ts';
import { createSearchIndex } from './helpcenter/search-index.ts';
import { createDeflection } from './helpcenter/deflection.ts';
import { healthRoutes } from './http/health.ts';
import { createReadiness } from './ops/readiness.ts';
import { createMetrics } from './ops/metrics.ts';
import { requestLog } from './ops/request-log.ts';
import { createApiRoutes } from './http/api-routes.ts';
import { createApiTokenService } from './api-tokens/api-token.service.ts';
import { apiTokenRoutes } from './api-tokens/api-token.routes.ts';
import { createWebhooks } from './webhooks/webhook.service.ts';
import { webhookRoutes } from './webhooks/webhook.routes.ts';
import { chatEndedPayload, chatStartedPayload, messagePayload, ticketPayloads } from './webhooks/webhook-events.ts';
import { openApiDocument, openApiRoutes } from './http/openapi.ts';
import { createSessionCookie } from './agents/session-cookie.ts';
import { KAMFLO_VERSION } from './version.ts';
import { errorHandler, notFoundHandler } from './http/errors.ts';
import { defaultStaticDirs, staticRoutes, type StaticDirs } from './http/static.ts';
import { kamfloModels, syncIndexes } from './db/indexes.ts';
import { ensureFerretDbIndexes } from './db/ferretdb-indexes.ts';
import { createClaims } from './db/claims.ts';
import { createSettingsService } from './settings/settings.service.ts';
import { settingsRoutes } from './settings/settings.routes.ts';
import { createNotificationService } from './notifications/notification.service.ts';
import { notificationRoutes } from './notifications/notification.routes.ts';
import { createSlaSweeper } from './sla/sla.sweeper.ts';
import { visitorRoom } from './realtime/notify.ts';
import { createWidgetChannel } from './channels/widget.channel.ts';
import { createChannels } from './channels/channels.ts';
import { createEmailService } from './email/email.service.ts';
import { emailRoutes, emailDocumentRoutes } from './email/email.routes.ts';
import { createTelegram } from './social/telegram/telegram.service.ts';
import { socialFileRoutes, socialRoutes } from './social/social.routes.ts';

export interface AppDeps {
  conn: Connection;
  config: Config;
  log: Logger;
  clock?: Clock;
  staticDirs?: StaticDirs;
  /** Run the routing sweeper on a timer (tests call router.sweep() by hand instead). */
  sweepIntervalMs?: number | false;
  /** How often the SLA alert sweeper runs (off with sweepIntervalMs: false; tests call sla.sweep()). */
  slaSweepIntervalMs?: number;
  /** How often the outbox sends what is due (off with sweepIntervalMs: false; tests call channels.outbox.runDue()). */
  outboxIntervalMs?: number;
  /** Tests: where to fail as a process that died there would (ticket-store.ts). */
  faults?: { ticketAfterCommit?: (t: TicketDoc) => void };
}

/** Build the whole server without listening: tests build it on port 0. */
export async function createApp(deps: AppDeps) {
  const { conn, config, log } = deps;
  const clock = deps.clock ?? systemClock;

  await syncIndexes(conn);
  if (config.ferretdbPostgresUrl) {
    // Faster lookups, not correctness: a server that cannot add them still serves, and says why.
    await ensureFerretDbIndexes({ postgresUrl: config.ferretdbPostgresUrl, conn, models: kamfloModels(conn), log }).catch((err) =>
      log.error({ err }, 'FerretDB: could not add the GIN indexes (KAMFLO_FERRETDB_POSTGRES_URL); lookups will read whole tables'),
    );
  }
  const secret = await loadSigningSecret(conn, config.secret);

  const app = express();
  app.disable('x-powered-by');
  const address = createClientAddress(config.trustProxy);
  app.set('trust proxy', config.trustProxy);
  const httpServer = http.createServer(app);
  const { io, visitors: visitorNs, agents: agentNs } = createIo(httpServer);
  socketHeaders(io);
  const cluster = config.redisUrl ? await attachCluster(io, { url: config.redisUrl, key: config.redisKey, log }) : null;
  const limits = createRateLimits({ limits: config.limits, redis: cluster?.redis, keyPrefix: config.redisKey, log });
  const origins = createOriginCheck({ consoleOrigins: config.consoleOrigins, address });
  const readiness = createReadiness({ conn, redis: cluster?.redis });
  const metrics = config.metricsToken ? createMetrics({ conn, log }) : undefined;

  const notify = createNotifier(visitorNs, agentNs);
  // Late-bound: presence is needed to build the router, and going offline needs the router.
  let onAgentOffline = (_agentId: string) => {};
  const presence = createPresence(conn, clock, {
    graceMs: config.presenceGraceMs,
    heartbeatMs: config.presenceHeartbeatMs,
    onOffline: (id) => onAgentOffline(id),
    onAvailability: (online) => notify.allVisitors('agents:availability', { online }),
    log,
  });
  await presence.start();
  const sites = createSiteService({ conn, clock });
  await sites.ensureDefault();
  const tokens = createVisitorTokens({ secret, clock, ttlMs: config.visitorTokenTtlMs, siteSecret: sites.secretOf });
  const agents = createAgentService({ conn, clock, cookieSecure: config.cookieSecure, revoke: socketRevoker(agentNs) });
  const claims = createClaims(conn);
  const conversations = createConversationStore(conn);
  const router = createRouter({
    conversations,
    clock,
    presence,
    notify,
    claims,
    offerTimeoutMs: config.offerTimeoutMs,
    queueTimeoutMs: config.queueTimeoutMs,
    peers: cluster?.peers ?? noPeers,
    log,
  });
  const webhooks = createWebhooks({ conn, clock, claims, log, allowLocalhost: config.webhooksAllowLocalhost });
  // Help Center deflection: a chat or a left message after a suggested article counts as asking anyway.
  const deflection = createDeflection({ conn, claims, clock });
  const countContact = (v: VisitorIdentity) => void deflection.contacted(v).catch((err) => log.error({ err }, 'deflection count failed'));
  const hooks: ChatHooks = {
    onChatStarted: (c) => {
      webhooks.emit(chatStartedPayload(c));
      countContact({ site: c.site, visitorId: c.visitorId });
    },
    onMessage: (c, m) => {
      webhooks.emit(messagePayload(c, m));
      // A social conversation's agent and system messages go to the customer's app.
      if (c.channel) telegram.onChatMessage(c, m).catch((err) => log.warn({ err, conversationId: String(c._id) }, 'recording a Telegram delivery failed'));
    },
    onChatEnded: (c) => webhooks.emit(chatEndedPayload(c)),
  };
  const chats = createChatService({ conversations, clock, notify, presence, router, claims, hooks, log });
  const settings = createSettingsService({ conn });
  const notifications = createNotificationService({ conn, clock, notify });
  // Customer channels (channels/): every customer-facing message goes through them.
  const email = createEmailService({ conn, config: config.email, clock, claims, log });
  const widgetChannel = createWidgetChannel({
    chats,
    conversations,
    claims,
    clock,
    isVisitorConnected: async (visitorId) => (await visitorNs.in(visitorRoom(visitorId)).fetchSockets()).length > 0,
  });
  // Social channels (social/): Telegram bots connected per site by admins.
  const telegram = createTelegram({
    conn,
    clock,
    log,
    notify,
    apiUrl: config.telegramApiUrl,
    publicUrl: config.publicUrl,
    chats,
    conversations,
    siteExists: (site) =>
      sites.get(site).then(
        () => true,
        () => false,
      ),
  });
  const channels = createChannels({
    conn,
    clock,
    claims,
    log,
    notify,
    channels: { widget: widgetChannel, telegram: telegram.channel, ...(email.channel ? { email: email.channel } : {}) },
  });
  telegram.useOutbox(channels.outbox);
  channels.onConversationDelivery(telegram.onDelivery);
  const chain = createEventChain(await loadAuditKey({ conn, auditKey: config.auditKey, secret: config.secret, dataDir: config.dataDir }));
  await runMigrations({
    conn,
    claims,
    log,
    migrations: [ticketTimelineMigration({ conn, chain }), ticketTalliesMigration({ conn }), ticketSearchMigration({ conn })],
  });
  const tallies = createTicketTallies({ conn, claims });
  const ticketStore = createTicketStore({
    conn,
    clock,
    claims,
    settings,
    notify,
    chain,
    tallies,
    log,
    ...(deps.faults?.ticketAfterCommit ? { faults: { afterCommit: deps.faults.ticketAfterCommit } } : {}),
  });
  const ticketSearch = createTicketSearch({ conn, Ticket: ticketStore.Ticket });
  const tickets = {
    store: ticketStore,
    chain,
    search: ticketSearch,
    counts: createTicketCounts({ store: ticketStore, tallies, clock, notify }),
    queries: createTicketQueries({ store: ticketStore, chain, clock, detail: channels.detail, search: ticketSearch }),
    intake: createTicketIntake({ store: ticketStore, conversations, chats, claims }),
    actions: createTicketActions({ store: ticketStore, clock, settings, agents, notifications, customers: channels }),
  };
  email.attachInbound({
    tickets: { Ticket: ticketStore.Ticket, fromEmail: tickets.intake.fromEmail, customerEmail: tickets.actions.customerEmail },
    channels,
    owner: () => channels.outbox.owner(),
  });
  const sla = createSlaSweeper({
    conn,
    clock,
    claims,
    ticketStore,
    ticketActions: tickets.actions,
    settings,
    notifications,
    log,
    onFired: metrics?.slaAlertFired,
  });
  const control = createChatControl({ conversations, clock, chats, router, claims, presence, notify, agents, idleChatMs: config.idleChatMs, log, hooks });
  const history = createVisitorHistory({
    conversations,
    notify,
    // One lookup by _id each (a visitor has a handful of tickets): FerretDB serves those, not an `$in`.
    async ticketStatuses(ids) {
      const found = await Promise.all(ids.map((id) => ticketStore.Ticket.findById(id, { status: 1 }).lean()));
      return new Map(found.flatMap((t) => (t ? [[String(t._id), t.status] as const] : [])));
    },
    // A converted chat or a left message is the ticket's conversation; a Help Center request's is claimed (widget.channel.ts).
    async conversationOfTicket(t) {
      if (t.conversationId) return t.conversationId;
      const owner = (await claims.holder(`ticket-conversation:${t._id}`))?.owner;
      return owner ? new Types.ObjectId(owner) : null;
    },
  });
  // A live hint for the widget, not something a write owes: a lost one is corrected at the next sync.
  ticketStore.onPublished((t, written) => {
    history.ticketChanged(t, written).catch((err) => log.warn({ err, ticket: t.number }, 'telling the visitor of a ticket status failed'));
  });
  // What a ticket write owes once committed, repeated by the follow-up sweep if this process dies
  // first (both are idempotent: deliveries and webhook deliveries are keyed by ticket and seq).
  ticketStore.onCommitted(async (t, written) => {
    for (const e of written)
      if (e.type === 'reply' && e.visibility === 'public')
        await channels.deliver(t, {
          seq: e.seq,
          kind: 'reply',
          text: e.text ?? '',
          ...(e.actorId ? { author: { id: e.actorId, name: e.actorName ?? '' } } : {}),
        });
  });
  ticketStore.onCommitted(async (t, written) => {
    for (const p of ticketPayloads(t, written)) await webhooks.enqueue(p);
  });
  // Last, so a failing index write holds up no delivery; the follow-up sweep repeats it (postings are idempotent inserts).
  ticketStore.onCommitted((t, written) => ticketSearch.indexChange(t, written, async () => (await ticketStore.transcriptPage(t, 0, TIMELINE_PAGE_MAX)).items));
  onAgentOffline = () => {
    // Offers to an agent who left go back to the queue and on to the next agent.
    router.sweep().catch((err) => log.warn({ err }, 'sweep after going offline failed'));
  };
  if (metrics) hooks.onMessageStored = (message) => metrics.messageStored(message.author);
  hooks.onCustomerMessageOnTicket = async (conv, message) => {
    if (conv.ticketId) await tickets.actions.customerMessage(conv.ticketId, message, conv.visitorName);
  };

  // Request ids and logs first, so every answer (refusals too) has an id; then the metrics' timer.
  app.use(requestLog(log));
  if (metrics) app.use(metrics.http);
  // Requests in flight, so shutdown can let them finish.
  let inFlight = 0;
  app.use((_req, res, next) => {
    // Draining: keep-alive clients are told to take their next request elsewhere.
    if (readiness.draining) res.setHeader('Connection', 'close');
    inFlight++;
    res.on('close', () => inFlight--);
    next();
  });
  app.use(noSniff);
  app.use(['/api', '/healthz', '/readyz', '/metrics'], apiHeaders);
  // Forged cross-origin requests are refused before anything reads the body or the cookie; the
  // widget's two public POSTs take a visitor token, never a cookie, and may come from anywhere.
  app.use(origins.http(['POST /api/visitors', 'POST /api/helpcenter/requests']));
  app.use(httpLimits(limits));
  app.use(express.json({ limit: '64kb' }));
  const apiTokens = createApiTokenService({ conn, clock });
  const api = createApiRoutes({ agents, tokens, apiTokens });
  healthRoutes(api.route, readiness);
  // Off (a 404) unless KAMFLO_METRICS_TOKEN is set; not an HttpApi route: the answer is Prometheus text.
  if (metrics && config.metricsToken) app.get('/metrics', metrics.endpoint(config.metricsToken));
  const agentAdmin = createAgentAdmin({
    conn,
    clock,
    agents,
    log,
    claims,
    publicUrl: config.publicUrl,
    // A new capacity or role counts from the next routing pass; a larger capacity may take queued chats now.
    onInfoChanged: async (agentId, info) => {
      await presence.updateInfo(agentId, info);
      await router.rebalance();
    },
  });
  authRoutes(api.route, agents, (agent) => agentAdmin.audit({ id: String(agent._id), email: agent.email }, 'change-password', agent));
  agentAdminRoutes(api.route, { admin: agentAdmin });
  const search = createSearchIndex({ conn, clock, peers: cluster?.peers ?? noPeers });
  const articles = createArticleService({ conn, clock, onPublishedChange: search.changed, publicUrl: config.publicUrl });
  visitorRoutes(api.route, {
    tokens,
    sites,
    presence,
    profiles: createVisitorProfiles({ conn, clock }),
    clock,
    serverSecret: secret,
    emailEnabled: () => channels.has('email'),
    helpCenterEnabled: async (site) => (await articles.getSettings(site)).enabled,
  });
  siteRoutes(api.route, { sites, onRotated: revokeSite });
  helpCenterRoutes(api.route, { intake: tickets.intake, articles, search, deflection });
  ticketRoutes(api.route, { ...tickets, conversations });
  savedViewRoutes(api.route, createSavedViews({ conn, store: ticketStore, search: ticketSearch, clock }));
  settingsRoutes(api.route, { settings });
  notificationRoutes(api.route, { notifications });
  emailRoutes(api.route, { email, channels, store: ticketStore });
  apiTokenRoutes(api.route, { apiTokens });
  webhookRoutes(api.route, { webhooks });
  socialRoutes(api.route, { telegram });
  app.use(api.router);
  app.use(
    openApiRoutes(() =>
      openApiDocument(api.registry, {
        version: KAMFLO_VERSION,
        sessionCookie: createSessionCookie(config.cookieSecure).name,
        scopeOf: (r) => r.scope,
      }),
    ),
  );
  app.use(publicHelpCenter({ articles, search, intake: tickets.intake, publicUrl: config.publicUrl }));
  app.use(robotsTxt({ articles, publicUrl: config.publicUrl }));
  app.use(emailDocumentRoutes({ conn, agents, email }));
  app.use(socialFileRoutes({ agents, telegram }));
  app.use(staticRoutes(deps.staticDirs ?? defaultStaticDirs));
  app.use(notFoundHandler);
  app.use(errorHandler(log));

  // Counted before the limits, so refused events are counted too.
  metrics?.instrument('visitor', visitorNs);
  metrics?.instrument('agent', agentNs);
  // Limits first: a refused event reaches nothing else. Per visitor token and per address for
  // visitors (tokens are free, addresses are not); leaving a message also counts as a public ticket.
  const visitorKey = (s: { data: { visitor: { site: string; visitorId: string } } }) => `${s.data.visitor.site}:${s.data.visitor.visitorId}`;
  limitSocketEvents(visitorNs, limits, {
    keys: (s) => [
      [limits.visitorEvents, visitorKey(s)],
      [limits.addressEvents, address.of(handshakeFacts(s))],
    ],
    extra: {
      'chat:leave-message': (s) => [
        [limits.publicTicketsPerVisitor, visitorKey(s)],
        [limits.publicTickets, address.of(handshakeFacts(s))],
      ],
    },
    handshake: {
      charge: (s) => [[limits.addressEvents, address.of(handshakeFacts(s))]],
      // The token's own key, read (unverified) from the token: it can only refuse a token whose
      // events, charged after verification, are over the limit.
      refuseWhileOver: (s) => {
        const [visitorId, site] = String(s.handshake.auth?.token ?? '').split('.');
        return visitorId && site ? [[limits.visitorEvents, `${site}:${visitorId}`]] : [];
      },
    },
  });
  limitSocketEvents(agentNs, limits, { keys: (s) => [[limits.agentEvents, String(s.data.agent._id)]] });
  agentNs.use(origins.socket);
  guardAgentSessions(agentNs, { agents, clock, everyMs: 60_000 });
  const renewal = attachTokenRenewal(visitorNs, { tokens, clock, log });
  const intake: TicketIntake = {
    ...tickets.intake,
    leaveMessage: async (v, input) => {
      const left = await tickets.intake.leaveMessage(v, input);
      countContact(v);
      return left;
    },
  };
  attachVisitorSocket(visitorNs, { tokens, chats, control, intake, history, presence, log });
  attachAgentSocket(agentNs, { agents, chats, control, ticketCounts: tickets.counts, presence, router, notify, log });

  /** A site's secret was rotated (here or on another process): its tokens and sockets are done. */
  function forgetSite(site: string) {
    tokens.forgetSite(site);
    visitorNs.in(siteRoom(site)).disconnectSockets(true);
  }
  function revokeSite(site: string) {
    forgetSite(site);
    cluster?.peers.share('site-secret-rotated', { site });
  }
  cluster?.peers.on('site-secret-rotated', (p) => tokens.forgetSite(String((p as { site: string }).site)));

  /**
   * Timers of live chat: lapsed offers and offers to agents who left (every tick), the full
   * routing pass and idle chats (on every 5th tick when nothing changed: they only move with time,
   * and each reads every live conversation). Called by hand (tests), it does everything.
   */
  let ticks = 0;
  async function sweep(periodic = false) {
    await router.sweep(periodic ? 5 : 1);
    if (!periodic || ++ticks % 5 === 0) await control.endIdleChats();
  }
  let sweeper: NodeJS.Timeout | undefined;
  let renewer: NodeJS.Timeout | undefined;
  let followUpSweeper: NodeJS.Timeout | undefined;
  if (deps.sweepIntervalMs !== false) {
    sweeper = setInterval(() => sweep(true).catch((err) => log.warn({ err }, 'chat sweep failed')), deps.sweepIntervalMs ?? 1000);
    sweeper.unref();
    renewer = setInterval(() => renewal.sweep().catch((err) => log.warn({ err }, 'visitor token renewal failed')), 60_000);
    renewer.unref();
    sla.start(deps.slaSweepIntervalMs ?? 30_000);
    channels.outbox.start(deps.outboxIntervalMs ?? 10_000);
    webhooks.start(deps.outboxIntervalMs ?? 10_000);
    followUpSweeper = setInterval(
      () => ticketStore.sweepFollowUps().catch((err) => log.warn({ err }, 'ticket follow-up sweep failed')),
      deps.outboxIntervalMs ?? 10_000,
    );
    followUpSweeper.unref();
    telegram.start(10_000);
    channels.outbox.runSoon();
  }
  await email.start({ timers: deps.sweepIntervalMs !== false });
  await agents.sweepExpiredSessions();

  /** Stop accepting, let in-flight requests finish, close sockets. The caller closes the database. */
  async function close(graceMs = 10_000): Promise<void> {
    readiness.drain();
    clearInterval(sweeper);
    clearInterval(renewer);
    clearInterval(followUpSweeper);
    await sla.stop();
    await channels.outbox.stop();
    await webhooks.stop();
    telegram.stop();
    await email.close();
    await presence.stop();
    const closed = new Promise<void>((resolve) => io.close(() => resolve()));
    httpServer.closeIdleConnections?.();
    const deadline = Date.now() + graceMs;
    while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    httpServer.closeAllConnections?.();
    await closed;
    await cluster?.close();
    metrics?.close();
  }

  return {
    app,
    io,
    httpServer,
    close,
    /** What /readyz answers; drain() makes it 503 from then on (close() starts with it). */
    readiness,
    routes: api.registry,
    metrics,
    services: {
      agents,
      agentAdmin,
      conversations,
      chats,
      control,
      tickets,
      router,
      presence,
      sites,
      tokens,
      apiTokens,
      webhooks,
      sweep,
      settings,
      notifications,
      sla,
      email,
      channels,
      telegram,
      limits,
      /** Hand connected widgets fresh visitor tokens (every minute on a timer; tests call it by hand). */
      renewVisitorTokens: renewal.sweep,
      revokeSite,
    },
  };
}
export type KamfloApp = Awaited<ReturnType<typeof createApp>>;
