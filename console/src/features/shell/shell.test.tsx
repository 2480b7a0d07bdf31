import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor } from '@testing-library/preact';
import { Shell } from './Shell.tsx';
import { createConsoleApp, renderWith } from '../../test/render.tsx';
import { request } from '../../test/fakes.ts';

describe('Shell', () => {
  it("shows the agent's name and switches between Chats and Tickets", async () => {
    const app = createConsoleApp();
    renderWith(app, <Shell />);

    expect(screen.getByRole('banner').textContent).toContain('Dana Agent');
    const chats = screen.getByRole('link', { name: 'Chats' });
    const tickets = screen.getByRole('link', { name: 'Tickets' });
    expect(chats.getAttribute('aria-current')).toBe('page');
    expect(screen.getByRole('region', { name: 'Incoming requests' })).toBeTruthy();

    fireEvent.click(tickets);
    expect(tickets.getAttribute('aria-current')).toBe('page');
    expect(chats.getAttribute('aria-current')).toBeNull();
    expect(screen.queryByRole('region', { name: 'Incoming requests' })).toBeNull();
    await screen.findByText('No tickets here.');
    expect(tickets.getAttribute('href')).toBe('#/tickets');
  });

  it('keeps the Chats link name stable while requests wait, and says how many', () => {
    const app = createConsoleApp();
    renderWith(app, <Shell />);

    act(() => app.realtime.serverEmit('chat:requests', [request(), request({ conversationId: 'e'.repeat(24) })]));

    const chats = screen.getByRole('link', { name: 'Chats' });
    expect(document.getElementById(chats.getAttribute('aria-describedby')!)!.textContent).toBe('2 waiting');
  });

  it('shows the connection state and reloads the counts after a reconnect', async () => {
    const app = createConsoleApp();
    let served = 0;
    app.api.routes['GET /api/dashboard'] = () => ({ highPriority: ++served, open: 0, inProgress: 0, resolved: 0 });
    renderWith(app, <Shell />);
    await screen.findByText('Live');
    await waitFor(() => expect(served).toBe(1));

    act(() => app.realtime.drop());
    expect(screen.getByText('Offline — reconnecting…')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Reconnect' })).toBeTruthy();

    act(() => app.realtime.reconnect());
    await waitFor(() => expect(served).toBe(2));
    expect(screen.getByText('Live')).toBeTruthy();
  });
});
