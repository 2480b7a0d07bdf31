import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from './route.ts';

describe('hash routes', () => {
  it('round-trips the views and a ticket number', () => {
    for (const route of [{ view: 'chats' }, { view: 'tickets' }, { view: 'tickets', ticket: 1001 }] as const) {
      expect(parseRoute(routeHref(route))).toEqual(route);
    }
  });

  it('falls back to chats, and to the list for a bad ticket number', () => {
    expect(parseRoute('')).toEqual({ view: 'chats' });
    expect(parseRoute('#/nowhere')).toEqual({ view: 'chats' });
    expect(parseRoute('#/tickets/abc')).toEqual({ view: 'tickets' });
    expect(parseRoute('#/tickets/-3')).toEqual({ view: 'tickets' });
  });

  it('routes the Help Center list, a new article and an article by id', () => {
    for (const route of [{ view: 'helpcenter' }, { view: 'helpcenter', article: 'new' }, { view: 'helpcenter', article: 'a'.repeat(24) }] as const) {
      expect(parseRoute(routeHref(route))).toEqual(route);
    }
    expect(parseRoute('#/help-center/not-an-id')).toEqual({ view: 'helpcenter' });
  });
});
