import { useState } from 'preact/hooks';
import { PASSWORD_MIN_LENGTH } from '@kamflo/shared/constants';
import { useDeps } from '../../app-context.tsx';
import { ApiError } from '../../lib/api.ts';

/** The token of a one-time set-password link (`#/set-password/<token>`), or null. */
export function setPasswordTokenOf(hash: string): string | null {
  const m = /^#\/set-password\/([\w-]+)$/.exec(hash);
  return m ? m[1]! : null;
}

/** An invited (or reset) agent chooses a password with the link an admin gave them; the link then stops working. */
export function SetPassword({ token, onDone }: { token: string; onDone: () => void }) {
  const { api } = useDeps();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await api.call('POST /api/auth/set-password', { body: { token, password } });
      setDone(true);
      setError(null);
      // The token is used up: keep it out of the address bar and history.
      history.replaceState(null, '', '#/');
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Something went wrong');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form class="card sign-in-card" aria-labelledby="set-password-title" onSubmit={submit} noValidate>
        <div class="brand brand-large" aria-hidden="true">
          Kamflo
        </div>
        <h1 id="set-password-title">Choose your password</h1>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {done ? (
          <>
            <p role="status">Your password is set. Sign in with your email and this password.</p>
            <button type="button" class="button primary" onClick={onDone}>
              Go to sign-in
            </button>
          </>
        ) : (
          <>
            <label class="field">
              <span>New password</span>
              <input
                type="password"
                autocomplete="new-password"
                required
                minLength={PASSWORD_MIN_LENGTH}
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </label>
            <p class="muted small">At least {PASSWORD_MIN_LENGTH} characters; a passphrase of a few words is best.</p>
            <button type="submit" class="button primary" disabled={busy || !password}>
              Set password
            </button>
          </>
        )}
      </form>
    </main>
  );
}
