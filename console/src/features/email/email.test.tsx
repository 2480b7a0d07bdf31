import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import type { DeliveryDto, EmailStatusDto, TicketDetailDto } from '@kamflo/shared';
import { Shell } from '../shell/Shell.tsx';
import { createConsoleApp, renderWith, type TestApp } from '../../test/render.tsx';
import { agent, apiError, iso, ticketDetail } from '../../test/fakes.ts';

const delivery = (overrides: Partial<DeliveryDto> = {}): DeliveryDto => ({
  id: `${'a'.repeat(24)}:3:email`,
  seq: 3,
  kind: 'reply',
  channel: 'email',
  state: 'sent',
  to: 'ana@example.com',
  attempts: 1,
  updatedAt: iso(-60_000),
  ...overrides,
});

function openTicket(app: TestApp, detail: TicketDetailDto) {
  app.api.routes['GET /api/tickets/:number'] = () => detail;
  app.store.getState().navigate({ view: 'tickets', ticket: detail.number });
  return renderWith(app, <Shell />);
}

describe('Delivery on customer-facing messages', () => {
  it('shows where each reply went and its state; a failed one has a Retry that puts it back in the outbox; updates arrive live', async () => {
    const app = createConsoleApp();
    const detail = ticketDetail({
      reach: { email: { address: 'ana@example.com' }, widget: { conversationId: 'c'.repeat(24) } },
      deliveries: [
        delivery({ state: 'failed', error: 'SMTP 550: 5.1.1 No such user', attempts: 1 }),
        delivery({ id: `${'a'.repeat(24)}:3:widget`, channel: 'widget', to: 'chat widget' }),
      ],
    });
    app.api.routes['POST /api/tickets/:number/deliveries/:id/retry'] = ({ params }) =>
      delivery({ id: String(params.id), state: 'queued', attempts: 0, updatedAt: iso(0) });
    openTicket(app, detail);
    const reply = (await screen.findByText('We are looking into it.')).closest('li')!;
    const list = within(reply).getByRole('list', { name: 'Delivery' });
    expect(list.textContent).toContain('Email to ana@example.com: Failed');
    expect(list.textContent).toContain('SMTP 550: 5.1.1 No such user');
    expect(list.textContent).toContain('Chat widget: Sent');
    fireEvent.click(within(list).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(list.textContent).toContain('Email to ana@example.com: Queued'));
    expect(app.api.callsTo('POST /api/tickets/:number/deliveries/:id/retry')[0]!.params).toEqual({ number: 1001, id: `${'a'.repeat(24)}:3:email` });
    expect(within(list).queryByRole('button', { name: 'Retry' })).toBeNull();

    act(() => app.realtime.serverEmit('delivery:updated', { ticketNumber: 1001, delivery: delivery({ state: 'sent', attempts: 1, updatedAt: iso(1000) }) }));
    await waitFor(() => expect(list.textContent).toContain('Email to ana@example.com: Sent'));
  });

  it('an internal note shows no delivery', async () => {
    const app = createConsoleApp();
    openTicket(app, ticketDetail({ reach: { email: { address: 'ana@example.com' } }, deliveries: [delivery()] }));
    const note = (await screen.findByText('Card declined by the bank, checking with payments team.')).closest('li')!;
    expect(within(note).queryByRole('list', { name: 'Delivery' })).toBeNull();
  });
});

describe('The truth before sending', () => {
  it('says who receives a reply and how', async () => {
    const app = createConsoleApp();
    openTicket(app, ticketDetail({ requester: { name: 'Dana', email: 'dana@example.com' }, reach: { email: { address: 'dana@example.com' } } }));
    expect((await screen.findByRole('textbox', { name: 'Reply to customer' })).getAttribute('aria-describedby')).toBeTruthy();
    expect(screen.getByText('Dana (dana@example.com) will receive this by email.')).toBeTruthy();
  });

  it('with no channel, says so and does not offer to send; the server refusal is shown if it comes anyway', async () => {
    const app = createConsoleApp();
    openTicket(app, ticketDetail({ requester: { name: 'Dana', email: 'dana@example.com' }, reach: {} }));
    await screen.findByText(/^No channel reaches this customer: email is not configured/);
    const box = screen.getByRole('textbox', { name: 'Reply to customer' });
    fireEvent.input(box, { target: { value: 'Hello?' } });
    expect((screen.getByRole('button', { name: 'Reply' }) as HTMLButtonElement).disabled).toBe(true);

    app.api.routes['POST /api/tickets/:number/resolve'] = () => {
      throw apiError(409, 'conflict', 'No channel reaches this customer: … Nothing was sent or recorded.');
    };
    fireEvent.click(screen.getByRole('button', { name: 'Resolve' }));
    const dialog = await screen.findByRole('dialog', { name: 'Resolve ticket' });
    expect(dialog.textContent).toContain('No channel reaches this customer');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Resolve ticket' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('Nothing was sent or recorded');
  });
});

