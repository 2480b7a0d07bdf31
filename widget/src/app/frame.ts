import type { FrameBridge } from './App.tsx';

/**
 * The frame's side of the postMessage protocol with widget.js. `host` is the embedding page's
 * origin (the loader passes it in the query): messages go only there, commands come only from it.
 */
export function createFrameBridge(host: string, win: Window = window): FrameBridge & { ready(): void; store(key: string, raw: string | null): void } {
  const post = (message: unknown) => {
    try {
      if (win.parent !== win) win.parent.postMessage(message, host);
    } catch {
      /* an unusable host origin: the frame still works at its initial size */
    }
  };
  return {
    ready: () => post({ kamflo: 'ready' }),
    resize: (open) => post({ kamflo: 'resize', open }),
    /** Keep a `kamflo:` key in the host page's localStorage (when ours is denied). */
    store: (k, v) => post({ kamflo: 'set', k, v }),
    onCommand(handler) {
      const listen = (e: MessageEvent) => {
        const c = e.data?.kamflo;
        if (e.origin === host && e.source === win.parent && (c === 'open' || c === 'close')) handler(c);
      };
      win.addEventListener('message', listen);
      return () => win.removeEventListener('message', listen);
    },
  };
}
