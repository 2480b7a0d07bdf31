import type { WidgetUser } from './client.ts';

/** A key-value store for small JSON values. Tests pass an in-memory one. */
export interface KeyValue {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  remove(key: string): void;
}

/**
 * The frame's localStorage. Where the browser denies it (third-party storage blocked), the host
 * page keeps the values instead: they arrive as `initial` (widget.js passes them in the URL
 * fragment) and every change goes back through `mirror`. Without either it is memory only, and
 * the widget still works for this page view.
 */
export function browserStorage({
  ls = safeLocalStorage(),
  initial = {},
  mirror,
}: {
  /** null: the browser denies localStorage. */
  ls?: Storage | null;
  initial?: Record<string, string | null>;
  mirror?: (key: string, raw: string | null) => void;
} = {}): KeyValue {
  const memory = new Map<string, string>();
  if (!ls) for (const [k, v] of Object.entries(initial)) if (typeof v === 'string') memory.set(k, v);
  const write = (key: string, raw: string | null) => {
    if (raw == null) memory.delete(key);
    else memory.set(key, raw);
    if (!ls) return mirror?.(key, raw);
    try {
      if (raw == null) ls.removeItem(key);
      else ls.setItem(key, raw);
    } catch {
      /* quota: memory keeps it for this page view */
    }
  };
  return {
    get<T>(key: string) {
      try {
        // What this page wrote wins: a write localStorage refused still reads back.
        const raw = memory.has(key) || !ls ? memory.get(key) : ls.getItem(key);
        return raw == null ? undefined : (JSON.parse(raw) as T);
      } catch {
        return undefined;
      }
    },
    set: (key, value) => write(key, JSON.stringify(value)),
    remove: (key) => write(key, null),
  };
}

function safeLocalStorage(): Storage | null {
  try {
    const ls = window.localStorage;
    ls.getItem('kamflo:probe');
    return ls;
  } catch {
    return null;
  }
}

/**
 * What widget.js put in the URL fragment (which never reaches a server): the host page's `kamflo:`
 * keys, and the signed-in user the page booted with.
 */
export function fromFragment(hash: string): { keys: Record<string, string | null>; user?: WidgetUser } {
  try {
    const data = JSON.parse(decodeURIComponent(hash.slice(1)));
    if (!data || typeof data !== 'object') return { keys: {} };
    // A widget.js from before the user was passed sent the keys alone.
    if (!('k' in data)) return { keys: data };
    const keys = data.k && typeof data.k === 'object' ? data.k : {};
    const u = data.u;
    return { keys, user: u && typeof u === 'object' && typeof u.id === 'string' ? u : undefined };
  } catch {
    return { keys: {} };
  }
}

/**
 * `Kamflo('shutdown')` leaves a new epoch (a number) in the page's `kamflo:epoch:<site>`. A frame
 * whose own storage remembers another epoch forgets this site's visitor before anything reads it,
 * then remembers the page's. So a sign-out sticks even when the page navigates away before the
 * frame widget.js loads to clear its storage (`&x=1`) has run. Returns whether it forgot.
 */
export function applyEpoch(storage: KeyValue, site: string, pageKeys: Record<string, string | null>): boolean {
  const key = epochKey(site);
  const page = Number(pageKeys[key] ?? 0) || 0;
  if ((storage.get<number>(key) ?? 0) === page) return false;
  forgetVisitor(storage, site);
  storage.set(key, page);
  return true;
}

export const visitorKey = (site: string) => `kamflo:visitor:${site}`;
export const outboxKey = (site: string) => `kamflo:outbox:${site}`;
/** How far the visitor has read: `{ conversationId, seq }`, for the unread count after a reload. */
export const readKey = (site: string) => `kamflo:read:${site}`;
/** For widget.js, on the page's own storage: 'live' (reconnect at once) or 'idle'. */
export const hintKey = (site: string) => `kamflo:hint:${site}`;
/** Written by widget.js on `Kamflo('shutdown')`: see applyEpoch. */
export const epochKey = (site: string) => `kamflo:epoch:${site}`;

/** Forgets this site's visitor: identity, unsent messages, read position and the page's hint. */
export function forgetVisitor(storage: KeyValue, site: string) {
  for (const key of [visitorKey(site), outboxKey(site), readKey(site)]) storage.remove(key);
}
