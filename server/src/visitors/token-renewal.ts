import type { VisitorNamespace, VisitorServerSocket } from '../realtime/io.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { VerifiedVisitor, VisitorTokens } from './visitor-token.ts';

export const siteRoom = (site: string) => `site:${site}`;

/**
 * Visitor tokens expire; a widget in use never notices. When a visitor connects with a token
 * past half its life, and whenever `sweep()` finds a connected one that far along, the server
 * sends a fresh token (`visitor:token`), which the widget stores and reconnects with. Sockets
 * also join their site's room, so rotating the site's secret can disconnect them all.
 */
export function attachTokenRenewal(ns: VisitorNamespace, deps: { tokens: VisitorTokens; clock: Clock; log: Logger }) {
  const dueAt = (v: VerifiedVisitor) => v.expiresAt.getTime() - deps.tokens.ttlMs / 2;

  async function renew(socket: VisitorServerSocket): Promise<void> {
    const v = socket.data.visitor;
    const fresh = await deps.tokens.renew(v);
    socket.data.visitor = { ...v, expiresAt: new Date(fresh.expiresAt) };
    socket.emit('visitor:token', fresh);
  }

  ns.on('connection', (socket) => {
    const v = socket.data.visitor;
    void socket.join(siteRoom(v.site));
    if (deps.clock.now().getTime() >= dueAt(v)) renew(socket).catch((err) => deps.log.warn({ err }, 'visitor token renewal failed'));
  });

  /** Renew every connected visitor of this process whose token is past half its life. */
  async function sweep(): Promise<number> {
    const now = deps.clock.now().getTime();
    const due = [...ns.sockets.values()].filter((s) => s.data.visitor && now >= dueAt(s.data.visitor));
    await Promise.all(due.map((s) => renew(s).catch((err) => deps.log.warn({ err }, 'visitor token renewal failed'))));
    return due.length;
  }

  return { sweep };
}
