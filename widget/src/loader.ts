// widget.js: what a customer's page includes. It defines the page's API first (widget.d.ts) and
// draws only the launcher. The frame with the chat app comes on intent (hovering or focusing the
// launcher prefetches it, a click opens it), or at once when the frame left the hint that a
// conversation is in progress. Nothing here may throw into the host page.
//
//   <script src="https://kamflo.example/widget.js" data-site="default" async></script>
//
// Pages may queue calls before the script loads:
//   window.Kamflo = window.Kamflo || function () { (Kamflo.q = Kamflo.q || []).push(arguments) };
//
// Written for size (it is on every page view: scripts/report-size.mjs holds it to its budget) and
// for old browsers: no optional chaining, and styles through the CSSOM only (strict-CSP hosts).

/** The launcher's label (and the frame's title) per locale, from locales/*.json `launcher`. */
declare const __KAMFLO_LABELS__: Record<string, string>;

interface Stub {
  (...args: unknown[]): void;
  /** Calls queued before the script loaded: `arguments` objects (or bare commands, from older stubs). */
  q?: unknown[];
  /** Set once a loader ran, so a second copy of the script does nothing. */
  l?: 1;
}
type Options = Kamflo.BootOptions & Record<string, unknown>;

const w = window as unknown as { Kamflo?: Stub };
const d = document;
const prev = w.Kamflo;

