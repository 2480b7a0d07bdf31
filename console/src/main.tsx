import { render } from 'preact';
import { App } from './App.tsx';
import { AppProvider } from './app-context.tsx';
import { createHttpApi } from './lib/api.ts';
import { parseRoute, routeHref } from './lib/route.ts';
import { createAgentSocket, createRealtime } from './lib/socket.ts';
import { createAppStore, type AppDeps } from './store.ts';
import './styles.css';

// The only module with side effects: real dependencies, the store, the URL hash and the DOM.
const deps: AppDeps = {
  api: createHttpApi(),
  realtime: createRealtime(createAgentSocket()),
  now: () => Date.now(),
  newClientId: () => crypto.randomUUID(),
};
const store = createAppStore(deps);

// Keep the route in the URL hash so reloads and shared links land on the same ticket.
store.getState().navigate(parseRoute(location.hash));
store.subscribe((state, previous) => {
  if (state.route === previous.route) return;
  const href = routeHref(state.route);
  if (location.hash !== href) history.pushState(null, '', href);
});
window.addEventListener('hashchange', () => store.getState().navigate(parseRoute(location.hash)));
window.addEventListener('popstate', () => store.getState().navigate(parseRoute(location.hash)));

const root = document.getElementById('app');
if (root) {
  render(
    <AppProvider deps={deps} store={store}>
      <App />
    </AppProvider>,
    root,
  );
}
