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
  /** Set once this loader ran, so a second copy of the script does nothing. */
  loaded?: 1;
}
type Win = Window & { Kamflo?: KamfloApi };

(() => {
  try {
    const w = window as Win;
    const d = document;
    if (w.Kamflo?.loaded) return;
    const queue: unknown[] = w.Kamflo?.q ?? [];
    let frame: HTMLIFrameElement | undefined;
    let origin = '';
    let ready = false;

    const send = (command: unknown) => frame?.contentWindow?.postMessage({ kamflo: command }, origin);
    const api: KamfloApi = (command) => {
      try {
        ready ? send(command) : queue.push(command);
      } catch {
        /* never into the host page */
      }
    };
    api.q = queue;
    api.loaded = 1;
    w.Kamflo = api;

    const script = (d.currentScript ?? d.querySelector('script[src*="widget.js"]')) as HTMLScriptElement;
    origin = new URL(script.src).origin;
    const site = script.getAttribute('data-site') || 'default';
    const f = (frame = d.createElement('iframe'));

    // CSSOM only (strict-CSP hosts), and !important so host rules such as `iframe { … !important }`
    // cannot move, hide or restyle the widget.
    const set = (styles: Record<string, string>) => {
      for (const k in styles) f.style.setProperty(k, styles[k]!, 'important');
    };
    let open = false;
    const size = () =>
      set(
        open
          ? { width: `${Math.min(400, w.innerWidth)}px`, height: `${Math.min(640, w.innerHeight)}px` }
          : { width: '88px', height: '88px' },
      );
    set({
      position: 'fixed',
      bottom: '0',
      right: '0',
      top: 'auto',
      left: 'auto',
      border: '0',
      margin: '0',
      padding: '0',
      display: 'block',
      background: 'transparent',
      // A color-scheme mismatch between page and frame paints the frame opaque.
      'color-scheme': 'normal',
      'z-index': '2147483647',
    });
    size();
    f.title = 'Kamflo chat';
    f.src = `${origin}/widget/frame.html?site=${encodeURIComponent(site)}&host=${encodeURIComponent(
      location.origin,
    )}&page=${encodeURIComponent(location.href)}`;

    w.addEventListener('message', (e: MessageEvent) => {
      const m = e.data;
      if (e.origin !== origin || e.source !== f.contentWindow || !m) return;
      if (m.kamflo === 'ready') {
        ready = true;
        queue.splice(0).forEach(send);
      } else if (m.kamflo === 'resize') {
        open = !!m.open;
        size();
      }
    });
    w.addEventListener('resize', () => open && size());

    const mount = () => d.body.appendChild(f);
    // An async script in <head> may run before <body> exists.
    d.body ? mount() : d.addEventListener('DOMContentLoaded', mount);
  } catch {
    /* never into the host page */
  }
})();

// A module for TypeScript and tests; the build wraps it in an IIFE with no exports.
export {};
