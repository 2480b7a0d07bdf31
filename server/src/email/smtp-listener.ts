import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../lib/logger.ts';
import { BadEmailError, type EmailIntake } from './intake.ts';

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * Kamflo's own SMTP listener, that the support mailbox forwards (or the team's mail server
 * relays) to. It accepts mail for the support address only, within the size limit; each
 * message is answered only once it is stored, so the sending server keeps it until then.
 * No TLS or AUTH of its own: run it on a private network behind your mail server.
 */
export function createSmtpListener(deps: { intake: EmailIntake; log: Logger; supportAddress: string; maxMessageBytes: number }) {
  const { intake, log } = deps;
  const server = new SMTPServer({
    name: 'kamflo',
    banner: 'Kamflo support intake',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: deps.maxMessageBytes,
    maxClients: 100,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.toLowerCase() !== deps.supportAddress) {
        return callback(smtpError(550, `5.1.1 <${address.address}>: this server accepts mail for ${deps.supportAddress} only`));
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          log.warn({ remote: session.remoteAddress }, 'email: message over the size limit, rejected');
          return callback(smtpError(552, `5.3.4 Message larger than the ${Math.round(deps.maxMessageBytes / 1048576)} MB limit`));
        }
        const envelopeFrom = session.envelope.mailFrom === false ? null : session.envelope.mailFrom.address;
        intake
          .receive(Buffer.concat(chunks), { source: 'smtp', envelopeFrom })
          .then((r) => {
            if (r.outcome === 'busy') return callback(smtpError(451, '4.3.0 This message is being stored by another process; try again'));
            callback(null, r.outcome === 'ignored' ? `Ignored: ${r.reason}` : `Stored as ticket #${r.ticketNumber}`);
          })
          .catch((err: Error) => {
            if (err instanceof BadEmailError) {
              log.warn({ remote: session.remoteAddress, reason: err.message }, 'email: rejected');
              return callback(smtpError(550, `5.6.0 Rejected: ${err.message}`));
            }
            log.error({ err }, 'email: could not store an inbound message; the sender will retry');
            callback(smtpError(451, '4.3.0 Could not store the message now; try again later'));
          });
      });
    },
  });
  server.on('error', (err) => log.warn({ err }, 'email: SMTP listener error'));

  let port: number | undefined;
  let error: string | undefined;
  return {
    async listen(p: number, host: string): Promise<number> {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.server.once('error', onError);
        server.listen(p, host, () => {
          server.server.off('error', onError);
          resolve();
        });
      }).catch((err: Error) => {
        error = err.message;
        throw err;
      });
      port = (server.server.address() as AddressInfo).port;
      return port;
    },
    status: () => ({ listening: port !== undefined, ...(port !== undefined ? { port } : {}), ...(error ? { error } : {}) }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type SmtpListener = ReturnType<typeof createSmtpListener>;
