import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import type { NotificationDto } from '@kamflo/shared';
import { Shell } from '../shell/Shell.tsx';
import { createConsoleApp, renderWith } from '../../test/render.tsx';
import { iso } from '../../test/fakes.ts';

const note = (n: number, overrides: Partial<NotificationDto> = {}): NotificationDto => ({
  id: String(n).padStart(24, '0'),
  kind: 'sla_alert',
  ticketNumber: 1000 + n,
  text: `High ticket #${1000 + n} has had no customer-facing reply for 3 h`,
  ruleId: 'high-no-reply-3h',
  condition: 'no_reply_for',
  createdAt: iso(n * 1000),
  read: false,
  ...overrides,
});

describe('Notifications', () => {
  it('lists the agent’s notifications with the unread count, adds live ones, and marks them read', async () => {
    const app = createConsoleApp();
    app.api.routes['GET /api/notifications'] = () => [note(1, { read: true }), note(2)];
    app.api.routes['POST /api/notifications/:id/read'] = ({ params }) => ({ ...note(Number(params.id)), read: true });
    renderWith(app, <Shell />);
    const region = await screen.findByRole('region', { name: 'Notifications' });
    await waitFor(() => expect(within(region).getAllByRole('listitem')).toHaveLength(2));
    expect(within(region).getByRole('status').textContent).toBe('1 unread');

    act(() => app.realtime.serverEmit('notification:new', note(3, { kind: 'reopened', text: 'Ticket #1003 was re-opened' })));
    const items = within(region).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('a')!.textContent)).toEqual([
      'Ticket #1003 was re-opened',
      'High ticket #1002 has had no customer-facing reply for 3 h',
      'High ticket #1001 has had no customer-facing reply for 3 h',
    ]);
    expect(within(region).getByRole('status').textContent).toBe('2 unread');

    fireEvent.click(within(region).getByRole('button', { name: 'Mark read: High ticket #1002 has had no customer-facing reply for 3 h' }));
    expect(within(region).getByRole('status').textContent).toBe('1 unread');
    expect(app.api.callsTo('POST /api/notifications/:id/read')).toEqual([{ params: { id: note(2).id } }]);

    // A notification links to its ticket.
    fireEvent.click(within(region).getByRole('link', { name: 'Ticket #1003 was re-opened' }));
    expect(app.store.getState().route).toEqual({ view: 'tickets', ticket: 1003 });
  });
});
