import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import type { TicketDetailDto } from '@kamflo/shared';
import { Shell } from '../shell/Shell.tsx';
import { createConsoleApp, renderWith, selectOption, type TestApp } from '../../test/render.tsx';
import { agent, apiError, iso, ticket, ticketDetail } from '../../test/fakes.ts';

const MIN = 60_000;

function renderTickets(app: TestApp, route: { ticket?: number } = {}) {
  app.store.getState().navigate({ view: 'tickets', ...route });
  return renderWith(app, <Shell />);
}

/** The cells of each body row, as text. */
function rows(): string[][] {
  const table = screen.getByRole('table', { name: 'Tickets' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent ?? ''),
    );
}

describe('Ticket list', () => {
  it('shows number, subject, priority, status, source, assignee, the first-response clock and the level in server order', async () => {
    const app = createConsoleApp();
    app.api.routes['GET /api/tickets'] = () => ({
      tickets: [
        ticket({
          id: 'a'.repeat(24),
          number: 1002,
          subject: 'Site down',
          priority: 'critical',
          slaDueAt: iso(-35 * MIN),
          source: 'help_center',
          assignee: undefined,
        }),
        ticket({ id: 'b'.repeat(24), number: 1001, subject: 'Payment failed', slaDueAt: iso(130 * MIN), status: 'in_progress' }),
        ticket({
          id: 'c'.repeat(24),
          number: 1003,
          subject: 'Dark mode?',
          priority: 'low',
          slaDueAt: iso(60 * 60 * MIN),
          firstResponseAt: iso(-MIN),
          level: 'L2',
        }),
      ],
    });
    renderTickets(app);

    await screen.findByRole('table', { name: 'Tickets' });
    expect(rows()).toEqual([
      ['#1002', 'Site down', 'Critical', 'Open', 'help center', 'Unassigned', '35m overdue', 'L1'],
      ['#1001', 'Payment failed', 'High', 'In Progress', 'chat widget', 'Dana Agent', '2h 10m left', 'L1'],
      ['#1003', 'Dark mode?', 'Low', 'Open', 'chat widget', 'Dana Agent', 'answered', 'L2'],
    ]);
  });

  it('updates live from ticket:updated', async () => {
    const app = createConsoleApp();
    app.api.routes['GET /api/tickets'] = () => ({ tickets: [ticket({ number: 1001, slaDueAt: iso(130 * MIN) })] });
    renderTickets(app);
    await screen.findByRole('link', { name: '#1001' });

    act(() => {
      app.realtime.serverEmit('ticket:updated', ticket({ number: 1001, status: 'in_progress', firstResponseAt: iso(0) }));
      app.realtime.serverEmit('ticket:updated', ticket({ id: 'd'.repeat(24), number: 1004, subject: 'Refund', priority: 'critical', slaDueAt: iso(20 * MIN) }));
    });

    expect(rows().map((r) => [r[0], r[3], r[6]])).toEqual([
      ['#1004', 'Open', '20m left'],
      ['#1001', 'In Progress', 'answered'],
    ]);
  });
});

