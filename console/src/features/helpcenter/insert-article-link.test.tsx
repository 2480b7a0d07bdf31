import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import type { HcSearchResultDto } from '@kamflo/shared';
import { Shell } from '../shell/Shell.tsx';
import { createConsoleApp, renderWith } from '../../test/render.tsx';
import { apiError, conversation, ok, ticketDetail } from '../../test/fakes.ts';

const hit = (title: string, slug: string): HcSearchResultDto => ({
  title,
  titleHtml: title,
  slug,
  url: `/help/acme/articles/${slug}`,
  snippetHtml: '…',
  score: 1,
});

function openTicket(settingsUrl: string) {
  const app = createConsoleApp();
  app.api.routes['GET /api/tickets/:number'] = () => ticketDetail({ site: 'acme', reach: { email: { address: 'ana@example.com' } } });
  app.api.routes['POST /api/tickets/:number/replies'] = () => ticketDetail({ site: 'acme' });
  app.api.routes['GET /api/helpcenter/settings'] = () => ({
    site: 'acme',
    url: settingsUrl,
    enabled: true,
    name: 'Acme Help',
    logoText: 'Acme',
    color: '#1f6feb',
    defaultLocale: 'en',
  });
  app.api.routes['GET /api/helpcenter/search'] = ({ query }) => ({
    results: query?.q === 'refnd' ? [hit('Refund policy', 'refund-policy'), hit('Card refunds', 'card-refunds')] : [],
  });
  app.store.getState().navigate({ view: 'tickets', ticket: 1001 });
  renderWith(app, <Shell />);
  return app;
}

describe('Insert article link in the reply box', () => {
  it("searches the ticket's site's published articles and inserts the public URL at the cursor; the reply carries it", async () => {
    const app = openTicket('https://help.acme.test/help/acme/');
    const reply = (await screen.findByRole('textbox', { name: 'Reply to customer' })) as HTMLTextAreaElement;
    fireEvent.input(reply, { target: { value: 'Hello Ana,\nKind regards' } });
    reply.setSelectionRange(11, 11); // after "Hello Ana,\n"

    fireEvent.click(screen.getByRole('button', { name: 'Insert article link' }));
    const picker = screen.getByRole('group', { name: 'Insert article link' });
    fireEvent.input(within(picker).getByRole('searchbox', { name: 'Search articles' }), { target: { value: 'refnd' } });
    fireEvent.keyDown(within(picker).getByRole('searchbox', { name: 'Search articles' }), { key: 'Enter' });
    fireEvent.click(await within(picker).findByRole('button', { name: 'Insert a link to “Refund policy”' }));

    expect(reply.value).toBe('Hello Ana,\nRefund policy: https://help.acme.test/help/acme/articles/refund-policy\nKind regards');
    expect(app.api.callsTo('GET /api/helpcenter/search')[0]!.query).toEqual({ site: 'acme', q: 'refnd', limit: '8' });
    expect(screen.queryByRole('group', { name: 'Insert article link' })).toBeNull();
    // Enter in the search box searched; it did not send the reply.
    expect(app.api.callsTo('POST /api/tickets/:number/replies')).toHaveLength(0);

    fireEvent.click(screen.getByRole('button', { name: 'Reply' }));
    await waitFor(() => expect(app.api.callsTo('POST /api/tickets/:number/replies')).toHaveLength(1));
    expect(app.api.callsTo('POST /api/tickets/:number/replies')[0]!.body.text).toContain(
      'Refund policy: https://help.acme.test/help/acme/articles/refund-policy',
    );
  });

  it("makes a relative address absolute on the console's origin; says when nothing matches or the Help Center is off", async () => {
    const app = openTicket('/help/acme/');
    const reply = (await screen.findByRole('textbox', { name: 'Reply to customer' })) as HTMLTextAreaElement;
    fireEvent.click(screen.getByRole('button', { name: 'Insert article link' }));
    const box = screen.getByRole('searchbox', { name: 'Search articles' });
    fireEvent.input(box, { target: { value: 'nothing' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await screen.findByText('No published article matches.');
    fireEvent.input(box, { target: { value: 'refnd' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Insert a link to “Card refunds”' }));
    expect(reply.value).toBe(`Card refunds: ${location.origin}/help/acme/articles/card-refunds`);

    app.api.routes['GET /api/helpcenter/search'] = () => {
      throw apiError(404, 'not_found', 'No such Help Center');
    };
    fireEvent.click(screen.getByRole('button', { name: 'Insert article link' }));
    fireEvent.input(screen.getByRole('searchbox', { name: 'Search articles' }), { target: { value: 'refund' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    expect((await screen.findByRole('alert')).textContent).toBe("This site's Help Center is off: its articles have no public links.");
  });
});

describe('Insert article link in a chat', () => {
  it("appends the article's public URL to the message being written", async () => {
    const app = createConsoleApp();
    const chat = conversation({ site: 'acme' });
    app.realtime.responders['chat:list'] = () => ok({ chats: [chat], requests: [] });
    app.realtime.responders['chat:sync'] = () => ok({ conversation: chat, messages: [] });
    app.api.routes['GET /api/helpcenter/settings'] = () => ({
      site: 'acme',
      url: 'https://help.acme.test/help/acme/',
      enabled: true,
      name: 'Acme Help',
      logoText: 'Acme',
      color: '#1f6feb',
      defaultLocale: 'en',
    });
    app.api.routes['GET /api/helpcenter/search'] = () => ({ results: [hit('Refund policy', 'refund-policy')] });
    renderWith(app, <Shell />);
    fireEvent.click(await screen.findByRole('button', { name: /Visitor 1a2b/ }));
    const box = (await screen.findByRole('textbox', { name: 'Message' })) as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: 'This explains it:' } });
    fireEvent.click(screen.getByRole('button', { name: 'Insert article link' }));
    fireEvent.input(screen.getByRole('searchbox', { name: 'Search articles' }), { target: { value: 'refund' } });
    fireEvent.keyDown(screen.getByRole('searchbox', { name: 'Search articles' }), { key: 'Enter' });
    fireEvent.click(await screen.findByRole('button', { name: 'Insert a link to “Refund policy”' }));
    expect(box.value).toBe('This explains it: Refund policy: https://help.acme.test/help/acme/articles/refund-policy');
    expect(app.realtime.emittedOf('chat:message')).toHaveLength(0);
    expect(app.api.callsTo('GET /api/helpcenter/search')[0]!.query).toMatchObject({ site: 'acme' });
  });
});
