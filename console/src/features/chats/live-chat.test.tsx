import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import type { ConversationDto } from '@kamflo/shared';
import { Shell } from '../shell/Shell.tsx';
import { createConsoleApp, renderWith, selectOption, type TestApp } from '../../test/render.tsx';
import { agent, conversation, fail, iso, lead, message, ok, presence, request } from '../../test/fakes.ts';
import { MUTE_KEY, resetAudioForTests } from './offer-alert.ts';

const renderConsole = (app: TestApp) => renderWith(app, <Shell />);
const requestsRegion = () => screen.getByRole('region', { name: 'Incoming requests' });
const queueRegion = () => screen.getByRole('region', { name: 'Queue' });
const myChats = () => screen.getByRole('region', { name: 'My chats' });
const log = () => screen.getByRole('log', { name: 'Conversation' });

beforeEach(() => localStorage.clear());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  resetAudioForTests();
});

/** Renders the console with one active chat open (messages 1 and 3 from the visitor). */
async function openChat(app: TestApp, chat: ConversationDto = conversation(), messages = [message(1), message(3)]) {
  app.realtime.responders['chat:list'] = () => ok({ chats: [chat], requests: [] });
  app.realtime.responders['chat:sync'] = () => ok({ conversation: chat, messages });
  renderConsole(app);
  fireEvent.click(await within(myChats()).findByRole('button', { name: new RegExp(chat.visitorName) }));
  await within(log()).findByText(messages.at(-1)!.text);
  return chat;
}

describe('Offers', () => {
  it('counts down to offerExpiresAt every second and shows a transfer note', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const app = createConsoleApp();
    renderConsole(app);
    act(() =>
      app.realtime.serverEmit('chat:requests', [request({ offerExpiresAt: iso(12_000), transferNote: 'Customer on legacy plan', transferFrom: 'Ann Agent' })]),
    );

    const offer = within(requestsRegion()).getByRole('listitem');
    expect(within(offer).getByText('12 s to answer')).toBeTruthy();
    expect(within(offer).getByText(/From Ann Agent: Customer on legacy plan/)).toBeTruthy();
    expect(within(offer).getByText('My payment failed at checkout')).toBeTruthy();
    expect(within(offer).getByRole('link', { name: 'shop.example.com/checkout' })).toBeTruthy();

    app.clock.now += 1000;
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(within(offer).getByText('11 s to answer')).toBeTruthy();

    app.clock.now += 30_000;
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(within(offer).getByText('0 s to answer')).toBeTruthy();
  });

  it('only shows a javascript: page as text, never as a link', () => {
    const app = createConsoleApp();
    renderConsole(app);
    act(() => app.realtime.serverEmit('chat:requests', [request({ page: 'javascript:alert(1)' })]));
    expect(within(requestsRegion()).queryByRole('link')).toBeNull();
    expect(within(requestsRegion()).getByText('javascript:alert(1)')).toBeTruthy();
  });
});

