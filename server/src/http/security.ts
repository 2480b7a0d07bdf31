import helmet from 'helmet';
import type { RequestHandler } from 'express';

// Security headers. The console and API are same-origin only; the widget's loader must load
// from any site, and its frame must be embeddable by any site.

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
