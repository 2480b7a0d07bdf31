import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { useStore } from 'zustand';
import { createAppStore, type AppDeps, type AppState, type AppStore } from './store.ts';

export interface AppContextValue {
  deps: AppDeps;
  store: AppStore;
}

const AppContext = createContext<AppContextValue | null>(null);

/** Gives every component the dependencies (api, realtime, clock) and the store built on them. */
export function AppProvider(props: { deps: AppDeps; store?: AppStore; children: ComponentChildren }) {
  const [value] = useState<AppContextValue>(() => ({
    deps: props.deps,
    store: props.store ?? createAppStore(props.deps),
  }));
  return <AppContext.Provider value={value}>{props.children}</AppContext.Provider>;
}

function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('Kamflo components must be rendered inside <AppProvider>');
  return value;
}

export const useDeps = (): AppDeps => useApp().deps;
export const useAppStoreApi = (): AppStore => useApp().store;

/** Reads from the store; the selector must return stored values (not new objects) to stay stable. */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(useApp().store, selector);
}

/** The current time from the injected clock, re-read every `intervalMs`. */
export function useNow(intervalMs: number): number {
  const { now } = useDeps();
  const [time, setTime] = useState(now);
  useEffect(() => {
    setTime(now());
    const timer = setInterval(() => setTime(now()), intervalMs);
    return () => clearInterval(timer);
  }, [now, intervalMs]);
  return time;
}
