import type { Route } from '../features/shell/shell.slice.ts';

/** `#/tickets/1001` ⇄ `{ view: 'tickets', ticket: 1001 }`; anything else is the chats view. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'tickets') {
    const number = Number(parts[1]);
    return Number.isSafeInteger(number) && number > 0 ? { view: 'tickets', ticket: number } : { view: 'tickets' };
  }
  return { view: 'chats' };
}

export function routeHref(route: Route): string {
  if (route.view === 'tickets') return route.ticket ? `#/tickets/${route.ticket}` : '#/tickets';
  return '#/chats';
}
