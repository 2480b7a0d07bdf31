import { useEffect, useState } from 'preact/hooks';
import { useAppStore } from './app-context.tsx';
import { SignIn } from './features/auth/SignIn.tsx';
import { SetPassword, setPasswordTokenOf } from './features/auth/SetPassword.tsx';
import { Shell } from './features/shell/Shell.tsx';

/** Restores the session, then shows the sign-in form or the console (or, opened from a set-password link, that page). */
export function App() {
  const status = useAppStore((s) => s.authStatus);
  const restoreSession = useAppStore((s) => s.restoreSession);
  const [linkToken, setLinkToken] = useState(() => setPasswordTokenOf(location.hash));

  useEffect(() => {
    void restoreSession();
  }, [restoreSession]);

  if (linkToken) return <SetPassword token={linkToken} onDone={() => setLinkToken(null)} />;

  if (status === 'checking') {
    return (
      <p class="splash" role="status">
        Loading Kamflo…
      </p>
    );
  }
  return status === 'signed-in' ? <Shell /> : <SignIn />;
}
