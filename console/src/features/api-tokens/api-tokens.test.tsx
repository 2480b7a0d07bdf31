import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import type { ApiTokenDto } from '@kamflo/shared';
import { ApiTokens } from './ApiTokens.tsx';
import { TicketsView } from '../tickets/TicketsView.tsx';
import { createConsoleApp, createTestApp, renderWith } from '../../test/render.tsx';
import { agent, apiError, iso } from '../../test/fakes.ts';

const token = (overrides: Partial<ApiTokenDto> = {}): ApiTokenDto => ({
  id: 'a'.repeat(24),
  name: 'CRM sync',
  scopes: ['tickets:read'],
  prefix: 'kf_abcdefgh',
  createdAt: iso(-86_400_000),
  createdBy: { id: 'b'.repeat(24), name: 'Ada Admin' },
  ...overrides,
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Settings → API tokens', () => {
  it('lists tokens with their scopes and last use', async () => {
    const app = createTestApp();
    app.api.routes['GET /api/admin/api-tokens'] = () => [
      token({ lastUsedAt: iso(-60_000) }),
      token({ id: 'c'.repeat(24), name: 'Old', revokedAt: iso(-1000) }),
    ];
    renderWith(app, <ApiTokens />);
    const table = await screen.findByRole('table', { name: 'API tokens' });
    const [, crm, old] = within(table).getAllByRole('row');
    expect(crm!.textContent).toContain('CRM sync');
    expect(crm!.textContent).toContain('tickets:read');
    expect(crm!.textContent).not.toContain('Never');
    expect(within(crm!).getByRole('button', { name: 'Revoke CRM sync' })).toBeTruthy();
    expect(old!.textContent).toContain('Never');
    expect(old!.textContent).toContain('Revoked');
    expect(within(old!).queryByRole('button')).toBeNull();
  });

  it('creates a token from a name and checked scopes, shows its secret once with a copy button', async () => {
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const app = createTestApp();
    app.api.routes['GET /api/admin/api-tokens'] = () => [];
    app.api.routes['POST /api/admin/api-tokens'] = ({ body }) => ({
      token: token({ id: 'd'.repeat(24), name: body.name, scopes: body.scopes }),
      secret: 'kf_secret-shown-once',
    });
    renderWith(app, <ApiTokens />);
    await screen.findByText('No API tokens yet.');
    const form = screen.getByRole('form', { name: 'New API token' });
    const create = within(form).getByRole('button', { name: 'Create token' }) as HTMLButtonElement;
    expect(create.disabled).toBe(true);
    fireEvent.input(within(form).getByRole('textbox', { name: 'Token name' }), { target: { value: 'Zapier' } });
    fireEvent.click(within(form).getByRole('checkbox', { name: /^tickets:read/ }));
    fireEvent.click(within(form).getByRole('checkbox', { name: /^tickets:write/ }));
    fireEvent.click(create);

    const secret = (await screen.findByRole('textbox', { name: 'API token secret for Zapier' })) as HTMLInputElement;
    expect(secret.value).toBe('kf_secret-shown-once');
    expect(app.api.callsTo('POST /api/admin/api-tokens')[0]!.body).toEqual({ name: 'Zapier', scopes: ['tickets:read', 'tickets:write'] });
    expect(screen.getByRole('table', { name: 'API tokens' }).textContent).toContain('Zapier');
    fireEvent.click(screen.getByRole('button', { name: 'Copy secret' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Copied'));
    expect(writeText).toHaveBeenCalledWith('kf_secret-shown-once');

    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('textbox', { name: 'API token secret for Zapier' })).toBeNull();
    expect(document.body.textContent).not.toContain('kf_secret-shown-once');
  });

  it("shows the server's refusal", async () => {
    const app = createTestApp();
    app.api.routes['GET /api/admin/api-tokens'] = () => [];
    app.api.routes['POST /api/admin/api-tokens'] = () => {
      throw apiError(400, 'bad_request', 'Invalid input: name must not contain control characters or line breaks');
    };
    renderWith(app, <ApiTokens />);
    await screen.findByText('No API tokens yet.');
    fireEvent.input(screen.getByRole('textbox', { name: 'Token name' }), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /^chats:read/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Invalid input: name must not contain control characters or line breaks');
  });

  it('revokes a token', async () => {
    const app = createTestApp();
    app.api.routes['GET /api/admin/api-tokens'] = () => [token()];
    app.api.routes['POST /api/admin/api-tokens/:id/revoke'] = () => token({ revokedAt: iso(0) });
    renderWith(app, <ApiTokens />);
    fireEvent.click(await screen.findByRole('button', { name: 'Revoke CRM sync' }));
    await waitFor(() => expect(screen.getByRole('table', { name: 'API tokens' }).textContent).toContain('Revoked'));
    expect(app.api.callsTo('POST /api/admin/api-tokens/:id/revoke')[0]!.params).toEqual({ id: 'a'.repeat(24) });
    expect(screen.queryByRole('button', { name: 'Revoke CRM sync' })).toBeNull();
  });

  it('is on the tickets page for admins only', async () => {
    const admin = createConsoleApp({ state: { agent: { ...agent, role: 'admin' } } });
    admin.api.routes['GET /api/admin/api-tokens'] = () => [];
    admin.api.routes['GET /api/settings/sla'] = () => ({ critical: 1, high: 4, medium: 24, low: 72 });
    admin.api.routes['GET /api/settings/alert-rules'] = () => ({ rules: [] });
    const { unmount } = renderWith(admin, <TicketsView />);
    expect(await screen.findByRole('heading', { name: 'API tokens' })).toBeTruthy();
    unmount();
    const lead = createConsoleApp({ state: { agent: { ...agent, role: 'manager' } } });
    renderWith(lead, <TicketsView />);
    expect(screen.queryByRole('heading', { name: 'API tokens' })).toBeNull();
  });
});
