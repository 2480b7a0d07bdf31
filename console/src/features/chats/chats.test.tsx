import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { Shell } from '../shell/Shell.tsx';
import { createConsoleApp, renderWith, selectOption, type TestApp } from '../../test/render.tsx';
import type { MessageDto } from '@kamflo/shared';
import type { Ack } from '@kamflo/shared/constants';
import { apiError, conversation, fail, message, ok, request, ticket, ticketDetail } from '../../test/fakes.ts';

function renderConsole(app: TestApp) {
  return renderWith(app, <Shell />);
}

const requestsRegion = () => screen.getByRole('region', { name: 'Incoming requests' });
const log = () => screen.getByRole('log', { name: 'Conversation' });
/** The text of each message in the conversation log, in order. */
const logTexts = () =>
  within(log())
    .queryAllByRole('listitem')
    .map((li) => li.querySelector('.msg-text')!.textContent);

afterEach(() => {
  vi.useRealTimers();
});

describe('Incoming requests', () => {
  it('shows an offered request with who, what, where and a live wait time, and Accept emits chat:accept', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const app = createConsoleApp();
    const accepted = conversation();
    app.realtime.responders['chat:accept'] = () => ok(accepted);
    app.realtime.responders['chat:sync'] = () => ok({ conversation: accepted, messages: [message(1)] });
    renderConsole(app);

    act(() => app.realtime.serverEmit('chat:requests', [request()]));

    const region = requestsRegion();
    expect(within(region).getByText('Visitor 1a2b')).toBeTruthy();
    expect(within(region).getByText('My payment failed at checkout')).toBeTruthy();
    expect(within(region).getByRole('link', { name: 'shop.example.com/checkout' })).toBeTruthy();
    expect(within(region).getByText('waiting 1m 05s')).toBeTruthy();

    // The wait time ticks every second.
    app.clock.now += 1000;
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(within(region).getByText('waiting 1m 06s')).toBeTruthy();

    expect(within(region).getByRole('button', { name: /Decline/ })).toBeTruthy();
    expect(within(region).queryByRole('button', { name: /Take/ })).toBeNull();
    fireEvent.click(within(region).getByRole('button', { name: 'Accept chat from Visitor 1a2b' }));

    await waitFor(() => expect(app.realtime.emittedOf('chat:accept')).toEqual([{ conversationId: accepted.id }]));
    // The accepted chat opens.
    await waitFor(() => expect(logTexts()).toEqual(['Message 1']));
    expect(within(screen.getByRole('region', { name: 'My chats' })).getByRole('button', { name: /Visitor 1a2b/ })).toBeTruthy();
    expect(within(requestsRegion()).queryByRole('listitem')).toBeNull();
  });

  it('offers Take (not Accept) for a queued request and emits chat:take', async () => {
    const app = createConsoleApp();
    const taken = conversation();
    app.realtime.responders['chat:take'] = () => ok(taken);
    app.realtime.responders['chat:sync'] = () => ok({ conversation: taken, messages: [] });
    renderConsole(app);

    act(() => app.realtime.serverEmit('chat:requests', [request({ state: 'queued', page: undefined })]));

    const region = requestsRegion();
    expect(within(region).queryByRole('button', { name: /Accept/ })).toBeNull();
    expect(within(region).queryByRole('button', { name: /Decline/ })).toBeNull();
    fireEvent.click(within(region).getByRole('button', { name: /Take/ }));
    await waitFor(() => expect(app.realtime.emittedOf('chat:take')).toEqual([{ conversationId: taken.id }]));
  });

  it('shows the error when the chat was already taken', async () => {
    const app = createConsoleApp();
    app.realtime.responders['chat:accept'] = () => fail('already_taken', 'Another agent already took this chat.');
    renderConsole(app);
    act(() => app.realtime.serverEmit('chat:requests', [request()]));

    fireEvent.click(screen.getByRole('button', { name: /Accept/ }));

    const alert = await within(requestsRegion()).findByRole('alert');
    // The code, not the server's wording, decides the message.
    expect(alert.textContent).toContain('Another agent already has this chat');
    expect(alert.textContent).toContain('Visitor 1a2b');
  });

  it('opens the chat when the accept went through but its answer was lost', async () => {
    const app = createConsoleApp();
    const accepted = conversation();
    app.realtime.responders['chat:sync'] = () => ok({ conversation: accepted, messages: [message(1)] });
    // The server assigns the chat (and says so) but the acknowledgement never arrives.
    app.realtime.responders['chat:accept'] = () => {
      app.realtime.serverEmit('chat:updated', accepted);
      return fail('unavailable', 'The server did not answer in time. Please try again.');
    };
    renderConsole(app);
    await waitFor(() => expect(app.realtime.emittedOf('chat:list')).toHaveLength(1));
    await act(async () => {}); // the start-up chat list has arrived
    act(() => app.realtime.serverEmit('chat:requests', [request()]));

    fireEvent.click(screen.getByRole('button', { name: /Accept/ }));
    await waitFor(() => expect(logTexts()).toEqual(['Message 1']));
    expect(within(requestsRegion()).queryByRole('alert')).toBeNull();
  });

  it('Decline emits chat:decline and removes the request', async () => {
    const app = createConsoleApp();
    app.realtime.responders['chat:decline'] = () => ok(null);
    renderConsole(app);
    act(() => app.realtime.serverEmit('chat:requests', [request()]));

    fireEvent.click(screen.getByRole('button', { name: 'Decline chat from Visitor 1a2b' }));

    await waitFor(() => expect(app.realtime.emittedOf('chat:decline')).toEqual([{ conversationId: request().conversationId }]));
    await waitFor(() => expect(within(requestsRegion()).queryByText('Visitor 1a2b')).toBeNull());
  });

  it('replaces the list with each chat:requests snapshot', () => {
    const app = createConsoleApp();
    renderConsole(app);
    const a = request({ conversationId: 'a'.repeat(24), visitorName: 'Visitor aaaa' });
    const b = request({ conversationId: 'b'.repeat(24), visitorName: 'Visitor bbbb', state: 'queued' });
    const c = request({ conversationId: 'c'.repeat(24), visitorName: 'Visitor cccc' });

    act(() => app.realtime.serverEmit('chat:requests', [a, b]));
    expect(within(requestsRegion()).getAllByRole('listitem')).toHaveLength(2);

    act(() => app.realtime.serverEmit('chat:requests', [c]));
    const region = requestsRegion();
    expect(within(region).getAllByRole('listitem')).toHaveLength(1);
    expect(within(region).getByText('Visitor cccc')).toBeTruthy();
    expect(within(region).queryByText('Visitor aaaa')).toBeNull();
    expect(within(region).queryByText('Visitor bbbb')).toBeNull();

    act(() => app.realtime.serverEmit('chat:requests', []));
    expect(within(requestsRegion()).queryAllByRole('listitem')).toHaveLength(0);
  });

  it('loads chats and requests with chat:list on every (re)connect, and catches up the open chat', async () => {
    const app = createConsoleApp();
    const chat = conversation();
    app.realtime.responders['chat:list'] = () => ok({ chats: [chat], requests: [request({ conversationId: 'd'.repeat(24), visitorName: 'Visitor dddd' })] });
    app.realtime.responders['chat:sync'] = () => ok({ conversation: chat, messages: [message(1), message(2)] });
    renderConsole(app);

    await within(requestsRegion()).findByText('Visitor dddd');
    expect(app.realtime.emittedOf('chat:list')).toEqual([{}]);

    fireEvent.click(within(screen.getByRole('region', { name: 'My chats' })).getByRole('button', { name: /Visitor 1a2b/ }));
    await waitFor(() => expect(logTexts()).toEqual(['Message 1', 'Message 2']));
    expect(app.realtime.emittedOf('chat:sync')).toEqual([{ conversationId: chat.id }]);

    act(() => app.realtime.drop());
    act(() => app.realtime.reconnect());

    await waitFor(() => expect(app.realtime.emittedOf('chat:list')).toHaveLength(2));
    await waitFor(() => expect(app.realtime.emittedOf('chat:sync')).toEqual([{ conversationId: chat.id }, { conversationId: chat.id, afterSeq: 2 }]));
  });
});

