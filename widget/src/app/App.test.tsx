import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { App, type AppProps, type FrameBridge } from './App.tsx';
import type { FrameCommand } from './frame.ts';
import { createFakeClient, memoryStorage } from '../test/fake-client.ts';
import { en } from 'virtual:kamflo-locales';

/** A FrameBridge that records what the frame tells the page, and plays the page's commands. */
function fakeFrame() {
  let handler: ((c: FrameCommand) => void) | undefined;
  const frame = {
    opened: vi.fn<FrameBridge['opened']>(),
    unread: vi.fn<FrameBridge['unread']>(),
    hint: vi.fn<FrameBridge['hint']>(),
    onCommand: vi.fn((h: (c: FrameCommand) => void) => {
      handler = h;
      return () => {
        handler = undefined;
      };
    }),
  } satisfies FrameBridge;
  return { frame, command: (c: FrameCommand) => act(() => handler!(c)) };
}

function setup({ agentsOnline = true, storage = memoryStorage(), connect = true, emailEnabled = true, props = {} as Partial<AppProps> } = {}) {
  const fake = createFakeClient({ agentsOnline, emailEnabled });
  const { frame, command } = fakeFrame();
  const view = render(
    <App client={fake.client} storage={storage} site="default" page="https://shop.example/cart" frame={frame} connect={connect} {...props} />,
  );
  lastCommand = command;
  return { ...fake, frame, command, storage, view, ready: fake.server.connect() };
}
let lastCommand: ((c: FrameCommand) => Promise<void> | void) | undefined;
beforeEach(() => {
  lastCommand = undefined;
});

/** What the page does with Kamflo('open') (or the visitor, clicking the launcher). */
async function openPanel() {
  await lastCommand!({ kind: 'open' });
  await screen.findByRole('tablist');
}

function type(text: string, name: string | RegExp = 'Message') {
  fireEvent.input(screen.getByRole('textbox', { name }), { target: { value: text } });
}

const log = () => screen.getByRole('log', { name: 'Conversation' });
/** The message in the log whose text is exactly `text`. */
const messageIn = (text: string) => within(log()).getByText(text).closest('.kf-msg') as HTMLElement;

