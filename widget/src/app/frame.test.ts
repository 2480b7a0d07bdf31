import { describe, expect, it, vi } from 'vitest';
import { createFrameBridge, readCommand } from './frame.ts';

const HOST = 'https://shop.example';

/** A frame window whose parent is a separate window we can watch. */
function frameWindow() {
  const parent = { postMessage: vi.fn() } as unknown as Window;
  const target = new EventTarget();
  const win = Object.assign(target, { parent }) as unknown as Window;
  const send = (data: unknown, origin = HOST, source: unknown = parent) => target.dispatchEvent(Object.assign(new Event('message'), { data, origin, source }));
  return { win, parent, send };
}

describe('frame bridge', () => {
  it('posts ready, open and close, unread counts and the hint to the host origin only', () => {
    const { win, parent } = frameWindow();
    const bridge = createFrameBridge(HOST, 'acme', win);
    bridge.ready();
    bridge.opened(true);
    bridge.opened(false);
    bridge.unread(2);
    bridge.hint('live');
    bridge.store('kamflo:outbox:acme', '[]');
    expect((parent.postMessage as ReturnType<typeof vi.fn>).mock.calls).toEqual([
      [{ kamflo: 'ready' }, HOST],
      [{ kamflo: 'open' }, HOST],
      [{ kamflo: 'close' }, HOST],
      [{ kamflo: 'unread', n: 2 }, HOST],
      [{ kamflo: 'set', k: 'kamflo:hint:acme', v: 'live' }, HOST],
      [{ kamflo: 'set', k: 'kamflo:outbox:acme', v: '[]' }, HOST],
    ]);
  });

  it('takes commands only from the parent window on the host origin', () => {
    const { win, send } = frameWindow();
    const handler = vi.fn();
    const stop = createFrameBridge(HOST, 'acme', win).onCommand(handler);

    send({ kamflo: ['open'] }, 'https://evil.example');
    send({ kamflo: ['open'] }, HOST, {});
    send({ kamflo: ['explode'] });
    send({ kamflo: 'open' });
    expect(handler).not.toHaveBeenCalled();

    send({ kamflo: ['open'] });
    send({ kamflo: ['close'] });
    send({ kamflo: ['show', 'Hello'] });
    expect(handler.mock.calls).toEqual([[{ kind: 'open' }], [{ kind: 'close' }], [{ kind: 'show', text: 'Hello' }]]);

    stop();
    send({ kamflo: ['open'] });
    expect(handler).toHaveBeenCalledTimes(3);
  });

  it('keeps commands that arrive before the app subscribes, and hands them over in order', () => {
    const { win, send } = frameWindow();
    const bridge = createFrameBridge(HOST, 'acme', win);
    bridge.ready();
    send({ kamflo: ['open'] });
    send({ kamflo: ['show', 'Hi'] });
    const handler = vi.fn();
    bridge.onCommand(handler);
    expect(handler.mock.calls).toEqual([[{ kind: 'open' }], [{ kind: 'show', text: 'Hi' }]]);
  });
});

describe('readCommand', () => {
  it('keeps only well-formed update fields', () => {
    expect(readCommand({ kamflo: ['update', { user: { id: 'u1', email: 'a@b.co' }, locale: 'de', page: 'https://shop.example/cart', extra: 1 }] })).toEqual({
      kind: 'update',
      user: { id: 'u1', email: 'a@b.co' },
      locale: 'de',
      page: 'https://shop.example/cart',
    });
    expect(readCommand({ kamflo: ['update', { user: { email: 'no id' }, locale: 3 }] })).toEqual({ kind: 'update' });
    expect(readCommand({ kamflo: ['update', 'nonsense'] })).toBeNull();
    expect(readCommand({ kamflo: ['show', 42] })).toBeNull();
    expect(readCommand(null)).toBeNull();
  });
});