if (!(prev && prev.l)) {
  const LABELS = __KAMFLO_LABELS__;
  // Each option's type; the user's fields after "user.".
  const TYPES: Record<string, string> = { hideLauncher: 'boolean', user: 'object' };
  for (const k of 'site locale page user.id user.email user.name user.hash user.jwt'.split(' ')) TYPES[k] = 'string';
  const listeners: Record<string, ((v?: number) => void)[]> = { ready: [], open: [], close: [], unread: [] };
  let ls: Storage | undefined;
  let script: HTMLScriptElement;
  let origin: string;
  /** The shadow root that holds the launcher and the frame: page CSS cannot select into it. */
  let root: ShadowRoot;
  let cfg: Options | 0 = 0;
  let site: string;
  let loc: string;
  let f: HTMLIFrameElement | 0 = 0;
  let ready: unknown;
  let open: unknown;
  let button: HTMLButtonElement | 0 = 0;
  let badge: HTMLElement;
  let pending: unknown[] = [];

  const warn = (m: string) => console.error(`Kamflo: ${m}`);
  // Listeners run on their own task: one that throws is the page's error and stops nothing here.
  const fire = (event: string, v?: number) => listeners[event]!.map((fn) => setTimeout(fn, 0, v));
  const make = (tag: string, style: string) => {
    const el = d.createElement(tag);
    el.style.cssText = style;
    return el;
  };
  const keys = () => Object.keys(ls || {}).filter((k) => !k.indexOf('kamflo:'));
  const post = (m: unknown) => (ready && f ? f.contentWindow!.postMessage({ kamflo: m }, origin) : pending.push(m));

  /** The frame hidden until open, then above the launcher (or in the corner without one). */
  const size = () => {
    const gap = button ? 72 : 0;
    if (f) f.style.cssText = open ? `position:fixed;right:0;bottom:${gap}px;width:min(400px,100%);height:min(640px,100% - ${gap}px);border:0` : 'display:none';
    if (button) button.setAttribute('aria-expanded', `${!!open}`);
  };

  /** The frame on the Kamflo origin; `extra` adds to its query (`&c=1`: connect at once). */
  const frame = (extra = '') => {
    if (f || !cfg) return;
    const saved: Record<string, string | null> = {};
    for (const k of keys()) saved[k] = ls!.getItem(k);
    f = d.createElement('iframe');
    size();
    f.title = LABELS[loc]!;
    // Browsers that block third-party storage deny the frame its localStorage; then it keeps its
    // `kamflo:` keys here, on the page's origin. They go to the frame in the URL fragment (never
    // sent to a server), with the signed-in user, and come back as 'set' messages.
    f.src = `${origin}/widget/frame.html?${new URLSearchParams({ site, host: location.origin, page: cfg.page || location.href, l: loc })}${extra}#${encodeURIComponent(
      JSON.stringify({ k: saved, u: cfg.user }),
    )}`;
    root.append(f);
  };

  /** The page's language if we have it, else the browser's, else English; labels follow. */
  const pick = () => {
    loc = 'en';
    for (const tag of [navigator.language, cfg && cfg.locale]) {
      const base = `${tag}`.split('-')[0]!.toLowerCase();
      if (LABELS[base]) loc = base;
    }
    if (button) button.setAttribute('aria-label', LABELS[loc]!);
    if (f) f.title = LABELS[loc]!;
  };

  const show = () => {
    frame();
    open = 1;
    size();
    post(['open']);
  };

  /** Removes the launcher and the frame; the (empty) shadow host stays. */
  const drop = () => {
    if (button) button.remove();
    if (f) f.remove();
    f = button = ready = open = 0;
    pending = [];
  };

  /** Reports bad options; true when they are fine. */
  const valid = (c: string, o: unknown, pre = ''): unknown => {
    if (typeof o !== 'object' || !o) return warn(`${c}: ${pre ? 'user' : 'options'} must be an object`);
    for (const k in o) {
      const v = (o as Record<string, unknown>)[k];
      const want = TYPES[pre + k];
      if (typeof v !== want) return warn(`${c}: ${want ? `${pre + k} must be of type ${want}` : `unknown option ${pre + k}`}`);
      if (k === 'user' && !valid(c, v, 'user.')) return;
    }
    return !pre || (o as Kamflo.User).id || warn(`${c}: user.id is required`);
  };

  const run = (c: string, a?: unknown, b?: unknown) => {
    const list = listeners[a as string];
    if (' boot update shutdown open close toggle showNewMessage on off '.indexOf(` ${c} `) < 0) warn(`unknown command ${c}`);
    else if (c === 'on' || c === 'off') {
      if (!list || typeof b !== 'function') return warn(`${c}: expected an event (${Object.keys(listeners)}) and a function`);
      if (c === 'off') listeners[a as string] = list.filter((fn) => fn !== b);
      // A ready listener added after boot is called at once.
      else if (list.push(b as () => void) && a === 'ready' && cfg) setTimeout(b as () => void);
    } else if (c === 'boot') {
      if (a !== undefined && !valid(c, a)) return;
      drop();
      cfg = Object.assign({}, a) as Options;
      site = cfg.site || script.getAttribute('data-site') || 'default';
      pick();
      if (!cfg.hideLauncher) {
        button = make(
          'button',
          'position:fixed;bottom:16px;right:16px;width:56px;height:56px;border:0;border-radius:50%;background:#4f46e5;box-shadow:0 4px 14px #0004;cursor:pointer',
        ) as HTMLButtonElement;
        pick();
        badge = make('span', 'position:absolute;top:0;right:0;padding:0 6px;border-radius:9px;background:#c0262d;color:#fff;font:600 12px/18px sans-serif');
        badge.hidden = true;
        // A speech bubble drawn with a border: no SVG, no image (a strict CSP may block data: URLs).
        button.append(make('i', 'display:block;margin:auto;width:18px;height:15px;border:2px solid #fff;border-radius:9px 9px 9px 2px'), badge);
        button.onclick = () => (open ? post(['close']) : show());
        // Intent: prefetch the frame (it makes no visitor and no socket until it opens).
        button.onpointerenter = button.onfocus = () => frame();
        size();
        root.append(button);
      }
      // A conversation in progress or unread replies (the frame's hint): connect now.
      if (ls && ls.getItem(`kamflo:hint:${site}`) === 'live') frame('&c=1');
      fire('ready');
    } else if (!cfg) warn(`${c}: call Kamflo('boot') first`);
    else if (c === 'update') {
      if (!valid(c, a)) return;
      Object.assign(cfg, a);
      pick();
      post(['update', a]);
    } else if (c === 'shutdown') {
      // Forget the visitor: the page's keys here, and the frame's own storage, which a hidden frame
      // loaded only for that clears (`&x=1`: it shows nothing and connects nowhere).
      const had = f || keys().length;
      for (const k of keys()) ls!.removeItem(k);
      // A new epoch for this site: a frame that remembers another one forgets its visitor before
      // using anything, even if the page navigates away before the clearing frame has run.
      if (ls) ls.setItem(`kamflo:epoch:${site}`, `${Date.now()}`);
      drop();
      if (had) frame('&x=1');
      cfg = f = 0;
    } else if (c === 'showNewMessage') {
      if (typeof a !== 'string') return warn(`${c}: expected the message text`);
      show();
      post(['show', a]);
    } else if (c === 'open' || (c === 'toggle' && !open)) show();
    else if (open) post(['close']);
  };

  const api: Stub = (c, a, b) => {
    try {
      run(`${c}`, a, b);
    } catch (e) {
      warn(`${c}: ${e}`);
    }
  };
  api.l = 1;
  w.Kamflo = api;

  try {
    ls = localStorage;
  } catch {
    /* no storage on this page: the frame keeps its state in memory */
  }
  try {
    script = (d.currentScript || d.querySelector('script[src*="widget.js"]')) as HTMLScriptElement;
    origin = new URL(script.src).origin;
    // `all: initial`: nothing the page sets on divs, nor anything inherited, reaches inside.
    const host = make('div', 'all:initial!important');
    root = host.attachShadow({ mode: 'open' });
    const mount = () => d.body.append(host);
    // An async script in <head> may run before <body> exists.
    d.body ? mount() : addEventListener('DOMContentLoaded', mount);

    addEventListener('message', (e) => {
      const m = e.data;
      const k = m && m.kamflo;
      if (!f || e.origin !== origin || e.source !== f.contentWindow) return;
      try {
        if (k === 'ready') {
          ready = 1;
          pending.splice(0).map(post);
        } else if (k === 'set') {
          if (!`${m.k}`.indexOf('kamflo:')) m.v == null ? ls!.removeItem(m.k) : ls!.setItem(m.k, m.v);
        } else if (k === 'unread') {
          if (button) {
            badge.textContent = m.n || '';
            badge.hidden = !m.n;
          }
          fire(k, m.n);
        } else if (k === 'open' || k === 'close') {
          const back = root.activeElement === f;
          open = k === 'open';
          size();
          // Keyboard focus follows: into the panel, and back to the launcher when it closes.
          if (open) f.focus();
          else if (back && button) button.focus();
          fire(k);
        }
      } catch {
        /* never into the host page */
      }
    });

    const calls = [].map.call(prev && prev.q ? prev.q : [], (x) => (typeof x === 'string' ? [x] : x)) as unknown[][];
    if (!calls.some((x) => x[0] === 'boot') && script.getAttribute('data-boot') !== 'manual') api('boot');
    for (const x of calls) api(...x);
  } catch {
    warn('cannot find the widget.js script tag');
  }
}

// A module for TypeScript and tests; the build wraps it in an IIFE with no exports.
export {};
