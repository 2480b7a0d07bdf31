import { useEffect } from 'preact/hooks';
import { ROLE_LABELS } from '@kamflo/shared/constants';
import { useAppStore, useAppStoreApi, useDeps } from '../../app-context.tsx';
import { Link } from '../../ui/Link.tsx';
import { Dashboard } from '../dashboard/Dashboard.tsx';
import { ChatsView } from '../chats/ChatsView.tsx';
import { TicketsView } from '../tickets/TicketsView.tsx';
import { HelpCenterView } from '../helpcenter/HelpCenterView.tsx';
import { bindRealtime } from './realtime-binding.ts';
import { Notifications } from '../notifications/Notifications.tsx';

/** The signed-in console: header, navigation, dashboard counts and the current view. */
export function Shell() {
  const store = useAppStoreApi();
  const { realtime } = useDeps();
  const agent = useAppStore((s) => s.agent);
  const signOut = useAppStore((s) => s.signOut);
  const route = useAppStore((s) => s.route);
  const waiting = useAppStore((s) => s.requests.length);

  useEffect(() => {
    void store.getState().loadCounts();
    void store.getState().loadNotifications();
    return bindRealtime(store, realtime);
  }, [store, realtime]);

  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">Kamflo</span>
        <ConnectionStatus />
        <div class="me">
          <span class="me-name">{agent?.name}</span>
          {agent && <span class="me-role">{ROLE_LABELS[agent.role]}</span>}
          <button type="button" class="button ghost" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <nav class="sidebar" aria-label="Main">
        <ul>
          <li>
            <Link
              to={{ view: 'chats' }}
              class="nav-link"
              aria-current={route.view === 'chats' ? 'page' : undefined}
              aria-describedby={waiting ? 'nav-waiting' : undefined}
            >
              Chats
            </Link>
            {waiting > 0 && (
              <span id="nav-waiting" class="pill">
                {waiting}
                <span class="visually-hidden"> waiting</span>
              </span>
            )}
          </li>
          <li>
            <Link to={{ view: 'tickets' }} class="nav-link" aria-current={route.view === 'tickets' ? 'page' : undefined}>
              Tickets
            </Link>
          </li>
          <li>
            <Link to={{ view: 'helpcenter' }} class="nav-link" aria-current={route.view === 'helpcenter' ? 'page' : undefined}>
              Help Center
            </Link>
          </li>
        </ul>
      </nav>
      <main class="content">
        <Dashboard />
        <Notifications />
        <Notice />
        {route.view === 'chats' ? (
          <ChatsView />
        ) : route.view === 'helpcenter' ? (
          <HelpCenterView article={route.article} />
        ) : (
          <TicketsView ticket={route.ticket} />
        )}
      </main>
    </div>
  );
}

function ConnectionStatus() {
  const connection = useAppStore((s) => s.connection);
  const { realtime } = useDeps();
  const label = { connecting: 'Connecting…', online: 'Live', offline: 'Offline — reconnecting…' }[connection];
  return (
    <div class={`connection connection-${connection}`}>
      <span class="dot" aria-hidden="true" />
      <span role="status">{label}</span>
      {connection === 'offline' && (
        <button type="button" class="button ghost small" onClick={() => realtime.connect()}>
          Reconnect
        </button>
      )}
    </div>
  );
}

function Notice() {
  const notice = useAppStore((s) => s.notice);
  const showNotice = useAppStore((s) => s.showNotice);
  return (
    <div class="notice-area" role="status">
      {notice && (
        <p class="notice">
          {notice}
          <button type="button" class="button ghost small" aria-label="Dismiss" onClick={() => showNotice(null)}>
            ×
          </button>
        </p>
      )}
    </div>
  );
}
