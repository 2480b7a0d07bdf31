import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { App, type FrameBridge } from './App.tsx';
import { createFakeClient, memoryStorage } from '../test/fake-client.ts';

function setup({ agentsOnline = true, storage = memoryStorage(), connect = true, emailEnabled = true } = {}) {
  const fake = createFakeClient({ agentsOnline, emailEnabled });
  const frame = { resize: vi.fn(), onCommand: vi.fn(() => () => {}) } satisfies FrameBridge;
  const view = render(<App client={fake.client} storage={storage} site="default" page="https://shop.example/cart" frame={frame} />);
  return { ...fake, frame, storage, view, ready: connect ? fake.server.connect() : Promise.resolve() };
}

async function openPanel() {
  fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
  await screen.findByRole('tablist');
}

function type(text: string, name: string | RegExp = 'Message') {
  fireEvent.input(screen.getByRole('textbox', { name }), { target: { value: text } });
}

const log = () => screen.getByRole('log', { name: 'Conversation' });
/** The message in the log whose text is exactly `text`. */
const messageIn = (text: string) => within(log()).getByText(text).closest('.kf-msg') as HTMLElement;

describe('launcher and panel', () => {
  it('opens the panel with Chat and Help Center tabs, and closes it again', async () => {
    const { frame } = setup();
    expect(screen.queryByRole('tablist')).toBeNull();

    await openPanel();
    const chatTab = screen.getByRole('tab', { name: 'Chat' });
    expect(chatTab.getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('tab', { name: 'Help Center' }).getAttribute('aria-selected')).toBe('false');
    expect(screen.getByRole('tabpanel', { name: 'Chat' })).toBeTruthy();
    expect(frame.resize).toHaveBeenLastCalledWith(true);

    const close = screen.getByRole('button', { name: 'Close chat' });
    expect(close.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(close);
    await waitFor(() => expect(screen.queryByRole('tablist')).toBeNull());
    expect(frame.resize).toHaveBeenLastCalledWith(false);
    expect(screen.getByRole('button', { name: 'Open chat' })).toBeTruthy();
  });

  it('opens and closes on commands from the host page', async () => {
    const fake = createFakeClient();
    let command: ((c: 'open' | 'close') => void) | undefined;
    const frame: FrameBridge = {
      resize: vi.fn(),
      onCommand: (h) => {
        command = h;
        return () => {};
      },
    };
    render(<App client={fake.client} storage={memoryStorage()} site="default" frame={frame} />);
    act(() => command!('open'));
    await screen.findByRole('tablist');
    act(() => command!('close'));
    await waitFor(() => expect(screen.queryByRole('tablist')).toBeNull());
  });
});

describe('chat', () => {
  it('sends the first message with chat:start and shows it as sending, then sent', async () => {
    const { client } = setup();
    let answer!: () => void;
    const started = new Promise<void>((r) => (answer = r));
    const real = client.start.getMockImplementation()!;
    client.start.mockImplementationOnce(async (input) => {
      await started;
      return real(input);
    });
    await openPanel();

    type('My invoice is wrong');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));

    expect(within(messageIn('My invoice is wrong')).getByText('Sending…')).toBeTruthy();
    expect(within(messageIn('My invoice is wrong')).getByText('You')).toBeTruthy();
    expect((screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).value).toBe('');
    expect(client.start).toHaveBeenCalledWith({
      clientId: expect.any(String),
      text: 'My invoice is wrong',
      page: 'https://shop.example/cart',
    });

    answer();
    await waitFor(() => expect(within(messageIn('My invoice is wrong')).getByText('Sent')).toBeTruthy());
    expect(screen.getByText('Waiting for an agent…')).toBeTruthy();
  });

  it('sends later messages with chat:message in the same conversation; Enter sends, Shift+Enter does not', async () => {
    const { client, server } = setup();
    await openPanel();
    type('first');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(client.start).toHaveBeenCalledTimes(1));

    const box = screen.getByRole('textbox', { name: 'Message' });
    type('second');
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(client.send).not.toHaveBeenCalled();
    fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() =>
      expect(client.send).toHaveBeenCalledWith({
        conversationId: server.conversation!.id,
        clientId: expect.any(String),
        text: 'second',
      }),
    );
    await waitFor(() => expect(within(messageIn('second')).getByText('Sent')).toBeTruthy());
    const ids = [...client.start.mock.calls, ...client.send.mock.calls].map(([i]) => i.clientId);
    expect(new Set(ids).size).toBe(2);
  });

  it('shows an incoming agent message with the agent as author, as plain text', async () => {
    const { server } = setup();
    await openPanel();
    type('Hello?');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(server.conversation).not.toBeNull());

    await server.say({ author: 'agent', authorName: 'Alice', text: 'Hi, <b>Alice</b> here' });
    const msg = messageIn('Hi, <b>Alice</b> here');
    expect(within(msg).getByText('Alice')).toBeTruthy();
    expect(msg.querySelector('b')).toBeNull();
    // In the order the server stored them.
    const texts = [...log().querySelectorAll('.kf-text')].map((e) => e.textContent);
    expect(texts).toEqual(['Hello?', 'Hi, <b>Alice</b> here']);
  });

  it('says when an agent joined, once even when the server also posts it, and shows the ticket number', async () => {
    const { server } = setup();
    await openPanel();
    type('Help');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByText('Waiting for an agent…');

    await server.update({ status: 'active', agentName: 'Alice' });
    expect(screen.getByText('Alice joined the chat')).toBeTruthy();
    expect(screen.queryByText('Waiting for an agent…')).toBeNull();
    await server.say({ author: 'system', text: 'Alice joined the chat' });
    expect(screen.getAllByText(/Alice joined/)).toHaveLength(1);

    await server.update({ status: 'ticket', ticketNumber: 1001 });
    expect(screen.getByText("We've turned this into ticket #1001. We'll reply here.")).toBeTruthy();
  });

  it('shows a message pushed twice (same id) once, and keeps the log ordered by seq', async () => {
    const { server } = setup();
    await openPanel();
    type('Hi');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(server.conversation).not.toBeNull());

    const base = { conversationId: server.conversation!.id, author: 'agent' as const, authorName: 'Bo', createdAt: '' };
    await server.push({ ...base, id: 'x3', clientId: 'k3', seq: 3, text: 'third' });
    await server.push({ ...base, id: 'x2', clientId: 'k2', seq: 2, text: 'second' });
    await server.push({ ...base, id: 'x3', clientId: 'k3', seq: 3, text: 'third' });
    expect(within(log()).getAllByText('third')).toHaveLength(1);
    const texts = [...log().querySelectorAll('.kf-text')].map((e) => e.textContent);
    expect(texts).toEqual(['Hi', 'second', 'third']);
  });

  it('keeps unacknowledged messages in an outbox and re-sends them in order after a reconnect', async () => {
    const { client, server, storage } = setup();
    await server.disconnect();
    await openPanel();

    type('one');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    type('two');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(within(messageIn('one')).getByText('Sending…')).toBeTruthy();
    expect(within(messageIn('two')).getByText('Sending…')).toBeTruthy();
    expect(client.start).not.toHaveBeenCalled();
    const saved = storage.get<{ text: string }[]>('kamflo:outbox:default')!;
    expect(saved.map((o) => o.text)).toEqual(['one', 'two']);

    await server.connect();
    await waitFor(() => expect(server.messages.map((m) => m.text)).toEqual(['one', 'two']));
    // Sync first, then the outbox, oldest first.
    expect(client.sync.mock.invocationCallOrder.at(-1)!).toBeLessThan(client.start.mock.invocationCallOrder[0]!);
    expect(client.start.mock.invocationCallOrder[0]!).toBeLessThan(client.send.mock.invocationCallOrder[0]!);
    await waitFor(() => expect(within(messageIn('two')).getByText('Sent')).toBeTruthy());
    expect(storage.get('kamflo:outbox:default')).toEqual([]);
  });

  it('re-sends the outbox left by a previous page with the same client ids', async () => {
    const storage = memoryStorage();
    storage.set('kamflo:outbox:default', [
      { clientId: 'client-id-1', text: 'written before the reload' },
      { clientId: 'client-id-2', text: 'and this too' },
    ]);
    const { client, server } = setup({ storage });
    await openPanel();
    await waitFor(() => expect(server.messages.map((m) => m.clientId)).toEqual(['client-id-1', 'client-id-2']));
    expect(client.start).toHaveBeenCalledWith(expect.objectContaining({ clientId: 'client-id-1' }));
    expect(client.send).toHaveBeenCalledWith(expect.objectContaining({ clientId: 'client-id-2' }));
    expect(within(log()).getAllByText('written before the reload')).toHaveLength(1);
  });

  it('marks a message whose send failed, and Retry sends it again', async () => {
    const { client } = setup();
    client.start.mockResolvedValueOnce({ ok: false, error: { code: 'unavailable', message: 'timeout' } });
    await openPanel();
    type('Are you there?');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));

    const msg = await waitFor(() => {
      const m = messageIn('Are you there?');
      expect(within(m).getByText('Not sent')).toBeTruthy();
      return m;
    });
    fireEvent.click(within(msg).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(within(messageIn('Are you there?')).getByText('Sent')).toBeTruthy());
    expect(client.start).toHaveBeenCalledTimes(2);
    expect(client.start.mock.calls[0]![0].clientId).toBe(client.start.mock.calls[1]![0].clientId);
  });

  it('shows (and sends) what another tab of the site queued, from the storage event', async () => {
    const { client, server, storage } = setup();
    await server.disconnect();
    await openPanel();
    const other = [{ clientId: 'other-tab-1', text: 'typed in the other tab' }];
    storage.set('kamflo:outbox:default', other);
    act(() => void dispatchEvent(new StorageEvent('storage', { key: 'kamflo:outbox:default', newValue: JSON.stringify(other) })));
    expect(within(messageIn('typed in the other tab')).getByText('Sending…')).toBeTruthy();

    await server.connect();
    await waitFor(() => expect(within(messageIn('typed in the other tab')).getByText('Sent')).toBeTruthy());
    expect(client.start).toHaveBeenCalledWith(expect.objectContaining({ clientId: 'other-tab-1' }));
  });

  it('restores the conversation from the server on connect', async () => {
    const storage = memoryStorage();
    const first = setup({ storage });
    await openPanel();
    type('Before reload');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(first.server.messages).toHaveLength(1));
    first.view.unmount();

    // A new page: the fake server keeps nothing, so hand it the same history through sync.
    const again = setup({ storage, connect: false });
    again.client.sync.mockResolvedValue({
      ok: true,
      data: { conversation: first.server.conversation, messages: first.server.messages },
    });
    await again.server.connect();
    await openPanel();
    expect(await within(log()).findByText('Before reload')).toBeTruthy();
    // The page goes along: the agent sees where the visitor is now.
    expect(again.client.sync).toHaveBeenCalledWith({ afterSeq: 0, page: 'https://shop.example/cart' });
  });
});

