import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface CaughtMail {
  from: string;
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

/**
 * A real SMTP server (smtp-server) that keeps what it is sent, for tests to read back. Its mode
 * decides the answer to each message: accept it, refuse it (4xx: try later, 5xx: never), or
 * hold it unanswered (a sender stuck mid-send, to be killed).
 */
export async function startSmtpCatcher() {
  const mails: CaughtMail[] = [];
  const events = new EventEmitter();
  let mode: { kind: 'accept' } | { kind: 'refuse'; code: number; message: string } | { kind: 'hold' } = { kind: 'accept' };
  let holding = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_auth, _session, cb) => cb(null, { user: 'test' }),
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (mode.kind === 'hold') {
          holding++;
          events.emit('held');
          return; // never answered: the sender waits until it dies
        }
        if (mode.kind === 'refuse') return callback(Object.assign(new Error(mode.message), { responseCode: mode.code }));
        const raw = Buffer.concat(chunks);
        const mail: CaughtMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          parsed: await simpleParser(raw),
        };
        mails.push(mail);
        callback();
        events.emit('mail', mail);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  /** Resolves with the first mail (already caught or still to come) that matches. */
  function waitFor(match: (m: CaughtMail) => boolean = () => true, ms = 10_000): Promise<CaughtMail> {
    const found = mails.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        events.off('mail', on);
        reject(new Error(`no matching mail within ${ms} ms (caught ${mails.length})`));
      }, ms);
      const on = (m: CaughtMail) => {
        if (!match(m)) return;
        clearTimeout(timer);
        events.off('mail', on);
        resolve(m);
      };
      events.on('mail', on);
    });
  }

  /** Resolves once a sender is stuck in a held message. */
  function waitForHeld(ms = 10_000): Promise<void> {
    if (holding) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no sender reached DATA')), ms);
      events.once('held', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    waitFor,
    waitForHeld,
    accept: () => {
      mode = { kind: 'accept' };
    },
    refuse: (code: number, message: string) => {
      mode = { kind: 'refuse', code, message };
    },
    hold: () => {
      mode = { kind: 'hold' };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type SmtpCatcher = Awaited<ReturnType<typeof startSmtpCatcher>>;
