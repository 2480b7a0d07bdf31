import type { IncomingHttpHeaders } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { TrustProxy } from '../config.ts';

/** What a request says about its sender: its headers, the peer's address, and whether the peer spoke TLS. */
export interface RequestFacts {
  headers: IncomingHttpHeaders;
  peer: string | undefined;
  tls: boolean;
}

/**
 * Who is really on the other end, behind `KAMFLO_TRUST_PROXY` reverse proxies. Express uses the
 * same setting for `req.ip`; Socket.IO handshakes are read here with the same rules. Without
 * trusted proxies, X-Forwarded-* headers are ignored: any client could write them.
 */
export function createClientAddress(trustProxy: TrustProxy) {
  const trust: (addr: string, hop: number) => boolean =
    trustProxy === false ? () => false : typeof trustProxy === 'number' ? (_a, hop) => hop < trustProxy : proxyaddr.compile(trustProxy);

  /** The client's address: the nearest untrusted hop of X-Forwarded-For. */
  function of(r: RequestFacts): string {
    const req = { headers: r.headers, socket: { remoteAddress: r.peer } } as unknown as Parameters<typeof proxyaddr>[0];
    return proxyaddr(req, trust) ?? 'unknown';
  }

  /** `scheme://host[:port]` the client used to reach us, as a browser's `Origin` would name it. */
  function ownOrigin(r: RequestFacts): string | null {
    const proxied = r.peer !== undefined && trust(r.peer, 0);
    const first = (h: string | string[] | undefined) => (Array.isArray(h) ? h[0] : h)?.split(',')[0]?.trim();
    const proto = (proxied && first(r.headers['x-forwarded-proto'])) || (r.tls ? 'https' : 'http');
    const host = (proxied && first(r.headers['x-forwarded-host'])) || r.headers.host;
    if (!host) return null;
    try {
      return new URL(`${proto}://${host}`).origin;
    } catch {
      return null;
    }
  }

  return { trustProxy, of, ownOrigin };
}
export type ClientAddress = ReturnType<typeof createClientAddress>;

/** The facts of an Express or plain Node request. */
export function factsOf(req: { headers: IncomingHttpHeaders; socket: { remoteAddress?: string; encrypted?: boolean } }): RequestFacts {
  return { headers: req.headers, peer: req.socket.remoteAddress, tls: Boolean(req.socket.encrypted) };
}

/** The facts of a Socket.IO handshake (its request's socket may be gone by the time we look). */
export function handshakeFacts(socket: { handshake: { headers: IncomingHttpHeaders; address: string; secure: boolean } }): RequestFacts {
  return { headers: socket.handshake.headers, peer: socket.handshake.address, tls: socket.handshake.secure };
}