describe('panel', () => {
  it("opens on the page's command with Chat and Help Center tabs, and closes from its Minimize button or Escape", async () => {
    const { frame, command } = setup();
    expect(screen.queryByRole('tablist')).toBeNull();
    // No launcher in the frame: widget.js draws it on the page.
    expect(screen.queryByRole('button', { name: /open chat/i })).toBeNull();

    await command({ kind: 'open' });
    await screen.findByRole('tablist');
    const chatTab = screen.getByRole('tab', { name: 'Chat' });
    expect(chatTab.getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('tab', { name: 'Help Center' }).getAttribute('aria-selected')).toBe('false');
    expect(screen.getByRole('tabpanel', { name: 'Chat' })).toBeTruthy();
    expect(frame.opened.mock.calls).toEqual([[true]]);
    // Focus moves into the panel.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Message' })));

    fireEvent.click(screen.getByRole('button', { name: 'Minimize chat' }));
    await waitFor(() => expect(screen.queryByRole('tablist')).toBeNull());
    expect(frame.opened.mock.calls).toEqual([[true], [false]]);

    await command({ kind: 'open' });
    await screen.findByRole('tablist');
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Message' }), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('tablist')).toBeNull());
    await command({ kind: 'close' });
    expect(frame.opened.mock.calls).toEqual([[true], [false], [true], [false]]);
  });

  it('has no visitor identity and no socket until the visitor first opens it, unless told to connect at once', async () => {
    const { client, command } = setup({ connect: false });
    // The site's name and availability need no identity: they are ready before opening.
    await waitFor(() => expect(client.status).toHaveBeenCalled());
    expect(client.connect).not.toHaveBeenCalled();
    await command({ kind: 'open' });
    expect(client.connect).toHaveBeenCalledTimes(1);
    await command({ kind: 'close' });
    await command({ kind: 'open' });
    expect(client.connect).toHaveBeenCalledTimes(1);

    cleanup();
    const eager = setup({ connect: true });
    expect(eager.client.connect).toHaveBeenCalledTimes(1);
  });

  it('showNewMessage opens the Chat tab with the text in the message box, unsent', async () => {
    const { client, command } = setup();
    await command({ kind: 'open' });
    fireEvent.click(await screen.findByRole('tab', { name: 'Help Center' }));
    await command({ kind: 'close' });
    await command({ kind: 'show', text: 'I need help with order 42' });
    const box = (await screen.findByRole('textbox', { name: 'Message' })) as HTMLTextAreaElement;
    expect(screen.getByRole('tab', { name: 'Chat' }).getAttribute('aria-selected')).toBe('true');
    await waitFor(() => expect(box.value).toBe('I need help with order 42'));
    expect(document.activeElement).toBe(box);
    expect(client.start).not.toHaveBeenCalled();
    // The same text again (a second call) fills the box again.
    type('');
    await command({ kind: 'show', text: 'I need help with order 42' });
    await waitFor(() => expect(box.value).toBe('I need help with order 42'));
  });

  it('showNewMessage fills the leave-a-message form when nobody is online', async () => {
    const { command } = setup({ agentsOnline: false });
    await command({ kind: 'show', text: 'Call me back' });
    await screen.findByText('No one is available right now');
    await waitFor(() => expect((screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).value).toBe('Call me back'));
  });

  it('a user the server refuses (identity_unverified) gets a neutral error in their language, gone once connected', async () => {
    const { server } = setup({ props: { locale: 'de', messages: { ...en, ...(await import('../../locales/de.json')).default } } });
    await openPanel();
    await server.refuse();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Der Chat konnte für Ihr Konto nicht gestartet werden. Bitte laden Sie die Seite neu und versuchen Sie es erneut.');
    await server.connect();
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('update: the page the agent sees, the user (sent for identity verification), and the language', async () => {
    const { client, server, command } = setup({
      props: { loadLocale: async (l) => ({ locale: l, messages: { ...(await import('../../locales/de.json')).default } }) },
    });
    await server.connect();
    await command({ kind: 'update', page: 'https://shop.example/checkout' });
    await waitFor(() => expect(client.sync).toHaveBeenLastCalledWith({ afterSeq: 0, page: 'https://shop.example/checkout' }));

    await command({ kind: 'update', user: { id: 'u1', email: 'u1@example.com' } });
    expect(client.user()).toEqual({ id: 'u1', email: 'u1@example.com' });
    // Another user on the same frame needs shutdown and boot: refused, with a console error.
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    await command({ kind: 'update', user: { id: 'u2' } });
    expect(client.user()).toEqual({ id: 'u1', email: 'u1@example.com' });
    expect(error.mock.calls[0]![0]).toMatch(/shutdown/);
    error.mockRestore();

    await command({ kind: 'update', locale: 'de' });
    await command({ kind: 'open' });
    expect(await screen.findByRole('tab', { name: 'Hilfe-Center' })).toBeTruthy();
    await waitFor(() => expect(document.documentElement.lang).toBe('de'));
  });
});

describe('unread and the hint for the next page view', () => {
  it('tells the page the unread count while closed, and zero once the chat is on screen', async () => {
    const { server, frame, command } = setup();
    await command({ kind: 'open' });
    type('Hello');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(server.messages).toHaveLength(1));
    await command({ kind: 'close' });
    await server.say({ author: 'agent', authorName: 'Alice', text: 'Hi!' });
    await server.say({ author: 'agent', authorName: 'Alice', text: 'How can I help?' });
    await waitFor(() => expect(frame.unread).toHaveBeenLastCalledWith(2));
    await command({ kind: 'open' });
    await waitFor(() => expect(frame.unread).toHaveBeenLastCalledWith(0));
  });

  it('remembers what was read across page loads', async () => {
    const storage = memoryStorage();
    const first = setup({ storage });
    await first.command({ kind: 'open' });
    type('Hello');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await first.server.say({ author: 'agent', authorName: 'Alice', text: 'Seen on this page' });
    await waitFor(() => expect(first.client.read).toHaveBeenCalled());
    cleanup();

    // The next page: the same conversation, nothing new: nothing unread.
    const { frame } = fakeFrame();
    render(<App client={first.client} storage={storage} site="default" frame={frame} connect />);
    await first.server.connect();
    await waitFor(() => expect(frame.hint).toHaveBeenCalled());
    expect(frame.unread).not.toHaveBeenCalled();
  });

  it("keeps the page's hint: live while a chat waits or runs, idle once it has ended", async () => {
    const { server, frame, command } = setup();
    // Synced with no conversation: idle.
    await waitFor(() => expect(frame.hint).toHaveBeenLastCalledWith('idle'));
    await command({ kind: 'open' });
    type('Hello');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(frame.hint).toHaveBeenLastCalledWith('live'));
    await server.update({ status: 'ended' });
    await waitFor(() => expect(frame.hint).toHaveBeenLastCalledWith('idle'));
  });

  it('says nothing about the hint before it has heard from the server', () => {
    const { frame } = setup({ connect: false });
    expect(frame.hint).not.toHaveBeenCalled();
  });
});

