import path from 'node:path';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';

// Read once at start-up; every bad variable gets its own line in the error.
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  KAMFLO_DATA_DIR: z.string().min(1).default('.kamflo/data'),
  KAMFLO_PUBLIC_URL: z
    .url('must be a URL such as https://support.example.com')
    .refine((u) => /^https?:/.test(u), 'must be an http:// or https:// URL')
    .optional(),
  KAMFLO_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  KAMFLO_AUDIT_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  KAMFLO_ADMIN_EMAIL: z
    .string()
    .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
    .optional(),
  KAMFLO_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  KAMFLO_COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  KAMFLO_WEBHOOKS_ALLOW_LOCALHOST: z.enum(['true', 'false']).optional(),
  KAMFLO_TELEGRAM_API_URL: z
    .url('must be a URL such as https://api.telegram.org')
    .refine((u) => /^https?:/.test(u), 'must be an http:// or https:// URL')
    .default('https://api.telegram.org'),
  KAMFLO_OFFER_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(600).default(30),
  KAMFLO_PRESENCE_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  KAMFLO_QUEUE_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(86_400).default(120),
  KAMFLO_IDLE_CHAT_MINUTES: z.coerce.number().int().min(1).max(10_080).default(30),
  KAMFLO_SIGNIN_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
  KAMFLO_NEW_VISITOR_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
  KAMFLO_PUBLIC_TICKET_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
  KAMFLO_VISITOR_EVENT_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
  KAMFLO_AGENT_EVENT_RATE_LIMIT: z.coerce.number().int().min(1).default(150),
  KAMFLO_ADDRESS_EVENT_RATE_LIMIT: z.coerce.number().int().min(1).default(300),
  KAMFLO_TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const t = parseTrustProxy(v);
      if (typeof t === 'string') {
        ctx.addIssue({ code: 'custom', message: t });
        return z.NEVER;
      }
      return t;
    }),
  KAMFLO_CONSOLE_ORIGINS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v?.trim()) return undefined;
      const origins: string[] = [];
      for (const item of v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        const origin = originOf(item);
        if (!origin) {
          ctx.addIssue({ code: 'custom', message: `"${item}" is not an origin such as https://support.example.com` });
          return z.NEVER;
        }
        origins.push(origin);
      }
      return origins;
    }),
  KAMFLO_VISITOR_TOKEN_DAYS: z.coerce.number().min(1).max(365).default(30),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  KAMFLO_REDIS_KEY: z.string().min(1).default('kamflo'),
  KAMFLO_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]+/, 'must be smtp://user:pass@host:port or smtps://…')
    .optional(),
  KAMFLO_SUPPORT_ADDRESS: z
    .string()
    .regex(/^(.*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'must be an address such as "Acme Support <support@acme.test>"')
    .optional(),
  KAMFLO_INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  KAMFLO_INBOUND_SMTP_HOST: z.string().min(1).default('0.0.0.0'),
  KAMFLO_IMAP_URL: z
    .string()
    .regex(/^imaps?:\/\/[^/]+/, 'must be imaps://user:pass@host:993/INBOX or imap://…')
    .optional(),
  KAMFLO_IMAP_POLL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(60),
  KAMFLO_EMAIL_MAX_MESSAGE_MB: z.coerce.number().positive().max(200).default(25),
  KAMFLO_EMAIL_MAX_ATTACHMENT_MB: z.coerce.number().positive().max(200).default(10),
  KAMFLO_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  KAMFLO_FERRETDB_POSTGRES_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/[^/]+/, 'must be postgres://user@host:5432/database (the PostgreSQL database FerretDB keeps its data in)')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  mongodbUri?: string;
  dataDir: string;
  publicUrl?: string;
  secret?: string;
  /** The tickets' audit chain key (tickets/audit-key.ts); never stored in the database. */
  auditKey?: string;
  admin: { email?: string; password?: string };
  cookieSecure: boolean;
  offerTimeoutMs: number;
  presenceGraceMs: number;
  /** How often a process re-marks its agents present; three missed beats and they drop out. */
  presenceHeartbeatMs: number;
  queueTimeoutMs: number;
  idleChatMs: number;
  /** Webhooks may also go to http://localhost and http://127.0.0.1 (development and tests). */
  webhooksAllowLocalhost: boolean;
  /** The Telegram Bot API's base URL (tests point it at a local stand-in). */
  telegramApiUrl: string;
  /** Each limit allows `points` per `seconds`; shared through Redis when redisUrl is set. */
  limits: RateLimits;
  /** Express's `trust proxy`: false, a hop count, or the proxies' addresses and subnets. */
  trustProxy: TrustProxy;
  /**
   * Origins allowed to make state-changing agent requests and open the /agent socket, besides
   * the server's own origin. From KAMFLO_CONSOLE_ORIGINS, else the public URL's origin.
   */
  consoleOrigins: string[];
  visitorTokenTtlMs: number;
  /** Set to run more than one server process: Socket.IO events reach clients of every process. */
  redisUrl?: string;
  /** Prefix of the Redis channels, so several installations can share one Redis. */
  redisKey: string;
  logLevel: string;
  /** /metrics is served (and metrics collected) only when set; scrapers send it as a Bearer token. */
  metricsToken?: string;
  /** FerretDB's own PostgreSQL database: Kamflo adds the GIN indexes equality lookups need (db/ferretdb-indexes.ts). */
  ferretdbPostgresUrl?: string;
  email: EmailConfig;
}

