import type { AgentDto } from '@kamflo/shared';
import { ApiError, errorMessage } from '../../lib/api.ts';
import type { SliceCreator } from '../../store.ts';
import { initialSessionState } from '../../session-state.ts';

export type AuthStatus = 'checking' | 'signed-out' | 'signed-in';

export interface AuthState {
  authStatus: AuthStatus;
  agent: AgentDto | null;
  /** Why the sign-in form is showing (wrong password, expired session, server down). */
  authError: string | null;
  signingIn: boolean;
}

export interface AuthSlice extends AuthState {
  /** On load: an existing session cookie signs the agent straight in. */
  restoreSession(): Promise<void>;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Any request answered 401: the session ran out. */
  sessionExpired(): void;
  /** Asks the server whether the session is still valid (after the socket was refused). */
  checkSession(): Promise<void>;
}

export const WRONG_CREDENTIALS = 'Wrong email or password';
export const SESSION_EXPIRED = 'Your session has expired. Please sign in again.';

export function initialAuthState(): AuthState {
  return { authStatus: 'checking', agent: null, authError: null, signingIn: false };
}

export const createAuthSlice: SliceCreator<AuthSlice> = (set, get, { api }) => ({
  ...initialAuthState(),

  async restoreSession() {
    set({ authStatus: 'checking', authError: null });
    try {
      const agent = await api.call('GET /api/auth/me');
      set({ authStatus: 'signed-in', agent });
    } catch (error) {
      const quiet = error instanceof ApiError && error.status === 401;
      set({ authStatus: 'signed-out', agent: null, authError: quiet ? null : errorMessage(error) });
    }
  },

  async signIn(email, password) {
    if (get().signingIn) return;
    set({ signingIn: true, authError: null });
    try {
      const agent = await api.call('POST /api/auth/sign-in', { body: { email, password } });
      // Keep the route: a deep link opened before signing in still lands on its ticket.
      set({ ...initialSessionState(), route: get().route, authStatus: 'signed-in', agent, signingIn: false });
    } catch (error) {
      const wrong = error instanceof ApiError && error.code === 'unauthorized';
      set({ signingIn: false, authError: wrong ? WRONG_CREDENTIALS : errorMessage(error) });
    }
  },

  async signOut() {
    try {
      await api.call('POST /api/auth/sign-out');
    } catch {
      // Signed out locally either way; the cookie expires on its own.
    }
    set({ ...initialSessionState(), authStatus: 'signed-out', agent: null, authError: null });
  },

  async checkSession() {
    try {
      await api.call('GET /api/auth/me');
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) get().sessionExpired();
    }
  },

  sessionExpired() {
    if (get().authStatus !== 'signed-in') return;
    set({ ...initialSessionState(), authStatus: 'signed-out', agent: null, authError: SESSION_EXPIRED });
  },
});