describe('Queue', () => {
  const older = request({ conversationId: 'a'.repeat(24), visitorName: 'Visitor aaaa', state: 'queued', waitingSince: iso(-300_000) });
  const newer = request({ conversationId: 'b'.repeat(24), visitorName: 'Visitor bbbb', state: 'queued', waitingSince: iso(-10_000) });

  it('lists queued chats oldest first, apart from offers, each with Take', async () => {
    const app = createConsoleApp();
    const taken = conversation({ id: older.conversationId, visitorName: 'Visitor aaaa' });
    app.realtime.responders['chat:take'] = () => ok(taken);
    app.realtime.responders['chat:sync'] = () => ok({ conversation: taken, messages: [] });
    renderConsole(app);
    act(() => app.realtime.serverEmit('chat:requests', [newer, request(), older]));

    const items = within(queueRegion()).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.request-name')!.textContent)).toEqual(['Visitor aaaa', 'Visitor bbbb']);
    expect(within(queueRegion()).queryByText('Visitor 1a2b')).toBeNull();
    expect(within(queueRegion()).queryByRole('button', { name: /Accept/ })).toBeNull();

    fireEvent.click(within(queueRegion()).getByRole('button', { name: 'Take chat from Visitor aaaa' }));
    await waitFor(() => expect(app.realtime.emittedOf('chat:take')).toEqual([{ conversationId: older.conversationId }]));
    expect(await screen.findByRole('region', { name: 'Chat with Visitor aaaa' })).toBeTruthy();
  });

  it('says another agent already has the chat, and follows the next snapshot', async () => {
    const app = createConsoleApp();
    app.realtime.responders['chat:take'] = () => fail('already_taken', 'Taken.');
    renderConsole(app);
    act(() => app.realtime.serverEmit('chat:requests', [older, newer]));

    fireEvent.click(within(queueRegion()).getByRole('button', { name: 'Take chat from Visitor aaaa' }));

    const alert = await within(queueRegion()).findByRole('alert');
    expect(alert.textContent).toContain('Another agent already has this chat');
    expect(within(queueRegion()).queryByText('Visitor aaaa')).toBeNull();

    act(() => app.realtime.serverEmit('chat:requests', [newer, request({ conversationId: 'c'.repeat(24), visitorName: 'Visitor cccc', state: 'queued' })]));
    const names = within(queueRegion())
      .getAllByRole('listitem')
      .map((li) => li.querySelector('.request-name')!.textContent);
    expect(names.sort()).toEqual(['Visitor bbbb', 'Visitor cccc']);
  });

  it('lets a team lead assign a queued chat to an online agent; plain agents get no Assign', async () => {
    const app = createConsoleApp({ state: { agent: lead } });
    const bob = presence();
    app.realtime.responders['presence:list'] = () => ok([bob, presence({ id: lead.id, name: lead.name, role: 'team_lead' })]);
    app.realtime.responders['chat:assign'] = () => ok(conversation({ id: older.conversationId, assignee: { id: bob.id, name: bob.name } }));
    app.realtime.responders['chat:list'] = () => ok({ chats: [], requests: [older] });
    renderConsole(app);

    const select = () => within(queueRegion()).getByRole('combobox', { name: 'Assign chat from Visitor aaaa to' });
    await waitFor(() => expect(within(select()).getByRole('option', { name: /Bob Agent/ })).toBeTruthy());
    selectOption(select(), bob.id);
    fireEvent.click(within(queueRegion()).getByRole('button', { name: 'Assign chat from Visitor aaaa' }));

    await waitFor(() => expect(app.realtime.emittedOf('chat:assign')).toEqual([{ conversationId: older.conversationId, agentId: bob.id }]));
    expect(await screen.findByText('Chat from Visitor 1a2b assigned to Bob Agent')).toBeTruthy();
  });

  it('shows no Assign control to a plain agent', () => {
    const app = createConsoleApp();
    renderConsole(app);
    act(() => app.realtime.serverEmit('chat:requests', [older]));
    expect(within(queueRegion()).queryByRole('button', { name: /Assign/ })).toBeNull();
    expect(app.realtime.emittedOf('presence:list')).toEqual([]);
  });
});

describe("The visitor's page", () => {
  it('follows the visitor as they move to another page', async () => {
    const app = createConsoleApp();
    const chat = await openChat(app);
    const region = screen.getByRole('region', { name: `Chat with ${chat.visitorName}` });
    expect(within(region).getByRole('link', { name: 'shop.example.com/checkout' })).toBeTruthy();
    act(() => app.realtime.serverEmit('chat:page', { conversationId: chat.id, page: 'https://shop.example.com/thanks' }));
    expect(within(region).getByRole('link', { name: 'shop.example.com/thanks' })).toBeTruthy();
    expect(within(region).queryByRole('link', { name: 'shop.example.com/checkout' })).toBeNull();
  });
});

