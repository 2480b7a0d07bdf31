import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import type { SiteSecretDto, VisitorProfileDto } from '@kamflo/shared';
import { IdentitySettings } from './IdentitySettings.tsx';
import { VisitorIdentity } from './VisitorIdentity.tsx';
import { createConsoleApp, createTestApp, renderWith } from '../../test/render.tsx';
import { agent, conversation, iso, ticketDetail } from '../../test/fakes.ts';
import { Shell } from '../shell/Shell.tsx';

const secret = (overrides: Partial<SiteSecretDto> = {}): SiteSecretDto => ({
  site: 'default',
  secret: 'A'.repeat(43),
  rotatedAt: iso(-86_400_000),
  requireVerifiedIdentity: false,
  ...overrides,
});

describe('Settings → Identity verification', () => {
  it('shows the site secret on request, switches "Require verified identity", and rotates the secret only after a confirmation', async () => {
    const app = createTestApp();
    let current = secret();
    const calls: string[] = [];
    app.api.routes['GET /api/admin/sites/:site/secret'] = () => current;
    app.api.routes['PUT /api/admin/sites/:site/identity'] = ({ params, body }) => {
      calls.push(`PUT ${params.site} ${body.requireVerifiedIdentity}`);
      current = { ...current, requireVerifiedIdentity: body.requireVerifiedIdentity };
      return current;
    };
    app.api.routes['POST /api/admin/sites/:site/secret'] = ({ params }) => {
      calls.push(`POST ${params.site}`);
      current = { ...current, secret: 'B'.repeat(43), rotatedAt: iso(0) };
      return current;
    };
    renderWith(app, <IdentitySettings />);
    const card = await screen.findByRole('region', { name: 'Identity verification' });
    const field = (await within(card).findByLabelText('Site secret')) as HTMLInputElement;
    expect(field.value).toBe('A'.repeat(43));
    expect(field.type).toBe('password');
    fireEvent.click(within(card).getByRole('button', { name: 'Show secret' }));
    expect(field.type).toBe('text');

    const toggle = within(card).getByRole('checkbox', { name: 'Require verified identity' }) as HTMLInputElement;
    expect(toggle.checked).toBe(false);
    fireEvent.click(toggle);
    await waitFor(() => expect(calls).toEqual(['PUT default true']));
    await waitFor(() => expect(toggle.checked).toBe(true));
    expect(card.textContent).toContain('is refused');

    // Rotating asks first; Cancel changes nothing.
    fireEvent.click(within(card).getByRole('button', { name: 'Rotate secret' }));
    const confirm = within(card).getByRole('group', { name: 'Confirm rotating the secret' });
    expect(confirm.textContent).toContain('stops working');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(calls).toEqual(['PUT default true']);
    fireEvent.click(within(card).getByRole('button', { name: 'Rotate secret' }));
    fireEvent.click(within(card).getByRole('button', { name: 'Yes, rotate secret' }));
    await waitFor(() => expect(field.value).toBe('B'.repeat(43)));
    expect(calls).toEqual(['PUT default true', 'POST default']);
    expect(within(card).queryByRole('group', { name: 'Confirm rotating the secret' })).toBeNull();
  });

  it('says why it could not load', async () => {
    const app = createTestApp();
    renderWith(app, <IdentitySettings />);
    expect((await screen.findByRole('alert')).textContent).toContain('No fake');
  });
});

const profile = (overrides: Partial<VisitorProfileDto> = {}): VisitorProfileDto => ({
  site: 'default',
  visitorId: 'v'.repeat(22),
  user: { id: 'user-42', email: 'ada@example.com', name: 'Ada', verified: true },
  conversations: [
    { id: 'c'.repeat(24), status: 'active', firstMessage: 'Hello from my phone', createdAt: iso(-1000) },
    { id: 'd'.repeat(24), status: 'ticket', firstMessage: 'My invoice is wrong', createdAt: iso(-86_400_000), ticketNumber: 1001 },
  ],
  tickets: [
    { id: 'e'.repeat(24), number: 1001, subject: 'My invoice is wrong', status: 'open', createdAt: iso(-86_400_000) },
    { id: 'f'.repeat(24), number: 1002, subject: 'Refund', status: 'resolved', createdAt: iso(-3_600_000) },
  ],
  ...overrides,
});

