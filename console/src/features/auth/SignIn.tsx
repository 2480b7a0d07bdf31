import { useState } from 'preact/hooks';
import { useAppStore } from '../../app-context.tsx';

/** The sign-in form, shown until the agent has a session. */
export function SignIn() {
  const signIn = useAppStore((s) => s.signIn);
  const signingIn = useAppStore((s) => s.signingIn);
  const error = useAppStore((s) => s.authError);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (event: Event) => {
    event.preventDefault();
    void signIn(email.trim(), password);
  };

  return (
    <main class="sign-in">
      <form class="card sign-in-card" aria-labelledby="sign-in-title" onSubmit={submit} noValidate>
        <div class="brand brand-large" aria-hidden="true">
          Kamflo
        </div>
        <h1 id="sign-in-title">Sign in to the console</h1>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <label class="field">
          <span>Email</span>
          <input type="email" name="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="button primary" disabled={signingIn}>
          Sign in
        </button>
        <p class="muted" role="status">
          {signingIn ? 'Signing in…' : ''}
        </p>
      </form>
    </main>
  );
}
