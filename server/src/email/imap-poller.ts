import { ImapFlow } from 'imapflow';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { BadEmailError, type EmailIntake } from './intake.ts';

/** imaps://user:pass@host:993/INBOX → connection settings and the mailbox. */
export function parseImapUrl(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port) || (u.protocol === 'imaps:' ? 993 : 143),
    secure: u.protocol === 'imaps:',
    user: decodeURIComponent(u.username),
    pass: decodeURIComponent(u.password),
    mailbox: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX',
  };
}

/** A message over the size limit: its headers and a note, so it still reaches the team. */
function oversizeStandIn(headers: Buffer, size: number, limit: number): Buffer {
  const kept = headers
    .toString('utf8')
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .filter((l) => l && !/^(content-|mime-version:)/i.test(l));
  const note = `[This email (${(size / 1048576).toFixed(1)} MB) is over Kamflo's ${Math.round(limit / 1048576)} MB limit, so its content was not stored. The original is still in the support mailbox.]`;
  return Buffer.from(`${kept.join('\r\n')}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${note}\r\n`);
}

/**
 * Polls the support mailbox over IMAP (imapflow), and between polls waits in IDLE where the
 * server offers it. A message is marked \Seen only after it is stored (or refused for good), so
 * a poller that stops mid-batch takes up the rest next time, and two processes polling one
 * mailbox store each mail once (the intake's unique key decides).
 */
export function createImapPoller(deps: { url: string; intake: EmailIntake; log: Logger; clock: Clock; maxMessageBytes: number }) {
  const { intake, log, clock } = deps;
  const cfg = parseImapUrl(deps.url);
  let client: ImapFlow | null = null;
  let connecting: Promise<ImapFlow> | null = null;
  let lastPollAt: Date | undefined;
  let error: string | undefined;
  let stopped = false;

  function connect(): Promise<ImapFlow> {
    if (client?.usable) return Promise.resolve(client);
    connecting ??= (async () => {
      const c = new ImapFlow({
        host: cfg.host,
        port: cfg.port,
        secure: cfg.secure,
        auth: { user: cfg.user, pass: cfg.pass },
        logger: false,
        // The poller is the only user of this connection; a failed connection must not hang it.
        connectionTimeout: 30_000,
        greetingTimeout: 15_000,
      });
      c.on('error', (err: Error) => {
        error = err.message;
        log.warn({ err: err.message }, 'email: IMAP connection error');
      });
      c.on('exists', () => pollSoon());
      c.on('close', () => {
        if (client === c) client = null;
      });
      await c.connect();
      await c.mailboxOpen(cfg.mailbox);
      client = c;
      error = undefined;
      return c;
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  }

  async function takeOne(c: ImapFlow, uid: number): Promise<void> {
    const meta = await c.fetchOne(String(uid), { uid: true, size: true }, { uid: true });
    if (!meta) return;
    let raw: Buffer;
    const size = meta.size ?? 0;
    if (size > deps.maxMessageBytes) {
      const h = await c.fetchOne(String(uid), { uid: true, headers: true }, { uid: true });
      raw = oversizeStandIn((h ? h.headers : undefined) ?? Buffer.from(''), size, deps.maxMessageBytes);
      log.warn({ uid, size }, 'email: IMAP message over the size limit; storing its headers and a note');
    } else {
      const full = await c.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
      const source = full ? full.source : undefined;
      if (!source) return;
      raw = source;
    }
    try {
      const r = await intake.receive(raw, { source: 'imap' });
      if (r.outcome === 'busy') return; // another process is storing it: it marks it seen
    } catch (err) {
      if (!(err instanceof BadEmailError)) throw err; // not seen: tried again on the next poll
      log.warn({ uid, reason: err.message }, 'email: IMAP message rejected; marked seen, left in the mailbox');
    }
    await c.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
  }

  let running: Promise<number> | null = null;
  let again = false;
  /** Take in every unseen message now (tests call this; the timer and IDLE call it otherwise). */
  function pollNow(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let n = 0;
      try {
        do {
          again = false;
          const c = await connect();
          const lock = await c.getMailboxLock(cfg.mailbox);
          try {
            // NOOP first: the server reports mail and flag changes since the last command.
            await c.noop();
            const uids = (await c.search({ seen: false }, { uid: true })) || [];
            for (const uid of uids) {
              await takeOne(c, uid);
              n++;
            }
          } finally {
            lock.release();
          }
          lastPollAt = clock.now();
          error = undefined;
          // Wait in IDLE at once (imapflow would after 15 s): new mail arrives as 'exists'.
          if (!again && !stopped && c.capabilities.has('IDLE')) c.idle().catch(() => {});
        } while (again && !stopped);
      } catch (err) {
        error = (err as Error).message;
        throw err;
      } finally {
        running = null;
      }
      return n;
    })();
    return running;
  }

  function pollSoon() {
    if (stopped) return;
    setImmediate(() => pollNow().catch((err) => log.warn({ err: (err as Error).message }, 'email: IMAP poll failed')));
  }

  let timer: NodeJS.Timeout | undefined;
  return {
    pollNow,
    start(intervalMs: number) {
      pollSoon();
      timer = setInterval(pollSoon, intervalMs);
      timer.unref();
    },
    status: () => ({
      connected: !!client?.usable,
      server: `${cfg.secure ? 'imaps' : 'imap'}://${cfg.host}:${cfg.port}`,
      mailbox: cfg.mailbox,
      ...(lastPollAt ? { lastPollAt: lastPollAt.toISOString() } : {}),
      ...(error ? { error } : {}),
    }),
    async close() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
      await client?.logout().catch(() => {});
      client = null;
    },
  };
}
export type ImapPoller = ReturnType<typeof createImapPoller>;