describe('An email ticket', () => {
  it('is labelled Email; its mail shows the original on request, the HTML only in a sandboxed frame, and attachments as downloads', async () => {
    const app = createConsoleApp();
    const id = 'mid:<m1@customer.example>';
    openTicket(
      app,
      ticketDetail({
        source: 'email',
        conversationId: undefined,
        transcript: [],
        reach: { email: { address: 'ana@example.com' } },
        events: [
          {
            id: 'e1',
            seq: 1,
            type: 'created',
            actor: { kind: 'customer', name: 'Ana Lima' },
            text: 'My order never arrived.',
            data: { email: id },
            at: iso(-60_000),
          },
        ],
        emails: [
          {
            id,
            seq: 1,
            from: { name: 'Ana Lima', address: 'ana@example.com' },
            subject: 'Order',
            receivedAt: iso(-60_000),
            originalText: 'My order never arrived.\n\n-- \nAna\nAcme Corp',
            trimmed: true,
            html: '<p>My order never arrived.</p>',
            remoteContent: true,
            htmlUrl: '/api/tickets/1001/emails/mid%3A%3Cm1%40customer.example%3E/html',
            attachments: [{ id: 'f'.repeat(24), name: 'receipt.pdf', type: 'application/pdf', size: 2048, url: `/api/attachments/${'f'.repeat(24)}` }],
            skipped: [{ name: 'video.mov', size: 30 * 1048576, reason: 'over the 10 MB attachment limit' }],
          },
        ],
      }),
    );
    const header = await screen.findByRole('article');
    expect(within(header).getAllByText('Email').length).toBeGreaterThan(0);
    fireEvent.click(screen.getByRole('button', { name: 'Show the original email' }));
    expect(screen.getByText(/Acme Corp/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Show the HTML version' }));
    const frame = screen.getByTitle('HTML version of the email from ana@example.com') as HTMLIFrameElement;
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('src')).toBe('/api/tickets/1001/emails/mid%3A%3Cm1%40customer.example%3E/html');
    fireEvent.click(screen.getByRole('button', { name: 'Load remote images' }));
    expect(frame.getAttribute('src')).toMatch(/\?remote=1$/);
    const files = screen.getByRole('list', { name: 'Attachments' });
    expect(within(files).getByRole('link', { name: 'receipt.pdf' }).getAttribute('href')).toBe(`/api/attachments/${'f'.repeat(24)}`);
    expect(files.textContent).toContain('video.mov (30.0 MB): not stored, over the 10 MB attachment limit');
  });
});

describe('Settings → Email', () => {
  const status = (o: Partial<EmailStatusDto> = {}): EmailStatusDto => ({
    supportAddress: 'Acme Support <support@acme.test>',
    outbound: { configured: true, connected: true, server: 'smtp://mail.acme.test:587' },
    inbound: { smtp: { configured: true, listening: true, port: 2525 }, imap: { configured: false, connected: false } },
    acknowledge: true,
    limits: { maxMessageBytes: 25 * 1048576, maxAttachmentBytes: 10 * 1048576 },
    ...o,
  });

  it('shows whether each direction is connected, and admins switch the acknowledgement', async () => {
    const app = createConsoleApp();
    app.store.setState({ agent: { ...agent, role: 'admin' } });
    app.api.routes['GET /api/settings/sla'] = () => ({ critical: 1, high: 4, medium: 24, low: 72 });
    app.api.routes['GET /api/settings/alert-rules'] = () => ({ rules: [] });
    app.api.routes['GET /api/settings/email'] = () => status();
    app.api.routes['PUT /api/settings/email'] = ({ body }) => status({ acknowledge: body.acknowledge });
    app.store.getState().navigate({ view: 'tickets' });
    renderWith(app, <Shell />);
    const section = await screen.findByRole('region', { name: 'Email' });
    await within(section).findByText(/Support address: Acme Support/);
    const text = section.textContent!;
    expect(text).toContain('Outbound (replies by email)Connected · SMTP smtp://mail.acme.test:587');
    expect(text).toContain("Inbound: Kamflo's SMTP listenerConnected · listening on port 2525");
    expect(text).toContain('Inbound: IMAP mailboxNot configured · KAMFLO_IMAP_URL is not set');
    fireEvent.click(within(section).getByRole('checkbox', { name: /Acknowledge new email tickets/ }));
    await waitFor(() => expect(app.api.callsTo('PUT /api/settings/email')[0]!.body).toEqual({ acknowledge: false }));
  });
});
