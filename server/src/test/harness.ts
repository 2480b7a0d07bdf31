import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import {
  AGENT_NAMESPACE,
  VISITOR_NAMESPACE,
  type AgentClientEvents,
  type AgentServerEvents,
  type Role,
  type VisitorClientEvents,
  type VisitorServerEvents,
} from '@kamflo/shared';
import { connectDatabase } from '../db/connect.ts';
import { createApp, type AppDeps } from '../app.ts';
import { testConfig, type Config } from '../config.ts';
import { createLogger, silentLogger, type Logger } from '../lib/logger.ts';
import { manualClock, type ManualClock } from '../lib/clock.ts';
import { startSmtpCatcher, type SmtpCatcher } from './smtp-catcher.ts';

export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;
export type VisitorSocket = Socket<VisitorServerEvents, VisitorClientEvents>;

/**
 * A real server on port 0 against the real database (a fresh database per call), with helpers
 * that act like real clients: HTTP with cookies, and socket.io-client sockets.
 */
export async function startTestServer(
  opts: {
    config?: Partial<Config>;
    clock?: ManualClock;
    dbName?: string;
    /** Email settings on top of the default: outbound SMTP to a catcher the test reads (false: email off). */
    email?: Partial<Config['email']> | false;
    /** Use this catcher instead of a fresh one. */
    catcher?: SmtpCatcher;
    /** Emit the driver's commandStarted events on `conn.getClient()` (tests that count database work). */
    monitorCommands?: boolean;
    /** Places to fail as a process that died there would (AppDeps.faults). */
    faults?: AppDeps['faults'];
    /** The server's logger (tests that read what is logged). */
    log?: Logger;
  } = {},
) {
  const clock = opts.clock ?? manualClock(new Date());
  // Customer-facing messages need a channel that reaches the customer: by default, email to a
  // real SMTP server the test can read back.
  const mail = opts.email === false ? null : (opts.catcher ?? (await startSmtpCatcher()));
  const baseConfig = testConfig(opts.config);
  const config: Config = {
    ...baseConfig,
    email:
      opts.email === false
        ? baseConfig.email
        : { ...baseConfig.email, smtpUrl: mail!.url, supportAddress: { name: 'Acme Support', address: 'support@acme.test' }, ...opts.email },
  };
  // A second process of the same installation shares the first one's database (and leaves it be).
  const ownsDatabase = !opts.dbName;
  const dbName = opts.dbName ?? `kamflo_test_${crypto.randomBytes(5).toString('hex')}`;
  const conn = await connectDatabase(inject('mongoUri'), { dbName, monitorCommands: opts.monitorCommands });
  const kamflo = await createApp({
    conn,
    config,
    log: opts.log ?? (process.env.KAMFLO_TEST_LOG ? createLogger(process.env.KAMFLO_TEST_LOG) : silentLogger),
    clock,
    sweepIntervalMs: false,
    ...(opts.faults ? { faults: opts.faults } : {}),
  });
  await new Promise<void>((resolve) => kamflo.httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(kamflo.httpServer.address() as AddressInfo).port}`;
  const sockets: Socket[] = [];

  async function api<T = any>(
    path: string,
    init: { method?: string; body?: unknown; cookie?: string; token?: string; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined || init.rawBody !== undefined) headers['content-type'] = 'application/json';
    if (init.cookie) headers.cookie = init.cookie;
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    const res = await fetch(url + path, {
      method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET'),
      headers,
      body: init.rawBody ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: res.status, body, headers: res.headers };
  }

  async function createAgent(name: string, role: Role = 'agent') {
    const email = `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`;
    const password = 'correct horse battery';
    const agent = await kamflo.services.agents.createAgent({ email, name, role, password });
    const res = await api('/api/auth/sign-in', { body: { email, password } });
    const cookie = String(res.headers.get('set-cookie')).split(';')[0]!;
    return { ...agent, email, password, cookie };
  }

  function track<S extends Socket>(s: S): S {
    sockets.push(s);
    return s;
  }

  /** A connected agent console (`headers`: e.g. the Origin a browser would send). */
  async function agentSocket(cookie: string, headers: Record<string, string> = {}): Promise<AgentSocket> {
    const s = track(
      connect(url + AGENT_NAMESPACE, { extraHeaders: { ...headers, cookie }, transports: ['websocket'], reconnection: false, forceNew: true }),
    ) as AgentSocket;
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    return s;
  }

  /** A visitor as the widget makes one: a token from the API, then a socket. */
  async function visitor(site?: string) {
    const res = await api<{ token: string; visitorId: string }>('/api/visitors', { body: site ? { site } : {} });
    const socket = await visitorSocket(res.body.token);
    return { ...res.body, socket };
  }

  async function visitorSocket(token: string, headers: Record<string, string> = {}): Promise<VisitorSocket> {
    const s = track(
      connect(url + VISITOR_NAMESPACE, { auth: { token }, extraHeaders: headers, transports: ['websocket'], reconnection: false, forceNew: true }),
    ) as VisitorSocket;
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    return s;
  }

  async function close() {
    for (const s of sockets) s.disconnect();
    await kamflo.close(1000);
    if (mail && !opts.catcher) await mail.close();
    if (ownsDatabase) await conn.dropDatabase().catch(() => {});
    await conn.close();
  }

  return { url, dbName, clock, conn, kamflo, services: kamflo.services, mail, api, createAgent, agentSocket, visitor, visitorSocket, close };
}
export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** The events of a map that take an acknowledgement, and what flows each way. */
type AckOf<F> = F extends (input: never, ack: infer A) => void ? A : never;
type AckedEvent<M> = { [E in keyof M]: AckOf<M[E]> extends (result: never) => void ? E : never }[keyof M] & string;
export type InputOf<M, E extends keyof M> = M[E] extends (input: infer I, ...rest: never[]) => void ? I : never;
export type ResultOf<M, E extends keyof M> = AckOf<M[E]> extends (result: infer R) => void ? R : never;
export type PayloadOf<M, E extends keyof M> = M[E] extends (payload: infer P) => void ? P : never;

/**
 * How long a test waits at least for an event or an acknowledgement it expects. Waiting longer
 * costs nothing when it comes; a CI machine shared with other work has been seen to take over
 * 5 s to route an offer. Tests of what must not happen wait for something else that does.
 */
const MIN_WAIT_MS = 20_000;

/** Resolve with the next `event` on a socket (or reject after at least MIN_WAIT_MS); its payload typed by the server's map. */
export function next<M extends object, E extends keyof M & string>(
  socket: Socket<M, any>,
  event: E,
  ms = 5000,
  filter: (v: PayloadOf<M, E>) => boolean = () => true,
): Promise<PayloadOf<M, E>> {
  // The typed socket can't be listened to with a generic event name; this view can.
  const untyped = socket as unknown as Socket;
  const name: string = event;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => {
        untyped.off(name, on);
        reject(new Error(`timed out waiting for ${event}`));
      },
      Math.max(ms, MIN_WAIT_MS),
    );
    const on = (v: PayloadOf<M, E>) => {
      if (!filter(v)) return;
      clearTimeout(timer);
      untyped.off(name, on);
      resolve(v);
    };
    untyped.on(name, on);
  });
}

/** Emit with an acknowledgement, as the clients do: the input and the result typed by the client's map. */
export function ask<M extends object, E extends AckedEvent<M>>(socket: Socket<any, M>, event: E, payload: InputOf<M, E>): Promise<ResultOf<M, E>> {
  return askUnchecked(socket, event, payload);
}

/** `ask` with any payload at all: for tests of what the server does with bad input. */
export function askUnchecked<M extends object, E extends AckedEvent<M>>(socket: Socket<any, M>, event: E, payload: unknown): Promise<ResultOf<M, E>> {
  return (socket as unknown as Socket).timeout(MIN_WAIT_MS).emitWithAck(event, payload);
}

export const cid = () => crypto.randomUUID();
