import { createStore, type StoreApi } from 'zustand/vanilla';
import { ApiError, type ApiClient } from './lib/api.ts';
import type { Realtime } from './lib/socket.ts';
import { createAuthSlice, type AuthSlice } from './features/auth/auth.slice.ts';
import { createShellSlice, type ShellSlice } from './features/shell/shell.slice.ts';
import { createDashboardSlice, type DashboardSlice } from './features/dashboard/dashboard.slice.ts';
import { createChatsSlice, type ChatsSlice } from './features/chats/chats.slice.ts';
import { createTicketsSlice, type TicketsSlice } from './features/tickets/tickets.slice.ts';
import { createNotificationsSlice, type NotificationsSlice } from './features/notifications/notifications.slice.ts';
import { createPresenceSlice, type PresenceSlice } from './features/presence/presence.slice.ts';

/** Everything the console talks to. `main.tsx` builds the real ones; tests pass fakes. */
export interface AppDeps {
  api: ApiClient;
  realtime: Realtime;
  /** Milliseconds since the epoch; injectable so wait times and SLA clocks are testable. */
  now: () => number;
  /** Client-generated message ids (idempotent retries). */
  newClientId: () => string;
}

export type AppState = AuthSlice & ShellSlice & DashboardSlice & ChatsSlice & TicketsSlice & PresenceSlice & NotificationsSlice;
export type AppStore = StoreApi<AppState>;
export type SetState = AppStore['setState'];
export type GetState = AppStore['getState'];
/** A feature slice: its state and actions, given the store and the dependencies. */
export type SliceCreator<T> = (set: SetState, get: GetState, deps: AppDeps) => T;

/** Result of an action whose failure a form shows next to itself. */
export type ActionResult<T = undefined> = { ok: true; data: T } | { ok: false; message: string };

/** Routes that answer 401 as part of their job (not because the session ran out). */
const AUTH_ROUTES = new Set(['GET /api/auth/me', 'POST /api/auth/sign-in', 'POST /api/auth/sign-out']);

export function createAppStore(deps: AppDeps): AppStore {
  return createStore<AppState>()((set, get) => {
    // A 401 from any other route means the session expired: back to the sign-in form, once, here.
    const api: ApiClient = {
      async call(route, ...args) {
        try {
          return await deps.api.call(route, ...args);
        } catch (error) {
          if (error instanceof ApiError && error.status === 401 && !AUTH_ROUTES.has(route)) get().sessionExpired();
          throw error;
        }
      },
    };
    const sliceDeps: AppDeps = { ...deps, api };
    return {
      ...createAuthSlice(set, get, sliceDeps),
      ...createShellSlice(set, get, sliceDeps),
      ...createDashboardSlice(set, get, sliceDeps),
      ...createChatsSlice(set, get, sliceDeps),
      ...createTicketsSlice(set, get, sliceDeps),
      ...createNotificationsSlice(set, get, sliceDeps),
      ...createPresenceSlice(set, get, sliceDeps),
    };
  });
}
