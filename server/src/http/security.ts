import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { Server } from 'socket.io';

// Security headers. The console and API are same-origin only; the widget's loader must load
// from any site, and its frame must be embeddable by any site.

/** Every answer, whatever route (or none) serves it: browsers never guess a content type. */
export const noSniff: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
};

/** Socket.IO's own HTTP answers (long-polling, handshakes) bypass Express. */
export function socketHeaders(io: Server): void {
  const set = (headers: Record<string, string>) => {
    headers['X-Content-Type-Options'] = 'nosniff';
    headers['Cache-Control'] = 'no-store';
  };
  io.engine.on('initial_headers', set);
  io.engine.on('headers', set);
}

/**
 * JSON answers (/api, /healthz): nothing to render or frame, and never cached: they are the
 * signed-in agent's own data, a visitor's token, or live state.
 */
const apiHelmet = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  frameguard: { action: 'deny' },
});
export const apiHeaders: RequestHandler = (req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  apiHelmet(req, res, next);
};

const connectSrc = ["'self'", 'ws:', 'wss:'];

export const consoleHeaders: RequestHandler = helmet({
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      connectSrc,
      imgSrc: ["'self'", 'data:'],
      styleSrc: ["'self'"],
      frameAncestors: ["'self'"],
      frameSrc: ["'self'"],
      // Self-hosters on plain http (not localhost) would otherwise have every request rewritten to https.
      upgradeInsecureRequests: null,
    },
  },
});

/** widget.js: a script any site may load. */
export const loaderHeaders: RequestHandler = helmet({
  contentSecurityPolicy: false,
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  crossOriginEmbedderPolicy: false,
});

/** The widget frame: embeddable anywhere, locked down inside. */
export const widgetFrameHeaders: RequestHandler = helmet({
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      connectSrc,
      imgSrc: ["'self'", 'data:'],
      styleSrc: ["'self'"],
      frameAncestors: ['*'],
      upgradeInsecureRequests: null,
    },
  },
  frameguard: false,
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  crossOriginEmbedderPolicy: false,
});

/** The demo page plays a customer's website: it loads widget.js and frames the widget. */
export const demoHeaders: RequestHandler = helmet({
  contentSecurityPolicy: {
    directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], frameSrc: ["'self'"], styleSrc: ["'self'"], upgradeInsecureRequests: null },
  },
});
