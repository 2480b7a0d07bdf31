import type { WidgetUser } from './client.ts';
import { hintKey } from './storage.ts';

/** What widget.js asks of the frame, from the page's `Kamflo(...)` calls (checked there first). */
export type FrameCommand =
  | { kind: 'open' }
  | { kind: 'close' }
  /** `Kamflo('showNewMessage', text)`: open with the text in the message box. */
  | { kind: 'show'; text: string }
  | { kind: 'update'; user?: WidgetUser; locale?: string; page?: string };

/** The frame's link to the host page (main.tsx posts to the parent window). */
export interface FrameBridge {
  /** The panel opened or closed: the loader shows or hides the frame and tells the page. */
  opened(open: boolean): void;
  /** Agent messages the visitor has not seen: the launcher's badge and the page's 'unread' event. */
  unread(count: number): void;
  /** 'live': a conversation in progress or unread replies, so the next page view connects at once. */
  hint(value: 'live' | 'idle'): void;
  /** Commands from the host page; returns the unsubscribe function. */
  onCommand(handler: (command: FrameCommand) => void): () => void;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** A command as posted by widget.js (`{ kamflo: [name, argument] }`), or null for anything else. */
export function readCommand(data: unknown): FrameCommand | null {
  const c = (data as { kamflo?: unknown } | null)?.kamflo;
  if (!Array.isArray(c)) return null;
  const [name, arg] = c as [unknown, Record<string, unknown> | string | undefined];
  if (name === 'open' || name === 'close') return { kind: name };
  if (name === 'show' && typeof arg === 'string') return { kind: 'show', text: arg };
  if (name === 'update' && arg && typeof arg === 'object') {
    const u = arg.user as WidgetUser | undefined;
    return {
      kind: 'update',
      ...(u && typeof u === 'object' && typeof u.id === 'string' ? { user: u } : {}),
      ...(str(arg.locale) ? { locale: str(arg.locale) } : {}),
      ...(str(arg.page) ? { page: str(arg.page) } : {}),
    };
  }
  return null;
}

/**
 * The frame's side of the postMessage protocol with widget.js. `host` is the embedding page's
 * origin (the loader passes it in the query): messages go only there, commands come only from it.
 */
export function createFrameBridge(
  host: string,
  site: string,
  win: Window = window,
): FrameBridge & { ready(): void; store(key: string, raw: string | null): void } {
  const post = (message: unknown) => {
    try {
      if (win.parent !== win) win.parent.postMessage(message, host);
    } catch {
      /* an unusable host origin: the frame still works, unseen */
    }
  };
  /** Keep a `kamflo:` key in the host page's localStorage. */
  const store = (k: string, v: string | null) => post({ kamflo: 'set', k, v });
  // Listening from the start: widget.js posts what it queued as soon as we say ready, which may be
  // before the app has subscribed (it does so in an effect). Those commands wait here for it.
  let handler: ((command: FrameCommand) => void) | undefined;
  const early: FrameCommand[] = [];
  win.addEventListener('message', (e: MessageEvent) => {
    if (e.origin !== host || e.source !== win.parent) return;
    const command = readCommand(e.data);
    if (command) handler ? handler(command) : early.push(command);
  });
  return {
    ready: () => post({ kamflo: 'ready' }),
    opened: (open) => post({ kamflo: open ? 'open' : 'close' }),
    unread: (n) => post({ kamflo: 'unread', n }),
    hint: (value) => store(hintKey(site), value),
    store,
    onCommand(next) {
      handler = next;
      for (const command of early.splice(0)) next(command);
      return () => {
        if (handler === next) handler = undefined;
      };
    },
  };
}
