/**
 * bench:idle's sockets, in a process of their own (idle.ts forks it): connects one socket per
 * `auth` entry, a few hundred at a time, reports when all are connected, and closes them when told.
 */
import { io as connect, type Socket } from 'socket.io-client';

const sockets: Socket[] = [];

process.on('message', async (m: { url?: string; auth?: { token?: string }[]; close?: boolean }) => {
  if (m.close) {
    for (const s of sockets) s.disconnect();
    process.exit(0);
  }
  if (!m.url || !m.auth) return;
  try {
    for (let i = 0; i < m.auth.length; i += 200) {
      await Promise.all(
        m.auth.slice(i, i + 200).map(
          (auth) =>
            new Promise<void>((resolve, reject) => {
              const s = connect(m.url!, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
              s.once('connect', () => resolve());
              s.once('connect_error', (e) => reject(e));
              sockets.push(s);
            }),
        ),
      );
    }
    process.send!({ connected: sockets.length });
  } catch (e) {
    process.send!({ error: String(e) });
  }
});
