/** A key-value store for small JSON values. Tests pass an in-memory one. */
export interface KeyValue {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  remove(key: string): void;
}

/**
 * localStorage, falling back to memory where it is unavailable (storage blocked for third-party
 * frames, private modes, quota): the widget still works for this page view.
 */
export function browserStorage(ls: Storage | undefined = safeLocalStorage()): KeyValue {
  const memory = new Map<string, string>();
  // What this page wrote wins: a write that localStorage refused (quota) still reads back.
  const read = (k: string) => {
    if (memory.has(k)) return memory.get(k)!;
    try {
      return ls?.getItem(k) ?? null;
    } catch {
      return null;
    }
  };
  return {
    get<T>(key: string) {
      try {
        const raw = read(key);
        return raw == null ? undefined : (JSON.parse(raw) as T);
      } catch {
        return undefined;
      }
    },
    set(key, value) {
      const raw = JSON.stringify(value);
      memory.set(key, raw);
      try {
        ls?.setItem(key, raw);
      } catch {
        /* memory keeps it */
      }
    },
    remove(key) {
      memory.delete(key);
      try {
        ls?.removeItem(key);
      } catch {
        /* nothing to do */
      }
    },
  };
}

function safeLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export const visitorKey = (site: string) => `kamflo:visitor:${site}`;
export const outboxKey = (site: string) => `kamflo:outbox:${site}`;
