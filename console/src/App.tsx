import { useEffect } from 'preact/hooks';
import { useAppStore } from './app-context.tsx';
import { SignIn } from './features/auth/SignIn.tsx';
import { Shell } from './features/shell/Shell.tsx';

/** Restores the session, then shows the sign-in form or the console. */
export function App() {
  const status = useAppStore((s) => s.authStatus);
  const restoreSession = useAppStore((s) => s.restoreSession);

  useEffect(() => {
    void restoreSession();
  }, [restoreSession]);

  if (status === 'checking') {
    return (
      <p class="splash" role="status">
        Loading Kamflo…
      </p>
    );
  }
  return status === 'signed-in' ? <Shell /> : <SignIn />;
}
