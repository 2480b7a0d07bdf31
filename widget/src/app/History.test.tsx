import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { App, type FrameBridge } from './App.tsx';
import type { FrameCommand } from './frame.ts';
import { createFakeClient, memoryStorage } from '../test/fake-client.ts';

// Continuity in the widget: after a chat ends or becomes a ticket the visitor sees that and can
// always start a new conversation; a ticket hears only what they chose to write in its thread;
// "Your conversations" lists and opens every one of them, with live replies.

function setup() {
  const fake = createFakeClient();
  let handler: ((c: FrameCommand) => void) | undefined;
  const frame = {
    opened: vi.fn(),
    unread: vi.fn<FrameBridge['unread']>(),
    hint: vi.fn(),
    onCommand: (h: (c: FrameCommand) => void) => {
      handler = h;
      return () => {};
    },
  } satisfies FrameBridge;
  render(<App client={fake.client} storage={memoryStorage()} site="default" frame={frame} connect />);
  return { ...fake, frame, open: () => act(() => handler!({ kind: 'open' })), command: (c: FrameCommand) => act(() => handler!(c)) };
}

const button = (name: string | RegExp) => screen.getByRole('button', { name });
const log = () => screen.getByRole('log', { name: 'Conversation' });

function send(text: string) {
  fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), { target: { value: text } });
  fireEvent.click(button('Send'));
}

/** A chat with Alice that became ticket #1001. */
async function ticketChat(s: ReturnType<typeof setup>) {
  await s.server.connect();
  await s.open();
  send('My export is broken');
  await waitFor(() => expect(s.server.messages).toHaveLength(1));
  await s.server.update({ status: 'active', agentName: 'Alice' });
  await s.server.say({ author: 'agent', authorName: 'Alice', text: 'Let me check' });
  await s.server.update({ status: 'ticket', ticketNumber: 1001, ticketStatus: 'open' });
  return s.server.conversation!.id;
}