describe("The visitor's language", () => {
  it("shows the widget's language the visitor chats in, and none when the widget did not say", async () => {
    const app = createConsoleApp();
    const chat = await openChat(app, conversation({ locale: 'de' }));
    const region = screen.getByRole('region', { name: `Chat with ${chat.visitorName}` });
    expect(within(region).getByText('Language: German (de)')).toBeTruthy();
  });

  it('says nothing of a language it was not told', async () => {
    const app = createConsoleApp();
    const chat = await openChat(app);
    const region = screen.getByRole('region', { name: `Chat with ${chat.visitorName}` });
    expect(within(region).queryByText(/Language:/)).toBeNull();
  });
});

describe('Transfer and End chat', () => {
  it('requires a handoff note, then sends the chat back to the queue', async () => {
    const app = createConsoleApp();
    const chat = await openChat(app);
    app.realtime.responders['chat:transfer'] = () => ok(conversation({ status: 'queued' }));

    // Nobody else is online: the queue is the only choice.
    app.realtime.responders['presence:list'] = () => ok([presence({ id: agent.id, name: agent.name }), presence({ name: 'Amy Away', status: 'away' })]);
    fireEvent.click(screen.getByRole('button', { name: 'Transfer' }));
    const dialog = screen.getByRole('dialog', { name: 'Transfer chat' });
    await waitFor(() => expect(app.realtime.emittedOf('presence:list')).toHaveLength(1));
    const to = within(dialog).getByRole('combobox', { name: 'Transfer to' });
    expect(
      within(to)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Back to the queue']);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Transfer' }));
    expect((await within(dialog).findByRole('alert')).textContent).toMatch(/handoff note/);
    expect(app.realtime.emittedOf('chat:transfer')).toEqual([]);

    fireEvent.input(within(dialog).getByRole('textbox', { name: 'Handoff note' }), { target: { value: ' Needs billing access ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Transfer' }));

    await waitFor(() => expect(app.realtime.emittedOf('chat:transfer')).toEqual([{ conversationId: chat.id, note: 'Needs billing access' }]));
    // The chat is no longer this agent's.
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Chat with Visitor 1a2b' })).toBeNull());
    expect(screen.getByText('Chat returned to the queue')).toBeTruthy();
  });

  it('a team lead transfers to an online colleague from the presence list', async () => {
    const app = createConsoleApp({ state: { agent: lead } });
    const bob = presence();
    const away = presence({ id: 'f'.repeat(24), name: 'Amy Away', status: 'away' });
    app.realtime.responders['presence:list'] = () => ok([bob, away]);
    app.realtime.responders['chat:transfer'] = () => ok(conversation({ status: 'offered' }));
    const chat = await openChat(app);

    fireEvent.click(screen.getByRole('button', { name: 'Transfer' }));
    const dialog = screen.getByRole('dialog', { name: 'Transfer chat' });
    const to = within(dialog).getByRole('combobox', { name: 'Transfer to' });
    expect(
      within(to)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Back to the queue', 'Bob Agent (1 / 4 chats)']);
    selectOption(to, bob.id);
    fireEvent.input(within(dialog).getByRole('textbox', { name: 'Handoff note' }), { target: { value: 'Promised a callback' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Transfer' }));

    await waitFor(() => expect(app.realtime.emittedOf('chat:transfer')).toEqual([{ conversationId: chat.id, toAgentId: bob.id, note: 'Promised a callback' }]));
  });

  it('a plain agent transfers to an online colleague, loaded when the dialog opens', async () => {
    const app = createConsoleApp();
    const bob = presence();
    app.realtime.responders['presence:list'] = () => ok([bob]);
    app.realtime.responders['chat:transfer'] = () => ok(conversation({ status: 'offered' }));
    const chat = await openChat(app);
    expect(app.realtime.emittedOf('presence:list')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Transfer' }));
    const dialog = screen.getByRole('dialog', { name: 'Transfer chat' });
    const to = within(dialog).getByRole('combobox', { name: 'Transfer to' });
    await waitFor(() =>
      expect(
        within(to)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['Back to the queue', 'Bob Agent (1 / 4 chats)']),
    );
    selectOption(to, bob.id);
    fireEvent.input(within(dialog).getByRole('textbox', { name: 'Handoff note' }), { target: { value: 'Knows billing' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Transfer' }));
    await waitFor(() => expect(app.realtime.emittedOf('chat:transfer')).toEqual([{ conversationId: chat.id, toAgentId: bob.id, note: 'Knows billing' }]));
  });

  it('End chat asks first, then emits chat:end', async () => {
    const app = createConsoleApp();
    const chat = await openChat(app);
    app.realtime.responders['chat:end'] = () => ok(conversation({ status: 'ended' }));

    fireEvent.click(screen.getByRole('button', { name: 'End chat' }));
    expect(app.realtime.emittedOf('chat:end')).toEqual([]);
    const confirm = screen.getByRole('alertdialog', { name: 'End chat' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Keep chatting' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'End chat' }));
    fireEvent.click(within(screen.getByRole('alertdialog', { name: 'End chat' })).getByRole('button', { name: 'End chat' }));

    await waitFor(() => expect(app.realtime.emittedOf('chat:end')).toEqual([{ conversationId: chat.id }]));
    // Ended: no more End chat, Transfer or typing.
    await waitFor(() => expect(screen.queryByRole('button', { name: /End chat/ })).toBeNull());
    expect(screen.queryByRole('button', { name: 'Transfer' })).toBeNull();
    expect((screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).disabled).toBe(true);
  });

  it('shows handoff notes as internal, above the conversation, and the visitor page', async () => {
    const app = createConsoleApp();
    await openChat(app, conversation({ handoffNotes: [{ by: 'Ann', text: 'Customer on legacy plan', at: iso(-60_000) }] }));
    const notes = screen.getByRole('region', { name: 'Handoff notes' });
    expect(within(notes).getByText('Customer on legacy plan')).toBeTruthy();
    expect(within(notes).getByText('Ann')).toBeTruthy();
    expect(within(notes).getByText('Internal')).toBeTruthy();
    expect(notes.compareDocumentPosition(log()) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    const pane = screen.getByRole('region', { name: 'Chat with Visitor 1a2b' });
    expect(within(pane).getByRole('link', { name: 'shop.example.com/checkout' })).toBeTruthy();
  });
});

describe('Typing and read receipts', () => {
  it('shows "Visitor is typing…" from chat:typing and hides it on stop or on their message', async () => {
    const app = createConsoleApp();
    const chat = await openChat(app);
    const typing = () => screen.queryByText('Visitor is typing…');

    act(() => app.realtime.serverEmit('chat:typing', { conversationId: chat.id, typing: true }));
    expect(typing()).toBeTruthy();
    act(() => app.realtime.serverEmit('chat:typing', { conversationId: chat.id, typing: false }));
    expect(typing()).toBeNull();

    act(() => app.realtime.serverEmit('chat:typing', { conversationId: chat.id, typing: true }));
    expect(typing()).toBeTruthy();
    act(() => app.realtime.serverEmit('chat:message', message(4)));
    expect(typing()).toBeNull();

    // Another conversation's visitor typing is not this one's.
    act(() => app.realtime.serverEmit('chat:typing', { conversationId: 'e'.repeat(24), typing: true }));
    expect(typing()).toBeNull();
  });

  it('emits chat:typing true on input at most once per 2 s, false after 3 s idle and on send', async () => {
    const app = createConsoleApp();
    const chat = await openChat(app);
    app.realtime.responders['chat:message'] = () => ok(message(9, { author: 'agent', clientId: 'test-client-1', text: 'Hi there' }));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const box = screen.getByRole('textbox', { name: 'Message' });
    const typed = () => app.realtime.emittedOf('chat:typing').map((t) => t.typing);

    fireEvent.input(box, { target: { value: 'H' } });
    expect(app.realtime.emittedOf('chat:typing')).toEqual([{ conversationId: chat.id, typing: true }]);
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    fireEvent.input(box, { target: { value: 'Hi' } });
    expect(typed()).toEqual([true]); // throttled
    act(() => {
      vi.advanceTimersByTime(1500);
    });
    fireEvent.input(box, { target: { value: 'Hi ' } });
    expect(typed()).toEqual([true, true]); // 2.5 s later: refreshed
    act(() => {
      vi.advanceTimersByTime(2999);
    });
    expect(typed()).toEqual([true, true]);
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(typed()).toEqual([true, true, false]); // 3 s idle

    fireEvent.input(box, { target: { value: 'Hi there' } });
    expect(typed()).toEqual([true, true, false, true]);
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(typed()).toEqual([true, true, false, true, false]);
    act(() => {
      vi.advanceTimersByTime(5000);
    });
    expect(typed()).toEqual([true, true, false, true, false]);
  });

  it('reports the highest seq shown with chat:read, and marks the last agent message Seen', async () => {
    const app = createConsoleApp();
    const agentMsg = message(4, { author: 'agent', authorName: 'Dana Agent', text: 'Checking now' });
    const chat = await openChat(app, conversation(), [message(1), message(3), agentMsg]);

    await waitFor(() => expect(app.realtime.emittedOf('chat:read')).toEqual([{ conversationId: chat.id, seq: 4 }]));
    act(() => app.realtime.serverEmit('chat:message', message(6)));
    await waitFor(() =>
      expect(app.realtime.emittedOf('chat:read')).toEqual([
        { conversationId: chat.id, seq: 4 },
        { conversationId: chat.id, seq: 6 },
      ]),
    );

    expect(within(log()).getByText('Sent')).toBeTruthy();
    act(() => app.realtime.serverEmit('chat:read', { conversationId: chat.id, seq: 3 }));
    expect(within(log()).queryByText('Seen')).toBeNull();
    act(() => app.realtime.serverEmit('chat:read', { conversationId: chat.id, seq: 5 }));
    expect(within(log()).getByText('Seen')).toBeTruthy();
    expect(within(log()).queryByText('Sent')).toBeNull();
  });
});

describe('Unread counts', () => {
  it('counts visitor messages for a chat in the background and clears them when it is opened', async () => {
    const app = createConsoleApp();
    const other = conversation({ id: 'd'.repeat(24), visitorName: 'Visitor dddd', createdAt: iso(-500_000) });
    const chat = conversation();
    app.realtime.responders['chat:list'] = () => ok({ chats: [chat, other], requests: [] });
    app.realtime.responders['chat:sync'] = ({ conversationId }) => ok({ conversation: conversationId === other.id ? other : chat, messages: [] });
    renderConsole(app);
    fireEvent.click(await within(myChats()).findByRole('button', { name: /Visitor 1a2b/ }));

    const from = (seq: number) => message(seq, { conversationId: other.id, id: `m-${seq}` });
    act(() => {
      app.realtime.serverEmit('chat:message', from(1));
      app.realtime.serverEmit('chat:message', from(2));
      app.realtime.serverEmit('chat:message', from(2)); // a duplicate is not a new message
      app.realtime.serverEmit('chat:message', from(3));
      app.realtime.serverEmit('chat:message', from(4));
    });
    expect(within(myChats()).getByRole('button', { name: /4\s?unread/ })).toBeTruthy();
    expect(within(myChats()).getByRole('button', { name: /Visitor dddd/ }).textContent).toContain('4 unread');
    // The open chat's own messages are read as they arrive.
    act(() => app.realtime.serverEmit('chat:message', message(5)));
    expect(within(myChats()).queryByRole('button', { name: /1\s?unread/ })).toBeNull();

    fireEvent.click(within(myChats()).getByRole('button', { name: /Visitor dddd/ }));
    await waitFor(() => expect(within(myChats()).queryByRole('button', { name: /unread/ })).toBeNull());
  });
});

describe('New-offer alert', () => {
  function stubAudio() {
    const tones: number[] = [];
    class FakeAudioContext {
      state = 'running';
      currentTime = 0;
      destination = {};
      resume = vi.fn();
      createOscillator() {
        const osc = { type: '', frequency: { value: 0 }, connect: vi.fn(), start: () => tones.push(osc.frequency.value), stop: vi.fn() };
        return osc;
      }
      createGain() {
        return { gain: { setValueAtTime: vi.fn(), exponentialRampToValueAtTime: vi.fn() }, connect: vi.fn() };
      }
    }
    vi.stubGlobal('AudioContext', FakeAudioContext);
    return tones;
  }
  function stubNotification(permission: NotificationPermission) {
    const shown: { title: string; body?: string }[] = [];
    const requestPermission = vi.fn(async () => 'granted' as const);
    class FakeNotification {
      static permission = permission;
      static requestPermission = requestPermission;
      onclick: (() => void) | null = null;
      constructor(title: string, options?: { body?: string }) {
        shown.push({ title, body: options?.body });
      }
      close() {}
    }
    vi.stubGlobal('Notification', FakeNotification);
    return { shown, requestPermission };
  }

  it('rings and shows a notification once per new offer', () => {
    const tones = stubAudio();
    const { shown } = stubNotification('granted');
    const app = createConsoleApp();
    renderConsole(app);

    act(() => app.realtime.serverEmit('chat:requests', [request()]));
    expect(tones.length).toBeGreaterThan(0);
    expect(shown).toEqual([{ title: 'New chat from Visitor 1a2b', body: 'My payment failed at checkout' }]);

    const rung = tones.length;
    act(() => app.realtime.serverEmit('chat:requests', [request(), request({ conversationId: 'e'.repeat(24), state: 'queued' })]));
    expect(tones.length).toBe(rung); // same offer, and queued chats don't ring
    expect(shown).toHaveLength(1);

    // On another page too.
    act(() => app.store.getState().navigate({ view: 'tickets' }));
    act(() => app.realtime.serverEmit('chat:requests', [request(), request({ conversationId: 'f'.repeat(24), visitorName: 'Visitor ffff' })]));
    expect(tones.length).toBeGreaterThan(rung);
    expect(shown.map((n) => n.title)).toEqual(['New chat from Visitor 1a2b', 'New chat from Visitor ffff']);
  });

  it('wakes the (suspended until a gesture) audio on the first click', () => {
    const created: { resume: () => void }[] = [];
    class SuspendedAudioContext {
      state = 'suspended';
      resume = vi.fn();
      constructor() {
        created.push(this);
      }
    }
    vi.stubGlobal('AudioContext', SuspendedAudioContext);
    renderConsole(createConsoleApp());
    expect(created).toEqual([]);

    fireEvent.pointerDown(document.body);
    expect(created).toHaveLength(1);
    expect(created[0]!.resume).toHaveBeenCalledTimes(1);
    fireEvent.pointerDown(document.body);
    expect(created).toHaveLength(1);
  });

  it('asks for notification permission only when the agent clicks', async () => {
    const { requestPermission } = stubNotification('default');
    const app = createConsoleApp();
    renderConsole(app);
    act(() => app.realtime.serverEmit('chat:requests', [request()]));
    expect(requestPermission).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('button', { name: 'Enable desktop alerts' }));
    expect(requestPermission).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Enable desktop alerts' })).toBeNull());
  });

  it('Mute silences alerts and is remembered across reloads', () => {
    const tones = stubAudio();
    const { shown } = stubNotification('granted');
    const app = createConsoleApp();
    const view = renderConsole(app);
    const mute = () => screen.getByRole('button', { name: /Mute/ });
    expect(mute().getAttribute('aria-pressed')).toBe('false');

    fireEvent.click(mute());
    expect(mute().getAttribute('aria-pressed')).toBe('true');
    expect(localStorage.getItem(MUTE_KEY)).toBe('1');
    act(() => app.realtime.serverEmit('chat:requests', [request()]));
    expect(tones).toEqual([]);
    expect(shown).toEqual([]);

    view.unmount();
    const again = createConsoleApp();
    renderConsole(again);
    expect(mute().getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(mute());
    expect(localStorage.getItem(MUTE_KEY)).toBeNull();
    act(() => again.realtime.serverEmit('chat:requests', [request({ conversationId: 'f'.repeat(24) })]));
    expect(shown).toHaveLength(1);
  });
});
