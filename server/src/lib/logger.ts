import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'kamflo' },
    redact: { paths: ['req.headers.cookie', 'password', '*.password', 'token', '*.token'], remove: true },
  });
}

/** A logger that drops everything, for tests that don't read logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