describe('the visitor beside a chat or ticket', () => {
  it('a verified user: the "Verified" badge, their id and email, their other conversations and tickets linking to them', async () => {
    const app = createTestApp();
    const asked: string[] = [];
    app.api.routes['GET /api/visitor-profiles/:site/:visitorId'] = ({ params }) => {
      asked.push(`${params.site}/${params.visitorId}`);
      return profile();
    };
    renderWith(app, <VisitorIdentity site="default" visitorId={'v'.repeat(22)} ticketNumber={1001} />);
    const panel = await screen.findByRole('region', { name: 'Customer' });
    expect(asked).toEqual([`default/${'v'.repeat(22)}`]);
    expect(within(panel).getByText('Verified')).toBeTruthy();
    expect(panel.textContent).toContain('user-42');
    expect(panel.textContent).toContain('ada@example.com');
    const conversations = within(panel).getByRole('list', { name: 'Other conversations' });
    expect(within(conversations).getAllByRole('listitem')).toHaveLength(2);
    expect(
      within(conversations)
        .getByRole('link', { name: /My invoice is wrong \(ticket #1001\)/ })
        .getAttribute('href'),
    ).toBe('#/tickets/1001');
    // The ticket on screen is left out of its own list.
    const tickets = within(panel).getByRole('list', { name: 'Other tickets' });
    const links = within(tickets).getAllByRole('link');
    expect(links.map((l) => l.getAttribute('href'))).toEqual(['#/tickets/1002']);
    fireEvent.click(links[0]!);
    expect(app.store.getState().route).toEqual({ view: 'tickets', ticket: 1002 });
  });

  it('an unverified claim says so; an anonymous visitor with nothing else shows nothing', async () => {
    const app = createTestApp();
    const asked: string[] = [];
    app.api.routes['GET /api/visitor-profiles/:site/:visitorId'] = ({ params }) => {
      const visitorId = String(params.visitorId);
      asked.push(visitorId);
      return visitorId === 'claimed'
        ? profile({ visitorId, user: { id: 'user-42', verified: false }, conversations: [], tickets: [] })
        : profile({ visitorId, user: undefined, conversations: [], tickets: [] });
    };
    const view = renderWith(app, <VisitorIdentity site="default" visitorId="claimed" conversationId={'c'.repeat(24)} />);
    const panel = await screen.findByRole('region', { name: 'Customer' });
    expect(within(panel).getByText('Unverified')).toBeTruthy();
    expect(within(panel).queryByText('Verified')).toBeNull();
    view.unmount();
    renderWith(app, <VisitorIdentity site="default" visitorId="anonymous" />);
    await waitFor(() => expect(asked).toEqual(['claimed', 'anonymous']));
    await act(async () => {});
    expect(screen.queryByRole('region', { name: 'Customer' })).toBeNull();
  });
});

describe('in the console', () => {
  it('the ticket view shows the verified user and their other tickets; admins find the settings under Tickets', async () => {
    const app = createConsoleApp({ state: { agent: { ...agent, role: 'admin' } } });
    app.api.routes['GET /api/tickets/:number'] = () => ticketDetail({ site: 'default', visitorId: 'v'.repeat(22) });
    app.api.routes['GET /api/visitor-profiles/:site/:visitorId'] = () => profile();
    app.api.routes['GET /api/admin/sites/:site/secret'] = () => secret();
    app.store.getState().navigate({ view: 'tickets', ticket: 1001 });
    const view = renderWith(app, <Shell />);
    const article = await screen.findByRole('article', { name: /^#1001/ });
    const panel = await within(article).findByRole('region', { name: 'Customer' });
    expect(within(panel).getByText('Verified')).toBeTruthy();
    expect(within(panel).getByRole('list', { name: 'Other tickets' }).textContent).toContain('#1002');
    view.unmount();
    app.store.getState().navigate({ view: 'tickets' });
    renderWith(app, <Shell />);
    expect(await screen.findByRole('region', { name: 'Identity verification' })).toBeTruthy();
  });

  it('the chat view shows the visitor as unverified (a claim), with their ticket linked and this chat left out', async () => {
    const app = createConsoleApp();
    const chat = conversation();
    app.realtime.responders['chat:list'] = () => ({ ok: true, data: { chats: [chat], requests: [] } });
    app.realtime.responders['chat:sync'] = () => ({ ok: true, data: { conversation: chat, messages: [] } });
    app.api.routes['GET /api/visitor-profiles/:site/:visitorId'] = ({ params }) =>
      profile({
        visitorId: String(params.visitorId),
        user: { id: 'user-9', email: 'sam@example.com', verified: false },
        conversations: [{ id: chat.id, status: 'active', firstMessage: chat.firstMessage, createdAt: chat.createdAt }],
        tickets: [{ id: 'e'.repeat(24), number: 1003, subject: 'Broken zipper', status: 'open', createdAt: iso(-5000) }],
      });
    renderWith(app, <Shell />);
    fireEvent.click(await screen.findByRole('button', { name: /Visitor 1a2b/ }));
    const pane = await screen.findByRole('region', { name: 'Chat with Visitor 1a2b' });
    const panel = await within(pane).findByRole('region', { name: 'Customer' });
    expect(within(panel).getByText('Unverified')).toBeTruthy();
    expect(panel.textContent).toContain('sam@example.com');
    expect(within(panel).queryByRole('list', { name: 'Other conversations' })).toBeNull();
    expect(
      within(within(panel).getByRole('list', { name: 'Tickets' }))
        .getByRole('link')
        .getAttribute('href'),
    ).toBe('#/tickets/1003');
  });
});
