import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import type { SavedViewDto, TicketDetailDto } from '@kamflo/shared';
import { Shell } from '../shell/Shell.tsx';
import { createConsoleApp, renderWith, type TestApp } from '../../test/render.tsx';
import { agent, apiError, lead, ticket, ticketDetail } from '../../test/fakes.ts';

function renderTickets(app: TestApp, route: { ticket?: number } = {}) {
  app.store.getState().navigate({ view: 'tickets', ...route });
  return renderWith(app, <Shell />);
}

const view = (overrides: Partial<SavedViewDto>): SavedViewDto => ({
  id: 'a'.repeat(24),
  name: 'My open High',
  shared: false,
  owner: { id: agent.id, name: agent.name },
  query: { assignee: 'me', status: 'open', priority: 'high' },
  count: 3,
  canDelete: true,
  ...overrides,
});

describe('Search tickets', () => {
  it('searches with the words and tag typed, combined with the filters, and says when the results are partial', async () => {
    const app = createConsoleApp();
    app.api.routes['GET /api/tickets'] = ({ query }) =>
      query?.q ? { tickets: [ticket({ number: 1007, subject: 'Broken kettle' })], partial: true } : { tickets: [ticket({ number: 1001 })] };
    renderTickets(app);
    await screen.findByRole('link', { name: '#1001' });

    fireEvent.input(screen.getByRole('searchbox', { name: 'Search tickets' }), { target: { value: 'kettle broken' } });
    fireEvent.input(screen.getByRole('textbox', { name: 'Tag' }), { target: { value: 'VIP' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));

    await screen.findByRole('link', { name: '#1007' });
    expect(screen.queryByRole('link', { name: '#1001' })).toBeNull();
    expect(app.api.callsTo('GET /api/tickets').at(-1)!.query).toMatchObject({ q: 'kettle broken', tag: 'vip' });
    expect(screen.getByText(/these results are among the newest of them/)).toBeTruthy();
    expect((screen.getByRole('combobox', { name: 'Sort by' }) as HTMLSelectElement).disabled).toBe(true);

    // Clearing the box goes back to the list.
    fireEvent.input(screen.getByRole('searchbox', { name: 'Search tickets' }), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await screen.findByRole('link', { name: '#1001' });
    expect(app.api.callsTo('GET /api/tickets').at(-1)!.query?.q).toBeUndefined();
  });
});

describe('Saved views', () => {
  it('lists views with their counts, applies one (assignee "me" is you), and deletes', async () => {
    const app = createConsoleApp();
    app.api.routes['GET /api/views'] = () => [
      view({}),
      view({
        id: 'b'.repeat(24),
        name: 'Unassigned past due',
        shared: true,
        owner: { id: lead.id, name: lead.name },
        query: { assignee: 'none', queue: 'past_due' },
        count: 1000,
        more: true,
        canDelete: false,
      }),
    ];
    app.api.routes['DELETE /api/views/:id'] = () => ({ ok: true });
    renderTickets(app);
    const nav = await screen.findByRole('navigation', { name: 'Saved views' });
    await within(nav).findByRole('button', { name: 'My open High 3' });
    expect(within(nav).getByRole('button', { name: 'Unassigned past due 1000+' })).toBeTruthy();
    expect(within(nav).getByText('Shared by Lee Lead')).toBeTruthy();
    expect(within(nav).queryByRole('button', { name: 'Delete view Unassigned past due' })).toBeNull();

    fireEvent.click(within(nav).getByRole('button', { name: 'My open High 3' }));
    await waitFor(() => expect(app.api.callsTo('GET /api/tickets').at(-1)!.query).toMatchObject({ status: 'open', priority: 'high', assignee: agent.id }));
    expect((screen.getByRole('combobox', { name: 'Status' }) as HTMLSelectElement).value).toBe('open');

    fireEvent.click(within(nav).getByRole('button', { name: 'Delete view My open High' }));
    await waitFor(() => expect(within(nav).queryByRole('button', { name: 'My open High 3' })).toBeNull());
    expect(app.api.callsTo('DELETE /api/views/:id')).toEqual([{ params: { id: 'a'.repeat(24) } }]);
  });

  it('saves the current filters as a view (your own id saved as "me"); only leads may share; a refusal is shown', async () => {
    const app = createConsoleApp({ state: { agent: lead } });
    app.api.routes['POST /api/views'] = ({ body }) => view({ id: 'c'.repeat(24), name: body!.name, shared: !!body!.shared, query: body!.query, count: 2 });
    renderTickets(app);
    await screen.findByRole('navigation', { name: 'Saved views' });
    await app.store.getState().setTicketFilters({ assignee: lead.id, priority: 'high' });

    fireEvent.click(screen.getByRole('button', { name: 'Save view' }));
    const form = screen.getByRole('form', { name: 'Save view' });
    fireEvent.input(within(form).getByRole('textbox', { name: 'View name' }), { target: { value: 'Mine, high' } });
    fireEvent.click(within(form).getByRole('checkbox', { name: 'Share with the team' }));
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await screen.findByRole('button', { name: 'Mine, high 2' });
    expect(app.api.callsTo('POST /api/views')[0]!.body).toEqual({ name: 'Mine, high', shared: true, query: { assignee: 'me', priority: 'high' } });

    app.api.routes['POST /api/views'] = () => {
      throw apiError(409, 'conflict', 'You can keep at most 50 saved views');
    };
    fireEvent.click(screen.getByRole('button', { name: 'Save view' }));
    const again = screen.getByRole('form', { name: 'Save view' });
    fireEvent.input(within(again).getByRole('textbox', { name: 'View name' }), { target: { value: 'One more' } });
    fireEvent.click(within(again).getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('at most 50 saved views');
  });

  it('agents get no share option', async () => {
    const app = createConsoleApp();
    renderTickets(app);
    fireEvent.click(await screen.findByRole('button', { name: 'Save view' }));
    const form = screen.getByRole('form', { name: 'Save view' });
    expect(within(form).queryByRole('checkbox', { name: 'Share with the team' })).toBeNull();
  });
});

describe('Tags', () => {
  it('adds and removes tags on a ticket and shows the change in the timeline', async () => {
    const app = createConsoleApp();
    let current: TicketDetailDto = ticketDetail({ number: 1001, tags: ['billing'] });
    app.api.routes['GET /api/tickets/:number'] = () => current;
    app.api.routes['POST /api/tickets/:number/tags'] = ({ body }) => {
      const tags = [...(current.tags ?? []).filter((t) => !body!.remove!.includes(t)), ...body!.add!];
      current = {
        ...current,
        tags,
        events: [
          ...current.events,
          {
            id: `x:${current.events.length + 1}`,
            seq: current.events.length + 1,
            type: 'tags_changed',
            actor: { kind: 'agent', id: agent.id, name: agent.name },
            at: current.updatedAt,
            data: { added: body!.add!.join(','), removed: body!.remove!.join(',') },
          },
        ],
      };
      return current;
    };
    renderTickets(app, { ticket: 1001 });
    const group = await screen.findByRole('group', { name: 'Tags' });
    expect(within(group).getByText('billing')).toBeTruthy();

    fireEvent.input(within(group).getByRole('textbox', { name: 'Add tag' }), { target: { value: 'VIP, refund' } });
    fireEvent.click(within(group).getByRole('button', { name: 'Add' }));
    await within(group).findByRole('button', { name: 'Remove tag vip' });
    expect(app.api.callsTo('POST /api/tickets/:number/tags')[0]).toEqual({ params: { number: 1001 }, body: { add: ['vip', 'refund'], remove: [] } });
    expect(await screen.findByText('Dana Agent added the tags vip, refund')).toBeTruthy();

    fireEvent.click(within(group).getByRole('button', { name: 'Remove tag billing' }));
    await waitFor(() => expect(within(group).queryByText('billing')).toBeNull());
    expect(await screen.findByText('Dana Agent removed billing')).toBeTruthy();
  });

  it('shows the server refusing a tag', async () => {
    const app = createConsoleApp();
    app.api.routes['GET /api/tickets/:number'] = () => ticketDetail({ number: 1001 });
    app.api.routes['POST /api/tickets/:number/tags'] = () => {
      throw apiError(400, 'bad_request', 'add.0: must be 1–32 letters, digits, - or _ (no spaces), starting with a letter or digit');
    };
    renderTickets(app, { ticket: 1001 });
    const group = await screen.findByRole('group', { name: 'Tags' });
    fireEvent.input(within(group).getByRole('textbox', { name: 'Add tag' }), { target: { value: '!!' } });
    fireEvent.click(within(group).getByRole('button', { name: 'Add' }));
    expect((await within(group).findByRole('alert')).textContent).toContain('must be 1–32 letters');
  });
});
