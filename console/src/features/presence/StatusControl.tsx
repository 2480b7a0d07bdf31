import { useState } from 'preact/hooks';
import { useAppStore } from '../../app-context.tsx';
import type { MyStatus } from './presence.slice.ts';

/** The agent's availability: Online takes new chats, Away does not; Offline while disconnected. */
export function StatusControl() {
  const myStatus = useAppStore((s) => s.myStatus);
  const connected = useAppStore((s) => s.connection === 'online');
  const setMyStatus = useAppStore((s) => s.setMyStatus);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const change = async (status: MyStatus) => {
    setBusy(true);
    setError(null);
    const result = await setMyStatus(status);
    setBusy(false);
    if (!result.ok) setError(`Couldn't change your status: ${result.message}`);
  };

  const shown = connected ? myStatus : 'offline';
  return (
    <div class={`my-status my-status-${shown}`}>
      <label for="my-status">Status</label>
      <select id="my-status" value={shown} disabled={!connected || busy} onChange={(e) => void change(e.currentTarget.value as MyStatus)}>
        {connected ? (
          <>
            <option value="online">Online</option>
            <option value="away">Away</option>
          </>
        ) : (
          <option value="offline">Offline</option>
        )}
      </select>
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