describe('languages', () => {
  it('shows every text in the given locale, right to left for Arabic, and server errors in its words', async () => {
    const ar = (await import('../../locales/ar.json')).default;
    const { client, command } = setup({ agentsOnline: false, props: { locale: 'ar', messages: ar } });
    await waitFor(() => expect(document.documentElement.dir).toBe('rtl'));
    expect(document.documentElement.lang).toBe('ar');
    await command({ kind: 'open' });
    expect(await screen.findByRole('tab', { name: ar.tabChat })).toBeTruthy();
    expect(screen.getByText(ar.nobody)).toBeTruthy();
    client.leaveMessage.mockResolvedValueOnce({ ok: false, error: { code: 'rate_limited', message: 'Too many requests; slow down' } });
    type('a@b.co', ar.email);
    type('x', ar.message);
    fireEvent.click(screen.getByRole('button', { name: ar.leaveMessage }));
    expect((await screen.findByRole('alert')).textContent).toBe(ar.error_rate_limited);
    expect(screen.queryByText(/Too many requests/)).toBeNull();
  });

  it("shows the server's system lines in the visitor's language", async () => {
    const de = (await import('../../locales/de.json')).default;
    const { server, command } = setup({ props: { locale: 'de', messages: de } });
    await waitFor(() => expect(document.documentElement.dir).toBe('ltr'));
    await command({ kind: 'open' });
    type('Hallo', de.message);
    fireEvent.click(screen.getByRole('button', { name: de.send }));
    await waitFor(() => expect(server.messages).toHaveLength(1));
    await server.system('joined_1', 'Alice joined the chat');
    await server.system('ticket_1007', "Your request is now ticket #1007. We'll reply here.");
    await server.system('ended_c', 'The visitor ended the chat');
    await server.system('other_x', 'Something the widget does not know');
    const log = () => screen.getByRole('log', { name: de.conversation });
    expect(within(log()).getByText('Alice ist dem Chat beigetreten')).toBeTruthy();
    expect(within(log()).getByText('Ihre Anfrage ist jetzt Ticket #1007. Wir antworten hier.')).toBeTruthy();
    expect(within(log()).getByText('Sie haben den Chat beendet.')).toBeTruthy();
    expect(within(log()).getByText('Something the widget does not know')).toBeTruthy();
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
      locale: 'en',
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
    await server.system('joined_1', 'Alice joined the chat');
    expect(screen.getAllByText(/Alice joined/)).toHaveLength(1);

    await server.update({ status: 'ticket', ticketNumber: 1001 });
    expect(screen.getByText("We've turned this into ticket #1001. We'll reply here.")).toBeTruthy();
    await server.system('ticket_1001', "Your request is now ticket #1001. We'll reply here.");
    // Said once (the notice gives way to the system line); the ticket's own line stays above the log.
    expect(screen.getAllByText(/ticket #1001\. We'll reply here/)).toHaveLength(1);
    expect(screen.getByText('Ticket #1001')).toBeTruthy();
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
    const again = setup({ storage });
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
    // The widget's words for the code, not the server's sentence.
    expect((await screen.findByRole('alert')).textContent).toBe("Can't reach the server. Check your connection.");
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
    await server.system('joined_1', 'Alice joined the chat');
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
    await lastCommand!({ kind: 'close' });
    await server.say({ author: 'agent', authorName: 'Alice', text: 'Anything else?' });
    expect(client.read).toHaveBeenCalledTimes(1);
    await lastCommand!({ kind: 'open' });
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
    const email = await screen.findByRole('textbox', { name: 'Email', description: 'Email must be an email address.' });
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

  it('says how a left message is answered: by email only when the server can send it', async () => {
    const off = setup({ agentsOnline: false, emailEnabled: false });
    await openPanel();
    await screen.findByText("Leave a message and we'll get back to you here.");
    type('a@b.co', 'Email');
    type('Call me', 'Message');
    fireEvent.click(screen.getByRole('button', { name: 'Leave a message' }));
    expect(await screen.findByText("We'll get back to you here as soon as we can.")).toBeTruthy();
    off.view.unmount();

    setup({ agentsOnline: false, emailEnabled: true });
    await openPanel();
    expect(await screen.findByText("Leave a message and we'll get back to you by email.")).toBeTruthy();
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
    type(' ', 'Subject');
    fireEvent.click(screen.getByRole('button', { name: 'Submit request' }));
    // In the widget's words: what is wrong follows from what was sent.
    expect(await screen.findByText('Email must be an email address.')).toBeTruthy();
    expect(screen.getByText('Subject is required.')).toBeTruthy();
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
    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts. Please wait a moment and try again.');
  });
});