describe('Conversation', () => {
  async function openChat(app: TestApp, messages = [message(1), message(3)]) {
    const chat = conversation();
    app.realtime.responders['chat:list'] = () => ok({ chats: [chat], requests: [] });
    app.realtime.responders['chat:sync'] = () => ok({ conversation: chat, messages });
    renderConsole(app);
    fireEvent.click(await screen.findByRole('button', { name: /Visitor 1a2b/ }));
    await waitFor(() => expect(logTexts()).toEqual(messages.map((m) => m.text)));
    return chat;
  }

  it('merges incoming messages by id, without duplicates, in seq order', async () => {
    const app = createConsoleApp();
    await openChat(app);

    act(() => {
      app.realtime.serverEmit('chat:message', message(3)); // already shown
      app.realtime.serverEmit('chat:message', message(2)); // arrived late
      app.realtime.serverEmit('chat:message', message(5));
      app.realtime.serverEmit('chat:message', message(5));
    });

    expect(logTexts()).toEqual(['Message 1', 'Message 2', 'Message 3', 'Message 5']);
  });

  it('sends with a clientId, shows sending then sent, and replaces the pending copy with the server one', async () => {
    const app = createConsoleApp();
    const chat = await openChat(app);
    let answer!: (ack: Ack<MessageDto>) => void;
    app.realtime.responders['chat:message'] = () => new Promise((resolve) => (answer = resolve));

    fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), { target: { value: 'Let me check that for you' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));

    const [sent] = app.realtime.emittedOf('chat:message');
    expect(sent).toEqual({ conversationId: chat.id, clientId: 'test-client-1', text: 'Let me check that for you' });
    expect(within(log()).getByText('Sending…')).toBeTruthy();
    expect((screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).value).toBe('');

    const echo = message(4, { author: 'agent', authorName: 'Dana Agent', clientId: 'test-client-1', text: 'Let me check that for you' });
    act(() => app.realtime.serverEmit('chat:message', echo)); // the broadcast may beat the ack
    await act(async () => answer(ok(echo)));

    expect(logTexts()).toEqual(['Message 1', 'Message 3', 'Let me check that for you']);
    expect(within(log()).getByText('Sent')).toBeTruthy();
    expect(within(log()).queryByText('Sending…')).toBeNull();
  });

  it('marks a failed message and retries it with the same clientId', async () => {
    const app = createConsoleApp();
    const chat = await openChat(app);
    app.realtime.responders['chat:message'] = () => fail('unavailable', 'The server did not answer in time.');

    fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), { target: { value: 'Hello?' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));

    expect(await within(log()).findByText(/Not sent: The server did not answer in time\./)).toBeTruthy();

    const echo = message(4, { author: 'agent', clientId: 'test-client-1', text: 'Hello?' });
    app.realtime.responders['chat:message'] = () => ok(echo);
    fireEvent.click(within(log()).getByRole('button', { name: 'Retry' }));

    await within(log()).findByText('Sent');
    expect(app.realtime.emittedOf('chat:message')).toEqual([
      { conversationId: chat.id, clientId: 'test-client-1', text: 'Hello?' },
      { conversationId: chat.id, clientId: 'test-client-1', text: 'Hello?' },
    ]);
    expect(logTexts()).toEqual(['Message 1', 'Message 3', 'Hello?']);
  });

  it('converts the chat to a ticket with subject, priority and category, then opens the ticket', async () => {
    const app = createConsoleApp();
    const chat = await openChat(app);
    const created = ticket({ number: 1001, subject: 'Card declined', priority: 'critical', category: 'billing' });
    app.api.routes['POST /api/conversations/:id/ticket'] = () => created;
    app.api.routes['GET /api/tickets/:number'] = () => ticketDetail({ ...created });

    fireEvent.click(screen.getByRole('button', { name: 'Convert to ticket' }));
    const dialog = screen.getByRole('dialog', { name: 'Convert to ticket' });
    const subject = within(dialog).getByRole('textbox', { name: 'Subject' }) as HTMLInputElement;
    expect(subject.value).toBe('My payment failed at checkout');
    fireEvent.input(subject, { target: { value: 'Card declined' } });
    selectOption(within(dialog).getByRole('combobox', { name: 'Priority' }), 'critical');
    selectOption(within(dialog).getByRole('combobox', { name: 'Category' }), 'billing');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create ticket' }));

    expect(await screen.findByText('Ticket #1001 created')).toBeTruthy();
    expect(app.api.callsTo('POST /api/conversations/:id/ticket')).toEqual([
      { params: { id: chat.id }, body: { subject: 'Card declined', priority: 'critical', category: 'billing' } },
    ]);
    expect(await screen.findByRole('heading', { name: '#1001 Card declined' })).toBeTruthy();
  });

  it('shows why the conversion failed and keeps the form open', async () => {
    const app = createConsoleApp();
    await openChat(app);
    app.api.routes['POST /api/conversations/:id/ticket'] = () => {
      throw apiError(400, 'bad_request', 'Invalid request', [{ path: 'subject', message: 'must be at most 200 characters' }]);
    };

    fireEvent.click(screen.getByRole('button', { name: 'Convert to ticket' }));
    const dialog = screen.getByRole('dialog', { name: 'Convert to ticket' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create ticket' }));

    expect((await within(dialog).findByRole('alert')).textContent).toBe('Subject must be at most 200 characters');
    expect(screen.getByRole('log', { name: 'Conversation' })).toBeTruthy();
  });
});
