import type { ComponentChildren } from 'preact';
import { act, render } from '@testing-library/preact';
import { AppProvider } from '../app-context.tsx';
import { createAppStore, type AppDeps, type AppState, type AppStore } from '../store.ts';
import { NOW, agent, createFakeApi, createFakeRealtime, type FakeApi, type FakeRealtime } from './fakes.ts';

export interface TestApp {
  api: FakeApi;
  realtime: FakeRealtime;
  store: AppStore;
  deps: AppDeps;
  /** The fake clock: set `clock.now` to move time. */
  clock: { now: number };
}

/** Fake dependencies and a store, optionally already signed in and seeded with state. */
export function createTestApp(options: { api?: FakeApi; realtime?: FakeRealtime; signedIn?: boolean; state?: Partial<AppState> } = {}): TestApp {
  const api = options.api ?? createFakeApi();
  const realtime = options.realtime ?? createFakeRealtime();
  const clock = { now: NOW };
  let n = 0;
  const deps: AppDeps = {
    api,
    realtime,
    now: () => clock.now,
    newClientId: () => `test-client-${++n}`,
  };
  const store = createAppStore(deps);
  if (options.signedIn !== false) store.setState({ authStatus: 'signed-in', agent });
  if (options.state) store.setState(options.state);
  return { api, realtime, store, deps, clock };
}

/** Renders `ui` inside the app's context with the given test dependencies. */
export function renderWith(app: TestApp, ui: ComponentChildren) {
  return render(
    <AppProvider deps={app.deps} store={app.store}>
      {ui}
    </AppProvider>,
  );
}

/** A signed-in console whose fake server answers the start-up calls with empty lists. */
export function createConsoleApp(options: Parameters<typeof createTestApp>[0] = {}): TestApp {
  const app = createTestApp(options);
  app.api.routes['GET /api/dashboard'] ??= () => ({ highPriority: 0, open: 0, inProgress: 0, resolved: 0 });
  app.api.routes['GET /api/tickets'] ??= () => ({ tickets: [] });
  app.api.routes['GET /api/views'] ??= () => [];
  app.api.routes['GET /api/notifications'] ??= () => [];
  app.api.routes['GET /api/dashboard/weekly'] ??= () => ({ weeks: [] });
  app.api.routes['GET /api/helpcenter/deflection'] ??= () => ({ site: 'default', days: 30, read: 0, submitted: 0, deflected: 0 });
  app.realtime.responders['chat:list'] ??= () => ({ ok: true, data: { chats: [], requests: [] } });
  return app;
}

/**
 * Picks an option the way a browser does (value, then a `change` event). testing-library/preact's
 * `fireEvent.change` fires `input` instead once preact/compat is loaded (zustand loads it).
 */
export function selectOption(select: HTMLElement, value: string) {
  act(() => {
    (select as HTMLSelectElement).value = value;
    select.dispatchEvent(new Event('input', { bubbles: true }));
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}