describe('after a chat became a ticket', () => {
  it('shows the ticket number and status, live, and offers Start a new conversation, which starts a new chat', async () => {
    const s = setup();
    const ticketId = await ticketChat(s);
    expect(screen.getByText('Ticket #1001 · Open')).toBeTruthy();
    // The composer is gone: a new question never lands in the ticket by accident.
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
    await s.server.update({ ticketStatus: 'resolved' });
    expect(screen.getByText('Ticket #1001 · Resolved')).toBeTruthy();

    fireEvent.click(button('Start a new conversation'));
    expect(within(log()).queryByText('Let me check')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Message' })));
    send('A different question');
    await waitFor(() => expect(s.client.start).toHaveBeenCalledTimes(2));
    expect(s.client.send).not.toHaveBeenCalled();
    expect(s.server.conversation!.id).not.toBe(ticketId);
    expect(await within(log()).findByText('A different question')).toBeTruthy();
    // A reconnect catches up with the new chat, not the ticket.
    await s.server.disconnect();
    await s.server.connect();
    await waitFor(() => expect(s.client.sync).toHaveBeenLastCalledWith(expect.objectContaining({ conversationId: s.server.conversation!.id })));
  });

  it("writes into the ticket's thread only once the visitor chose Reply to this ticket", async () => {
    const s = setup();
    const ticketId = await ticketChat(s);
    await s.server.update({ ticketStatus: 'resolved' });
    fireEvent.click(button('Reply to this ticket'));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Message' })));
    send('It broke again');
    await waitFor(() => expect(s.client.send).toHaveBeenCalledWith(expect.objectContaining({ conversationId: ticketId, text: 'It broke again' })));
    expect(s.client.start).toHaveBeenCalledTimes(1);

    // A closed ticket takes no reply: only a new conversation.
    await s.server.update({ ticketStatus: 'closed' });
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
    expect(screen.getByText('This ticket is closed. Start a new conversation to write to us.')).toBeTruthy();
    expect(button('Start a new conversation')).toBeTruthy();
  });

  it("the page's showNewMessage opens a new conversation with the text, not a reply in the ticket", async () => {
    const s = setup();
    await ticketChat(s);
    fireEvent.click(button('Your conversations'));
    await screen.findByRole('list', { name: 'Your conversations' });
    await s.command({ kind: 'show', text: 'About order 42' });
    const box = (await screen.findByRole('textbox', { name: 'Message' })) as HTMLTextAreaElement;
    await waitFor(() => expect(box.value).toBe('About order 42'));
    expect(within(log()).queryByText('Let me check')).toBeNull();
    fireEvent.click(button('Send'));
    await waitFor(() => expect(s.client.start).toHaveBeenCalledTimes(2));
    expect(s.client.send).not.toHaveBeenCalled();
  });

  it('offers Start a new conversation after an ended chat too', async () => {
    const s = setup();
    await s.server.connect();
    await s.open();
    send('Hello');
    await waitFor(() => expect(s.server.messages).toHaveLength(1));
    await s.server.update({ status: 'ended' });
    fireEvent.click(button('Start a new conversation'));
    expect(within(log()).queryByText('Hello')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Start a new conversation' })).toBeNull();
  });
});

describe('Your conversations', () => {
  it('lists every conversation with its status, number, last message and unread count; opens one; Back returns to the list', async () => {
    const s = setup();
    const ticketId = await ticketChat(s);
    await s.server.update({ ticketStatus: 'resolved' });
    fireEvent.click(button('Start a new conversation'));
    send('Second question');
    await waitFor(() => expect(s.client.start).toHaveBeenCalledTimes(2));
    // Alice replies in the ticket while the visitor is in the new chat: it stays there, unread,
    // and the page's unread count has it before the list was ever opened.
    await s.server.replyIn(ticketId, 'Could you send a screenshot?');
    expect(within(log()).queryByText('Could you send a screenshot?')).toBeNull();
    await waitFor(() => expect(s.frame.unread).toHaveBeenLastCalledWith(1));
    // And the chat says so beside the list's button.
    expect(button('Your conversations').parentElement!.textContent).toBe('Your conversations1 unread');

    fireEvent.click(button('Your conversations'));
    const list = await screen.findByRole('list', { name: 'Your conversations' });
    const items = within(list).getAllByRole('button');
    expect(items.map((b) => b.textContent)).toEqual(['Chat · WaitingSecond question', 'Ticket #1001 · Resolved1 unreadCould you send a screenshot?']);
    await waitFor(() => expect(s.frame.unread).toHaveBeenLastCalledWith(1));

    // A live reply to the older conversation shows up in the list at once.
    await s.server.replyIn(ticketId, 'Or a video');
    expect(within(list).getByRole('button', { name: /Ticket #1001/ }).textContent).toBe('Ticket #1001 · Resolved2 unreadOr a video');

    fireEvent.click(within(list).getByRole('button', { name: /Ticket #1001/ }));
    expect(await within(log()).findByText('Or a video')).toBeTruthy();
    expect(within(log()).getByText('My export is broken')).toBeTruthy();
    expect(within(log()).queryByText('Second question')).toBeNull();
    expect(screen.getByText('Ticket #1001 · Resolved')).toBeTruthy();
    // On screen, so read: the server is told, and nothing is unread any more.
    await waitFor(() => expect(s.client.read).toHaveBeenCalledWith({ conversationId: ticketId, seq: s.server.messages.at(-1)!.seq }));
    await waitFor(() => expect(s.frame.unread).toHaveBeenLastCalledWith(0));

    fireEvent.click(button('Back'));
    const again = await screen.findByRole('list', { name: 'Your conversations' });
    await waitFor(() => expect(within(again).getByRole('button', { name: /Ticket #1001/ }).textContent).toBe('Ticket #1001 · ResolvedOr a video'));
    fireEvent.click(within(again).getByRole('button', { name: /Second question/ }));
    expect(await within(log()).findByText('Second question')).toBeTruthy();
    expect(button('Back')).toBeTruthy();
  });

  it('says when there is nothing yet, and its Start a new conversation opens an empty chat', async () => {
    const s = setup();
    await s.server.connect();
    await s.open();
    fireEvent.click(await screen.findByRole('button', { name: 'Your conversations' }));
    expect(await screen.findByText('No conversations yet.')).toBeTruthy();
    fireEvent.click(button('Start a new conversation'));
    expect(await screen.findByRole('textbox', { name: 'Message' })).toBeTruthy();
    expect(button('Your conversations')).toBeTruthy();
  });
});