describe('Ticket view', () => {
  function openTicket(detail: TicketDetailDto = ticketDetail()) {
    const app = createConsoleApp();
    app.api.routes['GET /api/tickets/:number'] = () => detail;
    renderTickets(app, { ticket: detail.number });
    return app;
  }

  it('shows the header, then the chat transcript, then the timeline with notes marked internal', async () => {
    const app = openTicket();
    const article = await screen.findByRole('article', { name: '#1001 Payment failed at checkout' });
    expect(app.api.callsTo('GET /api/tickets/:number')).toEqual([{ params: { number: 1001 } }]);
    expect(within(article).getByText('Open')).toBeTruthy();
    expect(within(article).getByText('High')).toBeTruthy();
    expect(within(article).getByText('chat widget')).toBeTruthy();

    const transcript = screen.getByRole('region', { name: 'Chat transcript' });
    const timeline = screen.getByRole('region', { name: 'Timeline' });
    expect(transcript.compareDocumentPosition(timeline) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(
      within(transcript)
        .getAllByRole('listitem')
        .map((li) => li.querySelector('.msg-text')!.textContent),
    ).toEqual(['My payment failed at checkout', 'Sorry to hear that, let me check.']);

    const [created, note, reply] = within(timeline).getAllByRole('listitem');
    expect(created!.textContent).toContain('Ticket created');
    expect(note!.textContent).toContain('Internal note');
    expect(note!.textContent).toContain('Only your team sees this');
    expect(note!.textContent).toContain('Card declined by the bank');
    expect(reply!.textContent).toContain('We are looking into it.');
    expect(reply!.textContent).not.toContain('Internal note');
  });

  it('Reply posts to /replies and Internal note posts to /notes', async () => {
    const detail = ticketDetail();
    const app = openTicket(detail);
    const withEvent = (type: 'reply' | 'note', text: string): TicketDetailDto => ({
      ...detail,
      events: [...detail.events, { id: `e-${type}`, seq: 10, type, actor: { kind: 'agent', name: agent.name }, text, at: iso(0) }],
    });
    app.api.routes['POST /api/tickets/:number/replies'] = ({ body }) => withEvent('reply', body.text);
    app.api.routes['POST /api/tickets/:number/notes'] = ({ body }) => withEvent('note', body.text);
    await screen.findByRole('region', { name: 'Timeline' });

    fireEvent.input(screen.getByRole('textbox', { name: 'Reply to customer' }), { target: { value: 'Fixed, please retry.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Reply' }));
    await within(screen.getByRole('region', { name: 'Timeline' })).findByText('Fixed, please retry.');

    fireEvent.input(screen.getByRole('textbox', { name: 'Internal note' }), { target: { value: 'Escalated to L2.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Internal note' }));
    const note = await within(screen.getByRole('region', { name: 'Timeline' })).findByText('Escalated to L2.');
    expect(note.closest('li')!.textContent).toContain('Internal note');

    expect(app.api.callsTo('POST /api/tickets/:number/replies')).toEqual([{ params: { number: 1001 }, body: { text: 'Fixed, please retry.' } }]);
    expect(app.api.callsTo('POST /api/tickets/:number/notes')).toEqual([{ params: { number: 1001 }, body: { text: 'Escalated to L2.' } }]);
    // Each composer empties after its own success.
    expect((screen.getByRole('textbox', { name: 'Reply to customer' }) as HTMLTextAreaElement).value).toBe('');
    expect((screen.getByRole('textbox', { name: 'Internal note' }) as HTMLTextAreaElement).value).toBe('');
  });

  it('keeps the text and shows the error when a reply is refused', async () => {
    const app = openTicket();
    app.api.routes['POST /api/tickets/:number/replies'] = () => {
      throw apiError(403, 'forbidden', 'You cannot reply to this ticket');
    };
    await screen.findByRole('region', { name: 'Timeline' });

    fireEvent.input(screen.getByRole('textbox', { name: 'Reply to customer' }), { target: { value: 'Hello' } });
    fireEvent.click(screen.getByRole('button', { name: 'Reply' }));

    expect((await screen.findByRole('alert')).textContent).toBe('You cannot reply to this ticket');
    expect((screen.getByRole('textbox', { name: 'Reply to customer' }) as HTMLTextAreaElement).value).toBe('Hello');
  });

  it('Resolve asks for a closing message, shows the server refusing an empty one, then resolves', async () => {
    const detail = ticketDetail();
    const app = openTicket(detail);
    app.api.routes['POST /api/tickets/:number/resolve'] = ({ body }) => {
      if (!body.closingMessage.trim()) {
        throw apiError(400, 'bad_request', 'Invalid request', [{ path: 'closingMessage', message: 'must not be empty' }]);
      }
      return {
        ...detail,
        status: 'resolved',
        events: [...detail.events, { id: 'e9', seq: 9, type: 'resolved', actor: { kind: 'agent', name: agent.name }, text: body.closingMessage, at: iso(0) }],
      };
    };
    await screen.findByRole('region', { name: 'Timeline' });

    fireEvent.click(screen.getByRole('button', { name: 'Resolve' }));
    const dialog = screen.getByRole('dialog', { name: 'Resolve ticket' });
    const closing = within(dialog).getByRole('textbox', { name: 'Closing message' }) as HTMLTextAreaElement;
    // The template covers what happened, why, and what to do if it happens again.
    expect(closing.value).toContain('Hi Ana,');
    expect(closing.value).toContain('What happened');
    expect(closing.value).toContain('Why it happened');
    expect(closing.value).toContain('If it happens again');
    expect(closing.value).toContain('#1001');

    fireEvent.input(closing, { target: { value: '   ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Resolve ticket' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('Closing message must not be empty');

    fireEvent.input(closing, { target: { value: 'It was a bank outage; it is fixed. Reply here if it happens again.' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Resolve ticket' }));

    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Resolve ticket' })).toBeNull());
    const article = screen.getByRole('article', { name: '#1001 Payment failed at checkout' });
    expect(within(article).getByText('Resolved', { selector: '.badge' })).toBeTruthy();
    expect(within(article).queryByRole('button', { name: 'Resolve' })).toBeNull();
    expect(app.api.callsTo('POST /api/tickets/:number/resolve').map((c) => c.body.closingMessage)).toEqual([
      '   ',
      'It was a bank outage; it is fixed. Reply here if it happens again.',
    ]);
  });

  it('Escape or Cancel closes the resolve form and gives focus back to Resolve', async () => {
    openTicket();
    await screen.findByRole('region', { name: 'Timeline' });

    fireEvent.click(screen.getByRole('button', { name: 'Resolve' }));
    const closing = within(screen.getByRole('dialog', { name: 'Resolve ticket' })).getByRole('textbox', { name: 'Closing message' });
    await waitFor(() => expect(document.activeElement).toBe(closing));
    expect(screen.queryByRole('button', { name: 'Resolve' })).toBeNull(); // one resolve control at a time

    fireEvent.keyDown(closing, { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'Resolve ticket' })).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Resolve' })));

    fireEvent.click(screen.getByRole('button', { name: 'Resolve' }));
    fireEvent.click(within(screen.getByRole('dialog', { name: 'Resolve ticket' })).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog', { name: 'Resolve ticket' })).toBeNull();
  });

  it('Load more appends the next page by its cursor; Sort by asks the server for that order', async () => {
    const app = createConsoleApp();
    app.api.routes['GET /api/tickets'] = ({ query }) =>
      query?.cursor === 'page-2'
        ? { tickets: [ticket({ id: 'b'.repeat(24), number: 1002, subject: 'Second page' })] }
        : { tickets: [ticket({ id: 'a'.repeat(24), number: 1001, subject: 'First page' })], next: 'page-2' };
    renderTickets(app);
    await screen.findByRole('link', { name: '#1001' });
    expect(screen.queryByRole('link', { name: '#1002' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByRole('link', { name: '#1002' });
    expect(screen.getByRole('link', { name: '#1001' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();

    selectOption(within(screen.getByRole('group', { name: 'Filters' })).getByRole('combobox', { name: 'Sort by' }), 'newest');
    await waitFor(() => expect(app.api.callsTo('GET /api/tickets').at(-1)!.query).toMatchObject({ sort: 'newest' }));
    expect(app.api.callsTo('GET /api/tickets').at(-1)!.query).not.toHaveProperty('cursor');
  });
});
