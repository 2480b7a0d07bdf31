import { describe, expect, it, vi } from 'vitest';
import { createFrameBridge } from './frame.ts';

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
  it('posts ready and resize to the host origin only', () => {
    const { win, parent } = frameWindow();
    const bridge = createFrameBridge(HOST, win);
    bridge.ready();
    bridge.resize(true);
    expect(parent.postMessage).toHaveBeenNthCalledWith(1, { kamflo: 'ready' }, HOST);
    expect(parent.postMessage).toHaveBeenNthCalledWith(2, { kamflo: 'resize', open: true }, HOST);
  });

  it('takes commands only from the parent window on the host origin', () => {
    const { win, send } = frameWindow();
    const handler = vi.fn();
    const stop = createFrameBridge(HOST, win).onCommand(handler);

    send({ kamflo: 'open' }, 'https://evil.example');
    send({ kamflo: 'open' }, HOST, {});
    send({ kamflo: 'explode' });
    expect(handler).not.toHaveBeenCalled();

    send({ kamflo: 'open' });
    send({ kamflo: 'close' });
    expect(handler.mock.calls).toEqual([['open'], ['close']]);

    stop();
    send({ kamflo: 'open' });
    expect(handler).toHaveBeenCalledTimes(2);
  });
});
