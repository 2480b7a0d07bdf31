import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const SERVER = 'https://support.example.com';
type Win = Window & { Kamflo?: ((c: string) => void) & { q?: unknown[] } };
const w = window as Win;

/** Runs widget.js as a page would: a fresh module evaluation per call. */
async function loadWidget() {
  vi.resetModules();
  await import('./loader.ts');
}

function addScript(attrs: Record<string, string>) {
  const s = document.createElement('script');
  for (const [k, v] of Object.entries(attrs)) s.setAttribute(k, v);
  document.head.appendChild(s);
}

const frames = () => [...document.querySelectorAll('iframe')];

function message(data: unknown, init: { origin?: string; source?: Window | null } = {}) {
  window.dispatchEvent(new MessageEvent('message', { data, origin: SERVER, source: frames()[0]!.contentWindow, ...init }));
}

beforeEach(() => {
  delete w.Kamflo;
  localStorage.clear();
  document.head.innerHTML = '';
  document.body.innerHTML = '';
});
afterEach(() => vi.restoreAllMocks());

describe('widget.js', () => {
  it('defines window.Kamflo and creates exactly one iframe on the server origin', async () => {
    addScript({ src: `${SERVER}/widget.js`, 'data-site': 'acme', async: '' });
    await loadWidget();
    expect(typeof w.Kamflo).toBe('function');
    expect(frames()).toHaveLength(1);

    const f = frames()[0]!;
    expect(f.title).toBe('Kamflo chat');
    const [src, fragment] = f.src.split('#');
    expect(src).toBe(`${SERVER}/widget/frame.html?site=acme&host=${encodeURIComponent(location.origin)}&page=${encodeURIComponent(location.href)}`);
    expect(JSON.parse(decodeURIComponent(fragment!))).toEqual({});
    expect(f.style.position).toBe('fixed');
    expect(f.style.getPropertyPriority('position')).toBe('important');
    expect(f.style.zIndex).toBe('2147483647');
    expect([f.style.width, f.style.height]).toEqual(['88px', '88px']);

    // The script twice on a page: still one widget.
    await loadWidget();
    expect(frames()).toHaveLength(1);
  });

  it('uses the default site without data-site', async () => {
    addScript({ src: `${SERVER}/widget.js` });
    await loadWidget();
    expect(new URL(frames()[0]!.src).searchParams.get('site')).toBe('default');
  });

  it('resizes only for messages from its own frame on the server origin', async () => {
    addScript({ src: `${SERVER}/widget.js` });
    await loadWidget();
    const f = frames()[0]!;
    const size = () => [f.style.width, f.style.height];

    message({ kamflo: 'resize', open: true }, { origin: 'https://evil.example' });
    expect(size()).toEqual(['88px', '88px']);
    message({ kamflo: 'resize', open: true }, { source: window });
    expect(size()).toEqual(['88px', '88px']);

    message({ kamflo: 'resize', open: true });
    expect(size()).toEqual([`${Math.min(400, innerWidth)}px`, `${Math.min(640, innerHeight)}px`]);
    message({ kamflo: 'resize', open: false });
    expect(size()).toEqual(['88px', '88px']);
  });

  it('queues commands until the frame is ready, then posts them to the server origin only', async () => {
    addScript({ src: `${SERVER}/widget.js` });
    await loadWidget();
    const post = vi.spyOn(frames()[0]!.contentWindow!, 'postMessage').mockImplementation(() => {});

    w.Kamflo!('open');
    expect(post).not.toHaveBeenCalled();
    message({ kamflo: 'ready' }, { origin: 'https://evil.example' });
    expect(post).not.toHaveBeenCalled();

    message({ kamflo: 'ready' });
    expect(post).toHaveBeenCalledWith({ kamflo: 'open' }, SERVER);
    w.Kamflo!('close');
    expect(post).toHaveBeenLastCalledWith({ kamflo: 'close' }, SERVER);
  });

  it('takes over commands a page queued before the script loaded', async () => {
    w.Kamflo = Object.assign(() => {}, { q: ['open'] });
    addScript({ src: `${SERVER}/widget.js` });
    await loadWidget();
    const post = vi.spyOn(frames()[0]!.contentWindow!, 'postMessage').mockImplementation(() => {});
    message({ kamflo: 'ready' });
    expect(post).toHaveBeenCalledWith({ kamflo: 'open' }, SERVER);
  });

  it("keeps the frame's kamflo: keys in the page's storage for it, when its own is denied", async () => {
    localStorage.setItem('kamflo:visitor:default', '{"token":"t","visitorId":"v"}');
    localStorage.setItem('other', 'not for the widget');
    addScript({ src: `${SERVER}/widget.js` });
    await loadWidget();
    expect(JSON.parse(decodeURIComponent(frames()[0]!.src.split('#')[1]!))).toEqual({
      'kamflo:visitor:default': '{"token":"t","visitorId":"v"}',
    });

    message({ kamflo: 'set', k: 'kamflo:outbox:default', v: '[]' });
    expect(localStorage.getItem('kamflo:outbox:default')).toBe('[]');
    message({ kamflo: 'set', k: 'kamflo:visitor:default', v: null });
    expect(localStorage.getItem('kamflo:visitor:default')).toBeNull();
    // Only its own keys, only from its own frame.
    message({ kamflo: 'set', k: 'other', v: 'overwritten' });
    message({ kamflo: 'set', k: 'kamflo:x', v: 'evil' }, { origin: 'https://evil.example' });
    expect(localStorage.getItem('other')).toBe('not for the widget');
    expect(localStorage.getItem('kamflo:x')).toBeNull();
  });

  it('never throws into the page, even when it cannot find its script', async () => {
    await expect(loadWidget()).resolves.toBeUndefined();
    expect(typeof w.Kamflo).toBe('function');
    expect(() => w.Kamflo!('open')).not.toThrow();
    expect(frames()).toHaveLength(0);
  });
});
