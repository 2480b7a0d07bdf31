import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChatStore, linesOf, type ChatStore } from './store.ts';
import { createFakeClient, memoryStorage } from '../test/fake-client.ts';

let n = 0;
const newId = () => `client-${++n}`;
/** Each line's text, and its state when it says one. */
const texts = (store: ChatStore) => linesOf(store.get()).map((l) => [l.text, l.state].filter(Boolean).join(' '));

afterEach(() => vi.useRealTimers());

describe('two tabs of the same visitor', () => {
  // Both share localStorage (the outbox) and the visitor token; the server pushes to every tab.
  function twoTabs() {
    const { client, server } = createFakeClient({ echo: true });
    const storage = memoryStorage();
    const tab = (c = client) => createChatStore({ client: c, storage, site: 'default', newId });
    return { server, storage, tab };
  }

  it('shows a message sent in one tab in the other, once', async () => {
    const { server, tab } = twoTabs();
    const [a, b] = [tab(), tab(server.tab())];
    a.start();
    b.start();
    await server.connect();

    a.send('from tab A');
    await vi.waitFor(() => expect(texts(b)).toEqual(['from tab A sent']));
    expect(texts(a)).toEqual(['from tab A sent']);
    b.send('from tab B');
    await vi.waitFor(() => expect(texts(a)).toEqual(['from tab A', 'from tab B sent']));
    expect(texts(b)).toEqual(['from tab A', 'from tab B sent']);
    expect(server.messages.map((m) => m.text)).toEqual(['from tab A', 'from tab B']);
  });

  it('delivers a shared outbox once, and each tab shows each message once', async () => {
    const { server, storage, tab } = twoTabs();
    storage.set('kamflo:outbox:default', [
      { clientId: 'k1', text: 'one' },
      { clientId: 'k2', text: 'two' },
    ]);
    const [a, b] = [tab(), tab(server.tab())];
    a.start();
    b.start();
    expect(texts(a)).toEqual(['one sending', 'two sending']);
    await server.connect();

    for (const t of [a, b]) await vi.waitFor(() => expect(texts(t)).toEqual(['one', 'two sent']));
    expect(server.messages.map((m) => m.clientId)).toEqual(['k1', 'k2']);
    expect(storage.get('kamflo:outbox:default')).toEqual([]);
  });

  it('keeps and shows what another tab queued while offline, instead of overwriting it', async () => {
    const { server, storage, tab } = twoTabs();
    const [a, b] = [tab(), tab(server.tab())];
    a.start();
    b.start();
    const raw = () => JSON.stringify(storage.get('kamflo:outbox:default'));

    a.send('written in A');
    b.shared(raw()); // the storage event tab B gets
    expect(texts(b)).toEqual(['written in A sending']);
    b.send('written in B');
    a.shared(raw());
    // Neither tab's write dropped the other's message.
    expect(storage.get<{ text: string }[]>('kamflo:outbox:default')!.map((o) => o.text)).toEqual(['written in A', 'written in B']);
    expect(texts(a)).toEqual(['written in A sending', 'written in B sending']);
    b.shared(raw()); // nothing new
    expect(texts(b)).toEqual(['written in A sending', 'written in B sending']);

    await server.connect();
    for (const t of [a, b]) await vi.waitFor(() => expect(texts(t)).toEqual(['written in A', 'written in B sent']));
    expect(server.messages.map((m) => m.text)).toEqual(['written in A', 'written in B']);
    expect(storage.get('kamflo:outbox:default')).toEqual([]);
  });
});

describe('typing', () => {
  it('says "typing" at most every 2.5 s, and "stopped" after 4 s idle or when sent', async () => {
    const { client, server } = createFakeClient();
    const store = createChatStore({ client, storage: memoryStorage(), site: 'default', newId });
    store.start();
    await server.connect();
    store.send('hi');
    await vi.waitFor(() => expect(server.conversation).not.toBeNull());
    await server.update({ status: 'active', agentName: 'Alice' });
    const on = (typing: boolean) => ({ conversationId: server.conversation!.id, typing });

    vi.useFakeTimers();
    store.typing(true);
    vi.advanceTimersByTime(1000);
    store.typing(true);
    expect(client.typing.mock.calls).toEqual([[on(true)]]);
    vi.advanceTimersByTime(1600);
    store.typing(true);
    expect(client.typing.mock.calls).toEqual([[on(true)], [on(true)]]);

    vi.advanceTimersByTime(3900);
    expect(client.typing).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(100);
    expect(client.typing).toHaveBeenLastCalledWith(on(false));
    // Stopped already: no second "stopped", not even when the message goes.
    store.send('hello');
    expect(client.typing).toHaveBeenCalledTimes(3);

    store.typing(true);
    store.send('there');
    expect(client.typing.mock.calls.slice(3)).toEqual([[on(true)], [on(false)]]);
    vi.advanceTimersByTime(10_000);
    expect(client.typing).toHaveBeenCalledTimes(5);
  });
});

describe('the language', () => {
  it("a new chat tells the server the widget's language as it is when the chat starts", async () => {
    const { client, server } = createFakeClient();
    let locale = 'fr';
    const store = createChatStore({ client, storage: memoryStorage(), site: 'default', newId, locale: () => locale });
    store.start();
    await server.connect();
    locale = 'de';
    store.send('Guten Tag');
    await vi.waitFor(() => expect(client.start).toHaveBeenCalled());
    expect(client.start.mock.calls[0]![0]).toMatchObject({ text: 'Guten Tag', locale: 'de' });
  });
});
