import type { SliceCreator } from '../../store.ts';

export type Route =
  | { view: 'chats' }
  | { view: 'tickets'; ticket?: number }
  /** The Help Center: the article list, a new article (`'new'`) or an article by id. */
  | { view: 'helpcenter'; article?: string };
export type Connection = 'connecting' | 'online' | 'offline';

export interface ShellState {
  route: Route;
  connection: Connection;
  /** Why the socket is down, when the server said. */
  connectionError: string | null;
  /** A short confirmation shown at the top of the page ("Ticket #1001 created"). */
  notice: string | null;
}

export interface ShellSlice extends ShellState {
  navigate(route: Route): void;
  setConnection(connected: boolean, error?: string): void;
  showNotice(text: string | null): void;
}

export function initialShellState(): ShellState {
  return { route: { view: 'chats' }, connection: 'connecting', connectionError: null, notice: null };
}

export const createShellSlice: SliceCreator<ShellSlice> = (set) => ({
  ...initialShellState(),
  // A notice belongs to the page it was shown on.
  navigate: (route) => set({ route, notice: null }),
  setConnection: (connected, error) => set({ connection: connected ? 'online' : 'offline', connectionError: connected ? null : (error ?? null) }),
  showNotice: (notice) => set({ notice }),
});
