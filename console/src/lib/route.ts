import type { Route } from '../features/shell/shell.slice.ts';

/** `#/tickets/1001` ⇄ `{ view: 'tickets', ticket: 1001 }`, `#/help-center/<id|new>`; anything else is the chats view. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'tickets') {
    const number = Number(parts[1]);
    return Number.isSafeInteger(number) && number > 0 ? { view: 'tickets', ticket: number } : { view: 'tickets' };
  }
  if (parts[0] === 'help-center') {
    const article = parts[1];
    return article === 'new' || (article && /^[0-9a-f]{24}$/.test(article)) ? { view: 'helpcenter', article } : { view: 'helpcenter' };
  }
  return { view: 'chats' };
}

export function routeHref(route: Route): string {
  if (route.view === 'helpcenter') return route.article ? `#/help-center/${route.article}` : '#/help-center';
  if (route.view === 'tickets') return route.ticket ? `#/tickets/${route.ticket}` : '#/tickets';
  return '#/chats';
}
