import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/preact';
import { Shell } from '../shell/Shell.tsx';
import { createConsoleApp, renderWith } from '../../test/render.tsx';
import { apiError, iso, ticket } from '../../test/fakes.ts';

const MIN = 60_000;

describe('Past due and weekly reports (below the ticket list)', () => {
  it('lists past-due tickets with time overdue and level, and the weekly opened-vs-resolved table and chart', async () => {
    const app = createConsoleApp();
    app.api.routes['GET /api/tickets'] = ({ query }) =>
      query?.queue === 'past_due'
        ? { tickets: [ticket({ number: 1002, subject: 'Site down', priority: 'critical', slaDueAt: iso(-35 * MIN), level: 'L2' })] }
        : { tickets: [] };
    app.api.routes['GET /api/dashboard/weekly'] = () => ({
      weeks: [
        { week: '2025-W10', opened: 4, resolved: 2 },
        { week: '2025-W11', opened: 3, resolved: 5 },
      ],
    });
    app.store.getState().navigate({ view: 'tickets' });
    renderWith(app, <Shell />);

    const pastDue = await screen.findByRole('region', { name: 'Past due' });
    await waitFor(() => expect(within(pastDue).getAllByRole('listitem')).toHaveLength(1));
    const item = within(pastDue).getByRole('listitem');
    expect(within(item).getByRole('link', { name: 'Ticket #1002: Site down' })).toBeTruthy();
    expect(item.textContent).toContain('35m overdue');
    expect(item.textContent).toContain('L2');

    const weekly = screen.getByRole('region', { name: 'Opened vs resolved per week' });
    const table = await within(weekly).findByRole('table', { name: 'Opened vs resolved per week' });
    expect(
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map((r) => r.textContent),
    ).toEqual(['2025-W1042', '2025-W1135']);
    const chart = within(weekly).getByRole('img', { name: 'Tickets opened vs resolved per ISO week, last 2 weeks' });
    expect(chart.querySelectorAll('rect')).toHaveLength(4);
  });

  it('shows Help Center deflection: suggested reads, deflected, and submitted', async () => {
    const app = createConsoleApp();
    const asked: unknown[] = [];
    app.api.routes['GET /api/helpcenter/deflection'] = ({ query }) => {
      asked.push(query);
      return { site: 'default', days: 30, read: 12, submitted: 5, deflected: 7 };
    };
    app.store.getState().navigate({ view: 'tickets' });
    renderWith(app, <Shell />);
    const card = await screen.findByRole('region', { name: 'Help Center deflection' });
    await waitFor(() => expect(card.querySelectorAll('dd')).toHaveLength(3));
    const pairs = [...card.querySelectorAll('dt')].map((dt) => `${dt.textContent}: ${dt.nextElementSibling?.textContent}`);
    expect(pairs).toEqual(['Read a suggested article: 12', 'Did not open a request (deflected): 7', 'Submitted a request or chat: 5']);
    expect(asked).toEqual([{ days: '30' }]);
  });

  it('says when the deflection counts could not be loaded', async () => {
    const app = createConsoleApp();
    app.api.routes['GET /api/helpcenter/deflection'] = () => {
      throw apiError(500, 'internal', 'Server error');
    };
    app.store.getState().navigate({ view: 'tickets' });
    renderWith(app, <Shell />);
    const card = await screen.findByRole('region', { name: 'Help Center deflection' });
    await waitFor(() => expect(card.textContent).toContain("Couldn't load the deflection counts: Server error"));
  });
});
