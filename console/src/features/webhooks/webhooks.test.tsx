import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import type { WebhookDeliveryDto, WebhookDto } from '@kamflo/shared';
import { Webhooks } from './Webhooks.tsx';
import { createTestApp, renderWith } from '../../test/render.tsx';
import { apiError, iso } from '../../test/fakes.ts';

const hook: WebhookDto = { id: 'a'.repeat(24), url: 'https://crm.example/hooks', events: ['ticket.created', 'chat.ended'], createdAt: iso(-86_400_000) };
const delivery = (o: Partial<WebhookDeliveryDto> = {}): WebhookDeliveryDto => ({
  id: 'd'.repeat(24),
  eventId: 'ticket.created:x',
  event: 'ticket.created',
  state: 'retrying',
  attempts: 2,
  responseStatus: 503,
  error: 'HTTP 503',
  nextAttemptAt: iso(40_000),
  createdAt: iso(-60_000),
  updatedAt: iso(-1000),
  ...o,
});

describe('Settings → Webhooks', () => {
  it("shows each webhook's delivery log; Send test adds the ping's result", async () => {
    const app = createTestApp();
    app.api.routes['GET /api/admin/webhooks'] = () => [hook];
    app.api.routes['GET /api/admin/webhooks/:id/deliveries'] = () => [delivery()];
    app.api.routes['POST /api/admin/webhooks/:id/test'] = () =>
      delivery({ id: 'e'.repeat(24), event: 'ping', state: 'sent', attempts: 1, responseStatus: 200, error: undefined, nextAttemptAt: undefined });
    renderWith(app, <Webhooks />);
    const log = await screen.findByRole('table', { name: 'Deliveries to https://crm.example/hooks' });
    const [, row] = within(log).getAllByRole('row');
    expect(row!.textContent).toContain('ticket.created');
    expect(row!.textContent).toContain('Retrying · HTTP 503');
    expect(row!.textContent).toContain('503');
    fireEvent.click(screen.getByRole('button', { name: 'Send test to https://crm.example/hooks' }));
    await waitFor(() => expect(within(log).getAllByRole('row')).toHaveLength(3));
    expect(within(log).getAllByRole('row')[1]!.textContent).toContain('ping');
    expect(within(log).getAllByRole('row')[1]!.textContent).toContain('Sent');
    expect(app.api.callsTo('POST /api/admin/webhooks/:id/test')[0]!.params).toEqual({ id: hook.id });
  });

  it('registers an endpoint for checked events and shows the secret once; the refusal shows', async () => {
    const app = createTestApp();
    app.api.routes['GET /api/admin/webhooks'] = () => [];
    app.api.routes['GET /api/admin/webhooks/:id/deliveries'] = () => [];
    app.api.routes['POST /api/admin/webhooks'] = ({ body }) => {
      if (body.url.startsWith('http:')) throw apiError(400, 'bad_request', 'Invalid input: url must be an https:// URL');
      return { webhook: { ...hook, url: body.url, events: body.events }, secret: 'whsec_once' };
    };
    renderWith(app, <Webhooks />);
    await screen.findByText('No webhooks yet.');
    const form = screen.getByRole('form', { name: 'New webhook' });
    fireEvent.input(within(form).getByRole('textbox', { name: 'Endpoint URL' }), { target: { value: 'http://crm.example/in' } });
    fireEvent.click(within(form).getByRole('checkbox', { name: 'ticket.resolved' }));
    fireEvent.click(within(form).getByRole('button', { name: 'Add webhook' }));
    expect((await within(form).findByRole('alert')).textContent).toBe('Invalid input: url must be an https:// URL');

    fireEvent.input(within(form).getByRole('textbox', { name: 'Endpoint URL' }), { target: { value: 'https://crm.example/in' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add webhook' }));
    const secret = (await screen.findByRole('textbox', { name: 'Signing secret for https://crm.example/in' })) as HTMLInputElement;
    expect(secret.value).toBe('whsec_once');
    expect(app.api.callsTo('POST /api/admin/webhooks').at(-1)!.body).toEqual({ url: 'https://crm.example/in', events: ['ticket.resolved'] });
    expect(screen.getByRole('article', { name: 'Webhook https://crm.example/in' })).toBeTruthy();
  });

  it('removes a webhook', async () => {
    const app = createTestApp();
    app.api.routes['GET /api/admin/webhooks'] = () => [hook];
    app.api.routes['GET /api/admin/webhooks/:id/deliveries'] = () => [];
    app.api.routes['DELETE /api/admin/webhooks/:id'] = () => ({ ok: true });
    renderWith(app, <Webhooks />);
    fireEvent.click(await screen.findByRole('button', { name: 'Remove https://crm.example/hooks' }));
    await screen.findByText('No webhooks yet.');
  });
});