/** The email channel. Outbound is on with smtpUrl; inbound with inboundSmtpPort and/or imapUrl. */
export interface EmailConfig {
  smtpUrl?: string;
  /** Parsed KAMFLO_SUPPORT_ADDRESS: From and Reply-To of every mail, the address the listener accepts. */
  supportAddress?: { name?: string; address: string };
  inboundSmtpPort?: number;
  inboundSmtpHost: string;
  imapUrl?: string;
  imapPollMs: number;
  maxMessageBytes: number;
  maxAttachmentBytes: number;
}

/** "Acme Support <support@acme.test>" → { name, address }. */
export function parseAddress(value: string): { name?: string; address: string } {
  const m = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+)>\s*$/.exec(value);
  if (m) return { ...(m[1] ? { name: m[1] } : {}), address: m[2]!.toLowerCase() };
  return { address: value.trim().toLowerCase() };
}

export interface Limit {
  points: number;
  seconds: number;
}
export interface RateLimits {
  /** Sign-in attempts per address. */
  signIn: Limit;
  /** New visitor tokens (POST /api/visitors) per address. */
  newVisitors: Limit;
  /** Tickets from the public (leave-a-message, Help Center requests) per address; a visitor token gets a quarter of it. */
  publicTickets: Limit;
  /** Socket events per visitor token, per agent, and per client address (all its sockets together). */
  visitorEvents: Limit;
  agentEvents: Limit;
  addressEvents: Limit;
}
export type TrustProxy = false | number | string[];

export class ConfigError extends Error {}

/** KAMFLO_TRUST_PROXY: unset or "false", a hop count, or a list of addresses/subnets; an error message otherwise. */
export function parseTrustProxy(v: string | undefined): TrustProxy | string {
  const raw = v?.trim() ?? '';
  if (raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true') return 'trusting every address lets any client forge its address: give a hop count (e.g. 1) or the proxy addresses';
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    return hops <= 10 ? hops : 'a hop count must be at most 10';
  }
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  try {
    proxyaddr.compile(list);
  } catch (err) {
    return `must be false, a hop count, or addresses/subnets such as 127.0.0.1,10.0.0.0/8 or loopback (${(err as Error).message})`;
  }
  return list;
}

