import { describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/preact';
import type { Role } from '@kamflo/shared/constants';
import { Shell } from '../shell/Shell.tsx';
import { createConsoleApp, renderWith, selectOption, type TestApp } from '../../test/render.tsx';
import { agent, fail, lead, ok, presence } from '../../test/fakes.ts';

const renderConsole = (app: TestApp) => renderWith(app, <Shell />);
const status = () => screen.getByRole('combobox', { name: 'Status' }) as HTMLSelectElement;

describe('Status', () => {
  it('sends agent:status and shows what the server answered', async () => {
    const app = createConsoleApp();
    app.realtime.responders['agent:status'] = ({ status }) => ok(presence({ id: agent.id, status }));
    renderConsole(app);
    expect(status().value).toBe('online');
    expect(
      within(status())
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Online', 'Away']);

    selectOption(status(), 'away');

    await waitFor(() => expect(app.realtime.emittedOf('agent:status')).toEqual([{ status: 'away' }]));
    await waitFor(() => expect(status().value).toBe('away'));
  });

  it('keeps the previous status and says why when the server refuses', async () => {
    const app = createConsoleApp();
    app.realtime.responders['agent:status'] = () => fail('forbidden', 'Your role does not handle chats');
    renderConsole(app);

    selectOption(status(), 'away');

    expect((await screen.findByRole('alert')).textContent).toContain('Your role does not handle chats');
    expect(status().value).toBe('online');
  });

  it('shows Offline while disconnected, and re-sends Away after a reconnect', async () => {
    const app = createConsoleApp();
    app.realtime.responders['agent:status'] = ({ status }) => ok(presence({ id: agent.id, status }));
    renderConsole(app);
    selectOption(status(), 'away');
    await waitFor(() => expect(status().value).toBe('away'));

    act(() => app.realtime.drop());
    expect(status().value).toBe('offline');
    expect(status().disabled).toBe(true);
    expect(within(status()).getByRole('option', { name: 'Offline' })).toBeTruthy();

    act(() => app.realtime.reconnect());
    await waitFor(() => expect(app.realtime.emittedOf('agent:status')).toEqual([{ status: 'away' }, { status: 'away' }]));
    expect(status().value).toBe('away');
  });

  it('does not send a status on connect while Online (the server starts there)', async () => {
    const app = createConsoleApp();
    renderConsole(app);
    await waitFor(() => expect(app.realtime.emittedOf('chat:list')).toHaveLength(1));
    expect(app.realtime.emittedOf('agent:status')).toEqual([]);
  });
});

describe('Team', () => {
  it.each<Role>(['team_lead', 'manager', 'admin'])('a %s sees who is online and their load, live', async (role) => {
    const app = createConsoleApp({ state: { agent: { ...lead, role } } });
    app.realtime.responders['presence:list'] = () => ok([presence({ activeChats: 2, capacity: 4 })]);
    renderConsole(app);

    const team = await screen.findByRole('region', { name: 'Team' });
    await waitFor(() => expect(within(team).getByText('2 / 4 chats')).toBeTruthy());
    expect(within(team).getByText('Bob Agent')).toBeTruthy();
    expect(within(team).getByText('Online')).toBeTruthy();
    expect(app.realtime.emittedOf('presence:list')).toEqual([{}]);

    act(() =>
      app.realtime.serverEmit('presence:updated', [
        presence({ status: 'away', activeChats: 3 }),
        presence({ id: 'c'.repeat(24), name: 'Cy New', activeChats: 0, capacity: 5 }),
      ]),
    );
    const items = within(team).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      expect.stringMatching(/Cy New.*Online.*0 \/ 5 chats/),
      expect.stringMatching(/Bob Agent.*Away.*3 \/ 4 chats/),
    ]);
  });

  it('is not shown to a plain agent, who does not ask for presence', async () => {
    const app = createConsoleApp();
    renderConsole(app);
    await waitFor(() => expect(app.realtime.emittedOf('chat:list')).toHaveLength(1));
    act(() => app.realtime.serverEmit('presence:updated', [presence()]));
    expect(screen.queryByRole('region', { name: 'Team' })).toBeNull();
    expect(app.realtime.emittedOf('presence:list')).toEqual([]);
  });
});
