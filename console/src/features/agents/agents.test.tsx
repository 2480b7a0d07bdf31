import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import type { ManagedAgentDto } from '@kamflo/shared';
import { Agents } from './Agents.tsx';
import { TicketsView } from '../tickets/TicketsView.tsx';
import { createConsoleApp, createTestApp, renderWith, selectOption } from '../../test/render.tsx';
import { agent, apiError, iso } from '../../test/fakes.ts';

const managed = (overrides: Partial<ManagedAgentDto> = {}): ManagedAgentDto => ({
  id: 'a'.repeat(24),
  name: 'Ann Agent',
  email: 'ann@example.com',
  role: 'agent',
  capacity: 4,
  level: 'L1',
  active: true,
  createdAt: iso(-86_400_000),
  ...overrides,
});
const link = (a: ManagedAgentDto, token: string) => ({ agent: a, token, url: `/console/#/set-password/${token}`, expiresAt: iso(7 * 86_400_000) });

afterEach(() => {
  vi.unstubAllGlobals();
});

const rowOf = async (name: string) => {
  const table = await screen.findByRole('table', { name: 'Agents' });
  return within(table)
    .getAllByRole('row')
    .find((r) => r.textContent?.includes(name))!;
};

describe('Settings → Agents', () => {
  it('lists agents with role, capacity, level and status', async () => {
    const app = createTestApp();
    app.api.routes['GET /api/admin/agents'] = () => [
      managed(),
      managed({ id: 'b'.repeat(24), name: 'Bob Gone', role: 'team_lead', capacity: 2, level: 'L2', active: false }),
    ];
    renderWith(app, <Agents />);
    const ann = await rowOf('Ann Agent');
    expect((within(ann).getByRole('combobox', { name: 'Role' }) as HTMLSelectElement).value).toBe('agent');
    expect((within(ann).getByRole('spinbutton', { name: 'Capacity' }) as HTMLInputElement).value).toBe('4');
    expect((within(ann).getByRole('combobox', { name: 'Level' }) as HTMLSelectElement).value).toBe('L1');
    expect(ann.textContent).toContain('Active');
    expect(within(ann).getByRole('button', { name: 'Deactivate' })).toBeTruthy();
    const bob = await rowOf('Bob Gone');
    expect(bob.textContent).toContain('Deactivated');
    expect((within(bob).getByRole('spinbutton', { name: 'Capacity' }) as HTMLInputElement).value).toBe('2');
    expect(within(bob).getByRole('button', { name: 'Reactivate' })).toBeTruthy();
    expect(within(bob).queryByRole('button', { name: 'Reset password' })).toBeNull();
  });

  it('invites an agent and shows the one-time link once, with a copy button', async () => {
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const app = createTestApp();
    app.api.routes['GET /api/admin/agents'] = () => [];
    app.api.routes['POST /api/agents/invite'] = ({ body }) =>
      link(managed({ id: 'c'.repeat(24), name: body.name, email: body.email, capacity: body.capacity }), 'tok-once');
    renderWith(app, <Agents />);
    await screen.findByRole('table', { name: 'Agents' });
    const form = screen.getByRole('form', { name: 'Invite agent' });
    fireEvent.input(within(form).getByRole('textbox', { name: 'Email' }), { target: { value: 'cleo@example.com' } });
    fireEvent.input(within(form).getByRole('textbox', { name: 'Name' }), { target: { value: 'Cleo' } });
    fireEvent.input(within(form).getByRole('spinbutton', { name: 'Capacity' }), { target: { value: '2' } });
    selectOption(within(form).getByRole('combobox', { name: 'Level' }), 'L2');
    fireEvent.click(within(form).getByRole('button', { name: 'Invite agent' }));

    const field = (await screen.findByRole('textbox', { name: 'Set-password link for Cleo' })) as HTMLInputElement;
    expect(field.value).toBe(`${location.origin}/console/#/set-password/tok-once`);
    expect(app.api.callsTo('POST /api/agents/invite')[0]!.body).toEqual({ email: 'cleo@example.com', name: 'Cleo', role: 'agent', capacity: 2, level: 'L2' });
    expect((await rowOf('Cleo')).textContent).toContain('Active');
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Copied'));
    expect(writeText).toHaveBeenCalledWith(field.value);
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(document.body.textContent).not.toContain('tok-once');
    expect(screen.queryByRole('textbox', { name: 'Set-password link for Cleo' })).toBeNull();
  });

  it('changes role, capacity and level, deactivates and resets a password', async () => {
    const app = createTestApp();
    app.api.routes['GET /api/admin/agents'] = () => [managed()];
    app.api.routes['PATCH /api/agents/:id'] = ({ body }) => managed(body);
    app.api.routes['POST /api/agents/:id/deactivate'] = () => managed({ capacity: 1, role: 'manager', active: false });
    app.api.routes['POST /api/agents/:id/reset-password'] = () => link(managed(), 'tok-reset');
    renderWith(app, <Agents />);
    let ann = await rowOf('Ann Agent');
    const save = within(ann).getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    selectOption(within(ann).getByRole('combobox', { name: 'Role' }), 'manager');
    fireEvent.input(within(ann).getByRole('spinbutton', { name: 'Capacity' }), { target: { value: '1' } });
    fireEvent.click(save);
    await waitFor(() => expect(app.api.callsTo('PATCH /api/agents/:id')).toHaveLength(1));
    expect(app.api.callsTo('PATCH /api/agents/:id')[0]).toMatchObject({ params: { id: 'a'.repeat(24) }, body: { role: 'manager', capacity: 1 } });

    fireEvent.click(within(await rowOf('Ann Agent')).getByRole('button', { name: 'Reset password' }));
    expect(((await screen.findByRole('textbox', { name: 'Set-password link for Ann Agent' })) as HTMLInputElement).value).toContain('tok-reset');

    fireEvent.click(within(await rowOf('Ann Agent')).getByRole('button', { name: 'Deactivate' }));
    await waitFor(async () => expect((await rowOf('Ann Agent')).textContent).toContain('Deactivated'));
    ann = await rowOf('Ann Agent');
    expect(within(ann).getByRole('button', { name: 'Reactivate' })).toBeTruthy();
  });

  it("shows the server's refusal", async () => {
    const app = createTestApp();
    app.api.routes['GET /api/admin/agents'] = () => [managed({ role: 'admin' })];
    app.api.routes['POST /api/agents/:id/deactivate'] = () => {
      throw apiError(409, 'conflict', 'You cannot deactivate yourself');
    };
    renderWith(app, <Agents />);
    fireEvent.click(within(await rowOf('Ann Agent')).getByRole('button', { name: 'Deactivate' }));
    expect((await screen.findByRole('alert')).textContent).toBe('You cannot deactivate yourself');
  });

  it('is on the tickets page for admins only', async () => {
    const admin = createConsoleApp({ state: { agent: { ...agent, role: 'admin' } } });
    admin.api.routes['GET /api/admin/agents'] = () => [];
    admin.api.routes['GET /api/settings/sla'] = () => ({ critical: 1, high: 4, medium: 24, low: 72 });
    admin.api.routes['GET /api/settings/alert-rules'] = () => ({ rules: [] });
    const { unmount } = renderWith(admin, <TicketsView />);
    expect(await screen.findByRole('heading', { name: 'Agents' })).toBeTruthy();
    unmount();
    const lead = createConsoleApp({ state: { agent: { ...agent, role: 'manager' } } });
    renderWith(lead, <TicketsView />);
    expect(screen.queryByRole('heading', { name: 'Agents' })).toBeNull();
  });

  it('shows the recent changes to agents when asked, newest first, who did what to whom', async () => {
    const app = createTestApp();
    app.api.routes['GET /api/admin/agents'] = () => [managed()];
    app.api.routes['GET /api/admin/agents/audit'] = () => [
      {
        id: '2',
        at: iso(-1000),
        action: 'update',
        actor: { id: 'x', email: 'ada@example.com' },
        agent: { id: 'y', email: 'ann@example.com' },
        change: { capacity: 3 },
      },
      { id: '1', at: iso(-2000), action: 'set-password', agent: { id: 'y', email: 'ann@example.com' } },
    ];
    renderWith(app, <Agents />);
    const toggle = await screen.findByRole('button', { name: 'Recent changes' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    const list = await screen.findByRole('list', { name: 'Recent changes to agents' });
    const items = within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items[0]).toContain('ada@example.com changed ann@example.com — capacity 3');
    expect(items[1]).toContain('ann@example.com set a password by link');
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
  });
});