/** The origin of an http(s) URL given as an origin (no path, query or credentials), or null. */
function originOf(value: string): string | null {
  try {
    const u = new URL(value);
    if (!/^https?:$/.test(u.protocol) || u.username || u.password || u.search || u.hash || (u.pathname !== '/' && u.pathname !== '')) return null;
    return u.origin;
  } catch {
    return null;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const needsAddress = e.KAMFLO_SMTP_URL || e.KAMFLO_INBOUND_SMTP_PORT !== undefined || e.KAMFLO_IMAP_URL;
  if (needsAddress && !e.KAMFLO_SUPPORT_ADDRESS) {
    throw new ConfigError(
      'Invalid configuration:\n  KAMFLO_SUPPORT_ADDRESS: required when email is on (KAMFLO_SMTP_URL, KAMFLO_INBOUND_SMTP_PORT or KAMFLO_IMAP_URL)',
    );
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    mongodbUri: e.MONGODB_URI,
    dataDir: path.resolve(e.KAMFLO_DATA_DIR),
    publicUrl: e.KAMFLO_PUBLIC_URL,
    secret: e.KAMFLO_SECRET,
    auditKey: e.KAMFLO_AUDIT_KEY,
    admin: Object.freeze({ email: e.KAMFLO_ADMIN_EMAIL, password: e.KAMFLO_ADMIN_PASSWORD }),
    cookieSecure: e.KAMFLO_COOKIE_SECURE === 'true' || (e.KAMFLO_PUBLIC_URL?.startsWith('https:') ?? false),
    offerTimeoutMs: e.KAMFLO_OFFER_TIMEOUT_SECONDS * 1000,
    presenceGraceMs: e.KAMFLO_PRESENCE_GRACE_SECONDS * 1000,
    presenceHeartbeatMs: 5000,
    queueTimeoutMs: e.KAMFLO_QUEUE_TIMEOUT_SECONDS * 1000,
    idleChatMs: e.KAMFLO_IDLE_CHAT_MINUTES * 60_000,
    webhooksAllowLocalhost: e.KAMFLO_WEBHOOKS_ALLOW_LOCALHOST === 'true',
    telegramApiUrl: e.KAMFLO_TELEGRAM_API_URL.replace(/\/+$/, ''),
    limits: Object.freeze({
      signIn: { points: e.KAMFLO_SIGNIN_RATE_LIMIT, seconds: 60 },
      newVisitors: { points: e.KAMFLO_NEW_VISITOR_RATE_LIMIT, seconds: 60 },
      publicTickets: { points: e.KAMFLO_PUBLIC_TICKET_RATE_LIMIT, seconds: 3600 },
      visitorEvents: { points: e.KAMFLO_VISITOR_EVENT_RATE_LIMIT, seconds: 10 },
      agentEvents: { points: e.KAMFLO_AGENT_EVENT_RATE_LIMIT, seconds: 10 },
      addressEvents: { points: e.KAMFLO_ADDRESS_EVENT_RATE_LIMIT, seconds: 10 },
    }),
    trustProxy: e.KAMFLO_TRUST_PROXY,
    consoleOrigins: e.KAMFLO_CONSOLE_ORIGINS ?? (e.KAMFLO_PUBLIC_URL ? [new URL(e.KAMFLO_PUBLIC_URL).origin] : []),
    visitorTokenTtlMs: e.KAMFLO_VISITOR_TOKEN_DAYS * 86_400_000,
    redisUrl: e.REDIS_URL,
    redisKey: e.KAMFLO_REDIS_KEY,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.KAMFLO_METRICS_TOKEN,
    ferretdbPostgresUrl: e.KAMFLO_FERRETDB_POSTGRES_URL,
    email: Object.freeze({
      smtpUrl: e.KAMFLO_SMTP_URL,
      ...(e.KAMFLO_SUPPORT_ADDRESS ? { supportAddress: parseAddress(e.KAMFLO_SUPPORT_ADDRESS) } : {}),
      inboundSmtpPort: e.KAMFLO_INBOUND_SMTP_PORT,
      inboundSmtpHost: e.KAMFLO_INBOUND_SMTP_HOST,
      imapUrl: e.KAMFLO_IMAP_URL,
      imapPollMs: e.KAMFLO_IMAP_POLL_SECONDS * 1000,
      maxMessageBytes: Math.round(e.KAMFLO_EMAIL_MAX_MESSAGE_MB * 1024 * 1024),
      maxAttachmentBytes: Math.round(e.KAMFLO_EMAIL_MAX_ATTACHMENT_MB * 1024 * 1024),
    }),
  });
}

/** Defaults for tests and embedding: no environment read, and limits too high to reach by accident. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const high = '1000000';
  return {
    ...loadConfig({
      LOG_LEVEL: 'silent',
      KAMFLO_PRESENCE_GRACE_SECONDS: '0',
      KAMFLO_SIGNIN_RATE_LIMIT: high,
      KAMFLO_NEW_VISITOR_RATE_LIMIT: high,
      KAMFLO_PUBLIC_TICKET_RATE_LIMIT: high,
      KAMFLO_VISITOR_EVENT_RATE_LIMIT: high,
      KAMFLO_AGENT_EVENT_RATE_LIMIT: high,
      KAMFLO_ADDRESS_EVENT_RATE_LIMIT: high,
    }),
    ...overrides,
  };
}

/** testConfig with some rate limits set (the others stay out of reach). */
export function withLimits(limits: Partial<RateLimits>, overrides: Partial<Config> = {}): Partial<Config> {
  return { ...overrides, limits: { ...testConfig().limits, ...limits } };
}
