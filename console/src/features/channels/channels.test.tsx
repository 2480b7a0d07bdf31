import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import type { SocialConnectionDto } from '@kamflo/shared';
import { Channels } from './Channels.tsx';
import { Shell } from '../shell/Shell.tsx';
import { createConsoleApp, createTestApp, renderWith } from '../../test/render.tsx';
import { apiError, conversation, iso, message, ok, request } from '../../test/fakes.ts';

const bot: SocialConnectionDto = {
  id: 'c'.repeat(24),
  channel: 'telegram',
  site: 'default',
  account: { id: '7000000001', name: 'Acme Support', username: 'acme_support_bot' },
  webhookUrl: `https://support.acme.test/api/channels/telegram/${'c'.repeat(24)}/webhook`,
  connectedAt: iso(-3600_000),
};

describe('Settings → Channels → Telegram', () => {
  it('connects a bot with its token (the refusal shows), lists it without the token, and disconnects it', async () => {
    const app = createTestApp();
    app.api.routes['GET /api/admin/channels'] = () => [];
    app.api.routes['POST /api/admin/channels/telegram'] = ({ body }) => {
      if (body.botToken.endsWith('bad')) throw apiError(400, 'bad_request', 'Telegram refused this bot token (Telegram answered 401: Unauthorized)');
      return bot;
    };
    app.api.routes['DELETE /api/admin/channels/:id'] = () => ({ ok: true as const });
    renderWith(app, <Channels />);
    const telegram = await screen.findByRole('region', { name: 'Telegram' });
    expect(screen.getByRole('heading', { name: 'Channels' })).toBeTruthy();
    await within(telegram).findByText('No Telegram bot connected.');
    const form = within(telegram).getByRole('form', { name: 'Connect a Telegram bot' });
    expect((within(form).getByRole('textbox', { name: 'Site' }) as HTMLInputElement).value).toBe('default');
    const token = within(form).getByLabelText('Bot token') as HTMLInputElement;
    expect(token.type).toBe('password');
    fireEvent.input(token, { target: { value: '7000000001:bad' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Connect' }));
    expect((await within(form).findByRole('alert')).textContent).toBe('Telegram refused this bot token (Telegram answered 401: Unauthorized)');

    fireEvent.input(token, { target: { value: '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Connect' }));
    await within(telegram).findByText('@acme_support_bot');
    expect(app.api.callsTo('POST /api/admin/channels/telegram').at(-1)!.body).toEqual({
      site: 'default',
      botToken: '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
    });
    expect(token.value).toBe('');
    expect(telegram.textContent).not.toContain('AAHdqTcv');

    fireEvent.click(within(telegram).getByRole('button', { name: 'Disconnect @acme_support_bot' }));
    await within(telegram).findByText('No Telegram bot connected.');
    expect(app.api.callsTo('DELETE /api/admin/channels/:id')[0]!.params).toEqual({ id: bot.id });
  });
});

describe('a Telegram conversation in the chats', () => {
  it('says Telegram on the request and the chat, shows attachments to download and each message’s state with Telegram', async () => {
    const app = createConsoleApp();
    const chat = conversation({ channel: 'telegram', handle: '@ana_s', visitorName: 'Ana Silva', page: undefined });
    const doc = message(1, {
      text: '[Document: invoice.pdf (application/pdf), 47 KB]\nThis is the invoice',
      attachments: [{ kind: 'document', name: 'invoice.pdf', type: 'application/pdf', size: 48_213, url: '/api/channels/files/x/0' }],
    });
    const reply = message(2, {
      author: 'agent',
      authorName: 'Dana Agent',
      text: 'Thanks, checking',
      social: { channel: 'telegram', state: 'retrying', attempts: 1, error: 'Telegram answered 429: Too Many Requests: retry after 7' },
    });
    app.realtime.responders['chat:list'] = () =>
      ok({ chats: [chat], requests: [request({ conversationId: 'f'.repeat(24), visitorName: 'Bo Li', channel: 'telegram' })] });
    app.realtime.responders['chat:sync'] = () => ok({ conversation: chat, messages: [doc, reply] });
    renderWith(app, <Shell />);
    const requests = await screen.findByRole('region', { name: 'Incoming requests' });
    await within(requests).findByText('Bo Li');
    expect(within(requests).getByText('Telegram')).toBeTruthy();
    const mine = screen.getByRole('region', { name: 'My chats' });
    fireEvent.click(within(mine).getByRole('button', { name: /Ana Silva/ }));
    const pane = await screen.findByRole('region', { name: 'Chat with Ana Silva' });
    await within(pane).findByText('Thanks, checking');
    expect(pane.textContent).toContain('@ana_s on Telegram');
    expect(pane.textContent).toContain('no delivered or read receipts');
    const link = within(pane).getByRole('link', { name: 'Download invoice.pdf' }) as HTMLAnchorElement;
    expect(link.getAttribute('href')).toBe('/api/channels/files/x/0');
    expect(pane.textContent).toContain('Retrying: Telegram answered 429: Too Many Requests: retry after 7');
    act(() => app.realtime.serverEmit('chat:message', { ...reply, social: { channel: 'telegram', state: 'sent', attempts: 2 } }));
    await waitFor(() => expect(pane.textContent).toContain('Sent to Telegram'));
    expect(pane.textContent).not.toContain('Retrying');

    // Failed: the reason, and Retry asks the server to send it again.
    app.api.routes['POST /api/channels/messages/:id/retry'] = () => ({ channel: 'telegram' as const, state: 'queued' as const, attempts: 0 });
    act(() =>
      app.realtime.serverEmit('chat:message', {
        ...reply,
        social: { channel: 'telegram', state: 'failed', attempts: 3, error: 'Telegram answered 403: Forbidden: bot was blocked by the user' },
      }),
    );
    await within(pane).findByText('Not delivered to Telegram: Telegram answered 403: Forbidden: bot was blocked by the user');
    fireEvent.click(within(pane).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(app.api.callsTo('POST /api/channels/messages/:id/retry')[0]!.params).toEqual({ id: reply.id }));
  });
});