const status = () => screen.getByRole('status');
/** Opens the panel and sends a first message: the conversation is queued. */
async function startChat(server: ReturnType<typeof createFakeClient>['server'], text = 'Hello?') {
  await openPanel();
  type(text);
  fireEvent.click(screen.getByRole('button', { name: 'Send' }));
  await waitFor(() => expect(within(messageIn(text)).getByText('Sent')).toBeTruthy());
  expect(server.conversation).not.toBeNull();
}

describe('live chat', () => {
  it('shows the place in the queue live, and offers Leave a message when the queue says so, keeping the log', async () => {
    const { server, client } = setup();
    await startChat(server);
    expect(status().textContent).toBe('Waiting for an agent…');
    // Another conversation's place is not ours.
    await server.queue({ conversationId: 'f'.repeat(24), position: 9, offerLeaveMessage: true });
    expect(status().textContent).toBe('Waiting for an agent…');
    expect(screen.queryByRole('button', { name: 'Leave a message' })).toBeNull();

    await server.queue({ position: 3, etaSeconds: 100 });
    expect(status().textContent).toBe('Queue position: 3 · about 2 min');
    await server.queue({ position: 2, etaSeconds: 45 });
    expect(status().textContent).toBe('Queue position: 2 · about 1 min');
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();

    await server.queue({ position: 2, etaSeconds: 45, offerLeaveMessage: true });
    expect(screen.getByText('No one is available right now')).toBeTruthy();
    expect(within(log()).getByText('Hello?')).toBeTruthy();
    type('me@example.com', 'Email');
    type('Call me', /^Message/);
    fireEvent.click(screen.getByRole('button', { name: 'Leave a message' }));
    expect(await screen.findByText('Thanks! Your ticket number is #1003')).toBeTruthy();
    expect(client.leaveMessage).toHaveBeenCalledWith({ email: 'me@example.com', text: 'Call me', conversationId: server.conversation!.id });
  });

  it('no longer shows the queue once an agent has joined', async () => {
    const { server } = setup();
    await startChat(server);
    await server.queue({ position: 1, offerLeaveMessage: true });
    await server.update({ status: 'active', agentName: 'Alice' });
    expect(status().textContent).toBe('Alice joined the chat');
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();
  });

  it('End chat ends the conversation, and the next message starts a new one', async () => {
    const { server, client } = setup();
    expect(screen.queryByRole('button', { name: 'End chat' })).toBeNull();
    await startChat(server);
    const first = server.conversation!.id;
    await server.update({ status: 'active', agentName: 'Alice' });

    screen.getByRole('button', { name: 'End chat' }).focus();
    fireEvent.click(screen.getByRole('button', { name: 'End chat' }));
    await waitFor(() => expect(status().textContent).toBe('This chat has ended. Write below to start a new one.'));
    expect(client.end).toHaveBeenCalledWith({ conversationId: first });
    expect(screen.queryByRole('button', { name: 'End chat' })).toBeNull();
    // The button went: the keyboard is at the message box, not lost.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Message' })));

    type('One more thing');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(client.start).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(status().textContent).toBe('Waiting for an agent…'));
    expect(server.conversation!.id).not.toBe(first);
    expect(screen.getByRole('button', { name: 'End chat' })).toBeTruthy();
  });

  it('says why when ending the chat fails, and lets the visitor try again', async () => {
    const { server, client } = setup();
    await startChat(server);
    client.end.mockResolvedValueOnce({ ok: false, error: { code: 'unavailable', message: 'Not connected. Reconnecting…' } });
    fireEvent.click(screen.getByRole('button', { name: 'End chat' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Not connected. Reconnecting…');
    expect(status().textContent).toBe('Waiting for an agent…');

    fireEvent.click(screen.getByRole('button', { name: 'End chat' }));
    await waitFor(() => expect(status().textContent).toMatch(/This chat has ended/));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("does not show a failed End chat's error again in the next chat", async () => {
    const { server, client } = setup();
    await startChat(server);
    client.end.mockResolvedValueOnce({ ok: false, error: { code: 'unavailable', message: 'Not connected. Reconnecting…' } });
    fireEvent.click(screen.getByRole('button', { name: 'End chat' }));
    await screen.findByRole('alert');
    await server.update({ status: 'ended' }); // ended another way (idle, the agent)

    type('New question');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(client.start).toHaveBeenCalledTimes(2));
    await screen.findByRole('button', { name: 'End chat' });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('tells the agent the visitor is typing, and that they stopped once the message is sent', async () => {
    const { server, client } = setup();
    await startChat(server);
    type('not yet');
    // Nobody is in the chat yet to see it.
    expect(client.typing).not.toHaveBeenCalled();
    type('');
    await server.update({ status: 'active', agentName: 'Alice' });

    const id = server.conversation!.id;
    type('W');
    type('Wh');
    expect(client.typing.mock.calls).toEqual([[{ conversationId: id, typing: true }]]);
    type('Why');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(client.typing).toHaveBeenLastCalledWith({ conversationId: id, typing: false });
    expect(client.typing).toHaveBeenCalledTimes(2);
  });

  it("shows the agent's typing, until their message arrives or nothing is heard for a few seconds", async () => {
    const { server } = setup();
    await startChat(server);
    await server.update({ status: 'active', agentName: 'Alice' });
    await server.say({ author: 'system', text: 'Alice joined the chat' });
    expect(status().textContent).toBe('');

    await server.typing(true);
    expect(status().textContent).toBe('Alice is typing…');
    await server.say({ author: 'agent', authorName: 'Alice', text: 'Hi!' });
    expect(status().textContent).toBe('');

    vi.useFakeTimers();
    try {
      await server.typing(true);
      await act(() => void vi.advanceTimersByTime(4000));
      await server.typing(true); // still typing: the indicator stays
      await act(() => void vi.advanceTimersByTime(4000));
      expect(status().textContent).toBe('Alice is typing…');
      await act(() => void vi.advanceTimersByTime(3000));
      expect(status().textContent).toBe('');
      await server.typing(true);
      await server.typing(false);
      expect(status().textContent).toBe('');
    } finally {
      vi.useRealTimers();
    }
  });

  it('tells the server how far the visitor has read while the chat is on screen, and shows Seen', async () => {
    const { server, client } = setup();
    await startChat(server, 'Question');
    await server.update({ status: 'active', agentName: 'Alice' });
    const id = server.conversation!.id;
    expect(client.read).not.toHaveBeenCalled();

    await server.say({ author: 'agent', authorName: 'Alice', text: 'Answer' });
    await waitFor(() => expect(client.read).toHaveBeenCalledWith({ conversationId: id, seq: 2 }));

    // Closed: nothing is read until it opens again.
    fireEvent.click(screen.getByRole('button', { name: 'Close chat' }));
    await server.say({ author: 'agent', authorName: 'Alice', text: 'Anything else?' });
    expect(client.read).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'Open chat' }));
    await waitFor(() => expect(client.read).toHaveBeenLastCalledWith({ conversationId: id, seq: 3 }));
    expect(client.read).toHaveBeenCalledTimes(2);

    // Open, but in a browser tab in the background: read once it comes to the front.
    const hidden = vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    try {
      await server.say({ author: 'agent', authorName: 'Alice', text: 'Are you still there?' });
      act(() => void document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
      expect(client.read).toHaveBeenCalledTimes(2);
      hidden.mockReturnValue(false);
      act(() => void document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
      expect(client.read).toHaveBeenLastCalledWith({ conversationId: id, seq: 4 });
    } finally {
      hidden.mockRestore();
    }

    expect(within(messageIn('Question')).getByText('Sent')).toBeTruthy();
    await server.read(0);
    expect(within(messageIn('Question')).getByText('Sent')).toBeTruthy();
    await server.read(4);
    expect(within(messageIn('Question')).getByText('Seen')).toBeTruthy();
    expect(within(log()).queryByText('Sent')).toBeNull();

    // A newer message of the visitor's is only sent until the agent reads it.
    type('Thanks');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(within(messageIn('Thanks')).getByText('Sent')).toBeTruthy());
    expect(within(log()).queryByText('Seen')).toBeNull();
  });
});

describe('read receipts after a reconnect', () => {
  it('shows Seen from how far the agent had read, as the sync reports it', async () => {
    const { server } = setup();
    await startChat(server, 'Question');
    expect(within(messageIn('Question')).getByText('Sent')).toBeTruthy();
    // The agent read it while this page was away; the next sync says so.
    server.conversation!.agentReadSeq = 1;
    await server.disconnect();
    await server.connect();
    await waitFor(() => expect(within(messageIn('Question')).getByText('Seen')).toBeTruthy());
  });
});

describe('no agent online', () => {
  it('offers to leave a message, which becomes a ticket whose number is shown', async () => {
    const { client } = setup({ agentsOnline: false });
    await openPanel();
    expect(await screen.findByText('No one is available right now')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Send' })).toBeNull();

    type('late@example.com', 'Email');
    type('Please call me back tomorrow', 'Message');
    fireEvent.click(screen.getByRole('button', { name: 'Leave a message' }));

    expect(await screen.findByText('Thanks! Your ticket number is #1003')).toBeTruthy();
    expect(client.leaveMessage).toHaveBeenCalledWith({ email: 'late@example.com', text: 'Please call me back tomorrow' });
  });

  it('switches to leave-a-message when the socket says everyone went offline', async () => {
    const { server } = setup();
    await openPanel();
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();
    await server.availability(false);
    expect(screen.getByText('No one is available right now')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Leave a message' })).toBeTruthy();
  });

  it('shows the server validation error next to the field', async () => {
    const { client } = setup({ agentsOnline: false });
    client.leaveMessage.mockResolvedValueOnce({
      ok: false,
      error: { code: 'bad_request', message: 'Invalid input', issues: [{ path: 'email', message: 'must be an email address' }] },
    });
    await openPanel();
    await screen.findByText('No one is available right now');
    type('nope', 'Email');
    type('Call me', 'Message');
    fireEvent.click(screen.getByRole('button', { name: 'Leave a message' }));
    const email = await screen.findByRole('textbox', { name: 'Email', description: 'Email must be an email address' });
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByText(/ticket number/)).toBeNull();
  });
});

describe('Help Center', () => {
  async function fillRequest() {
    await openPanel();
    fireEvent.click(screen.getByRole('tab', { name: 'Help Center' }));
    const form = screen.getByRole('form', { name: 'Submit a request' });
    expect(screen.getByRole('tab', { name: 'Help Center' }).getAttribute('aria-selected')).toBe('true');
    // The chat's textbox is out of the accessibility tree while its tab is hidden.
    expect(screen.getAllByRole('textbox', { name: 'Message' })).toHaveLength(1);
    type('Vera Visitor', 'Name');
    type('vera@example.com', 'Email');
    type('Change my plan', 'Subject');
    type('Please move me to the yearly plan.', 'Message');
    return form;
  }

  it('mentions email only when the server can send it', async () => {
    const off = setup({ emailEnabled: false });
    await off.ready;
    await fillRequest();
    const form = screen.getByRole('form', { name: 'Submit a request' });
    await waitFor(() => expect(form.textContent).toContain("Tell us and we'll reply here."));
    expect(form.textContent).not.toMatch(/by email/);
    fireEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    expect((await screen.findByText(/Keep the number/)).textContent).toBe(
      "We'll reply here while you're on our site. Keep the number if you write to us about it.",
    );
    off.view.unmount();

    setup({ emailEnabled: true });
    await fillRequest();
    await waitFor(() => expect(screen.getByRole('form', { name: 'Submit a request' }).textContent).toContain("we'll reply by email"));
  });

  it('submits a request and shows its ticket number', async () => {
    const { client } = setup();
    await fillRequest();
    fireEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    expect(await screen.findByText('Request received — ticket #1002')).toBeTruthy();
    expect(client.submitRequest).toHaveBeenCalledWith({
      name: 'Vera Visitor',
      email: 'vera@example.com',
      subject: 'Change my plan',
      message: 'Please move me to the yearly plan.',
    });
  });

  it('shows the server validation errors and keeps what was typed', async () => {
    const { client } = setup();
    client.submitRequest.mockResolvedValueOnce({
      ok: false,
      error: {
        code: 'bad_request',
        message: 'Invalid input: email must be an email address; subject must not be empty',
        issues: [
          { path: 'email', message: 'must be an email address' },
          { path: 'subject', message: 'must not be empty' },
        ],
      },
    });
    await fillRequest();
    fireEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    expect(await screen.findByText('Email must be an email address')).toBeTruthy();
    expect(screen.getByText('Subject must not be empty')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('Please check the fields above.');
    expect(screen.getByRole('textbox', { name: 'Subject' }).getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Email' })));
    expect((screen.getByRole('textbox', { name: 'Name' }) as HTMLInputElement).value).toBe('Vera Visitor');
    expect(screen.queryByText(/ticket #/)).toBeNull();
  });

  it('says why when the server refuses for another reason', async () => {
    const { client } = setup();
    client.submitRequest.mockResolvedValueOnce({ ok: false, error: { code: 'rate_limited', message: 'Too many requests; wait a minute' } });
    await fillRequest();
    fireEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Too many requests; wait a minute');
  });
});
