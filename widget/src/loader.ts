// widget.js: what a customer's page includes. It stays tiny (≤ 1 KB gzipped), defines the public
// API first, and frames the real app from the Kamflo server. Nothing here may throw into the host.
//
//   <script src="https://kamflo.example/widget.js" data-site="default" async></script>
//   Kamflo('open'); Kamflo('close');
//
// Pages may also queue calls before the script loads:
//   window.Kamflo = window.Kamflo || function () { (Kamflo.q = Kamflo.q || []).push(arguments[0]) };

type Command = 'open' | 'close';
interface KamfloApi {
  (command: Command): void;
  /** Commands queued before the frame was ready. */
  q?: unknown[];
  /** Set once a loader ran, so a second copy of the script does nothing. */
  l?: 1;
}
const w = window as Window & { Kamflo?: KamfloApi };
const d = document;
const prev = w.Kamflo;

// Written for size (the budget is 1 KB gzipped) and for old browsers: no optional chaining.
if (!(prev && prev.l)) {
  try {
    const queue: unknown[] = (prev && prev.q) || [];
    let f: HTMLIFrameElement;
    let origin = '';
    let ready = false;
    let open = false;

    const send = (command: unknown) => f.contentWindow!.postMessage({ kamflo: command }, origin);
    const api: KamfloApi = (command) => {
      try {
        ready ? send(command) : queue.push(command);
      } catch {
        /* never into the host page */
      }
    };
    api.q = queue;
    api.l = 1;
    w.Kamflo = api;

    const script = (d.currentScript || d.querySelector('script[src*="widget.js"]')) as HTMLScriptElement;
    origin = new URL(script.src).origin;
    f = d.createElement('iframe');

    // CSSOM only (strict-CSP hosts), and !important so host rules such as `iframe { … !important }`
    // cannot move, hide or restyle the widget. A color-scheme mismatch would paint the frame opaque.
    const css = (declarations: string) => {
      for (const decl of declarations.split(';')) {
        const [k, v] = decl.split(':');
        f.style.setProperty(k!, v!, 'important');
      }
    };
    const size = () => css(open ? `width:${Math.min(400, innerWidth)}px;height:${Math.min(640, innerHeight)}px` : 'width:88px;height:88px');
    css(
      'position:fixed;bottom:0;right:0;top:auto;left:auto;border:0;margin:0;padding:0;display:block;' +
        'background:transparent;color-scheme:normal;z-index:2147483647',
    );
    size();
    f.title = 'Kamflo chat';

    // Browsers that block third-party storage deny the frame its localStorage; then the frame
    // keeps its `kamflo:` keys (visitor identity, outbox) here, on the page's origin. They go to
    // the frame in the URL fragment, which never reaches a server, and come back as 'set' messages.
    const saved: Record<string, string | null> = {};
    let ls: Storage | undefined;
    try {
      ls = localStorage;
      for (const k of Object.keys(ls)) if (!k.indexOf('kamflo:')) saved[k] = ls.getItem(k);
    } catch {
      /* no storage on this page either: the frame keeps it in memory */
    }
    const enc = encodeURIComponent;
    f.src = `${origin}/widget/frame.html?site=${enc(script.getAttribute('data-site') || 'default')}&host=${enc(
      location.origin,
    )}&page=${enc(location.href)}#${enc(JSON.stringify(saved))}`;

    w.addEventListener('message', (e) => {
      const m = e.data;
      if (e.origin !== origin || e.source !== f.contentWindow || !m) return;
      try {
        if (m.kamflo === 'ready') {
          ready = true;
          queue.splice(0).forEach(send);
        } else if (m.kamflo === 'resize') {
          open = !!m.open;
          size();
        } else if (m.kamflo === 'set' && !String(m.k).indexOf('kamflo:')) {
          m.v == null ? ls!.removeItem(m.k) : ls!.setItem(m.k, m.v);
        }
      } catch {
        /* never into the host page */
      }
    });
    w.addEventListener('resize', () => open && size());

    const mount = () => d.body.appendChild(f);
    // An async script in <head> may run before <body> exists.
    d.body ? mount() : d.addEventListener('DOMContentLoaded', mount);
  } catch {
    /* never into the host page */
  }
}

// A module for TypeScript and tests; the build wraps it in an IIFE with no exports.
export {};
