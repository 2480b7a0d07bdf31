import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';

const SERVER = 'https://support.example.com';
type Api = ((...args: unknown[]) => void) & { q?: unknown[]; l?: 1 };
const w = window as unknown as { Kamflo?: Api };
const Kamflo = (...args: unknown[]) => w.Kamflo!(...args);

/** Runs widget.js as a page would: a fresh module evaluation per call. */
async function loadWidget() {
  vi.resetModules();
  await import('./loader.ts');
}

function addScript(attrs: Record<string, string> = {}) {
  const s = document.createElement('script');
  s.setAttribute('src', `${SERVER}/widget.js`);
  for (const [k, v] of Object.entries(attrs)) s.setAttribute(k, v);
  document.head.appendChild(s);
}

/** The shadow root widget.js draws into. */
const root = () => [...document.body.children].find((el) => el.shadowRoot)?.shadowRoot ?? null;
const launcher = () => root()?.querySelector('button') ?? null;
const frames = () => [...(root()?.querySelectorAll('iframe') ?? [])];
/**
 * The frame, with a stand-in window: jsdom gives frames in a shadow root no window of their own
 * (browsers do), and the loader only needs one to post to and to compare message sources with.
 */
const frame = (i = 0) => {
  const f = frames()[i]!;
  if (!f.contentWindow) Object.defineProperty(f, 'contentWindow', { value: { postMessage: () => {} } as unknown as Window });
  return f;
};
const query = (f = frame()) => new URL(f.src).searchParams;
const fragment = (f = frame()) => JSON.parse(decodeURIComponent(f.src.split('#')[1]!));
const shown = (f = frame()) => f.style.display !== 'none';

function message(data: unknown, init: { origin?: string; source?: Window | null } = {}) {
  window.dispatchEvent(new MessageEvent('message', { data, origin: SERVER, source: frame().contentWindow, ...init }));
}
/** The frame has loaded: it says ready; returns the spy on what the loader posts to it. */
function frameReady(f = frame()) {
  const post = vi.spyOn(f.contentWindow!, 'postMessage').mockImplementation(() => {});
  message({ kamflo: 'ready' }, { source: f.contentWindow });
  return post;
}

let errors: MockInstance<Console['error']>;
beforeEach(() => {
  delete w.Kamflo;
  localStorage.clear();
  document.head.innerHTML = '';
  document.body.innerHTML = '';
  errors = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});
const errorText = () => errors.mock.calls.map((c: unknown[]) => String(c[0]));

describe('the first page view', () => {
  it('draws only the launcher, in a shadow root: no frame until the visitor shows intent', async () => {
    addScript({ 'data-site': 'acme', async: '' });
    await loadWidget();
    expect(typeof w.Kamflo).toBe('function');
    const button = launcher()!;
    expect(button.getAttribute('aria-label')).toBe('Chat');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(frames()).toHaveLength(0);
    expect(document.querySelectorAll('iframe')).toHaveLength(0);
    // Inside a shadow root: page selectors cannot reach the button.
    expect(document.querySelector('button')).toBeNull();

    // The script twice on a page: still one widget.
    await loadWidget();
    expect(document.body.querySelectorAll('div')).toHaveLength(1);
    expect(errors).not.toHaveBeenCalled();
  });

  it('prefetches the frame on hover or focus, hidden, without connecting', async () => {
    addScript({ 'data-site': 'acme' });
    await loadWidget();
    launcher()!.dispatchEvent(new Event('pointerenter'));
    expect(frames()).toHaveLength(1);
    expect(shown()).toBe(false);
    const f = frame();
    expect(f.src.startsWith(`${SERVER}/widget/frame.html?`)).toBe(true);
    expect(Object.fromEntries(query())).toEqual({ site: 'acme', host: location.origin, page: location.href, l: 'en' });
    expect(fragment()).toEqual({ k: {} });
    expect(f.title).toBe('Chat');
    // Focus again, or hover again: still that one frame.
    launcher()!.dispatchEvent(new Event('focus'));
    expect(frames()).toEqual([f]);
  });

  it('opens on a click: shows the frame above the launcher and asks it to open once it is ready', async () => {
    addScript();
    await loadWidget();
    launcher()!.click();
    expect(frames()).toHaveLength(1);
    expect(shown()).toBe(true);
    expect(frame().style.bottom).toBe('72px');
    expect(launcher()!.getAttribute('aria-expanded')).toBe('true');
    const post = frameReady();
    expect(post).toHaveBeenCalledWith({ kamflo: ['open'] }, SERVER);

    // The launcher again closes, through the frame, which says so.
    launcher()!.click();
    expect(post).toHaveBeenLastCalledWith({ kamflo: ['close'] }, SERVER);
    message({ kamflo: 'close' });
    expect(shown()).toBe(false);
    expect(launcher()!.getAttribute('aria-expanded')).toBe('false');
  });

  it('connects at once when the frame left the hint of a conversation in progress', async () => {
    localStorage.setItem('kamflo:hint:acme', 'live');
    addScript({ 'data-site': 'acme' });
    await loadWidget();
    expect(frames()).toHaveLength(1);
    expect(query().get('c')).toBe('1');
    expect(shown()).toBe(false);

    document.body.innerHTML = '';
    localStorage.setItem('kamflo:hint:acme', 'idle');
    await loadWidget();
    expect(frames()).toHaveLength(0);
  });

  it("passes the page's kamflo: keys to the frame when its own storage is denied, and keeps what it sends back", async () => {
    localStorage.setItem('kamflo:visitor:default', '{"token":"t","visitorId":"v"}');
    localStorage.setItem('other', 'not for the widget');
    addScript();
    await loadWidget();
    Kamflo('open');
    expect(fragment().k).toEqual({ 'kamflo:visitor:default': '{"token":"t","visitorId":"v"}' });

    message({ kamflo: 'set', k: 'kamflo:outbox:default', v: '[]' });
    expect(localStorage.getItem('kamflo:outbox:default')).toBe('[]');
    message({ kamflo: 'set', k: 'kamflo:visitor:default', v: null });
    expect(localStorage.getItem('kamflo:visitor:default')).toBeNull();
    // Only its own keys, only from its own frame.
    message({ kamflo: 'set', k: 'other', v: 'overwritten' });
    message({ kamflo: 'set', k: 'kamflo:x', v: 'evil' }, { origin: 'https://evil.example' });
    message({ kamflo: 'set', k: 'kamflo:x', v: 'evil' }, { source: window });
    expect(localStorage.getItem('other')).toBe('not for the widget');
    expect(localStorage.getItem('kamflo:x')).toBeNull();
  });

  it('takes messages only from its own frame on the server origin', async () => {
    addScript();
    await loadWidget();
    Kamflo('open');
    const post = vi.spyOn(frame().contentWindow!, 'postMessage').mockImplementation(() => {});
    message({ kamflo: 'ready' }, { origin: 'https://evil.example' });
    message({ kamflo: 'ready' }, { source: window });
    expect(post).not.toHaveBeenCalled();
    message({ kamflo: 'close' }, { origin: 'https://evil.example' });
    expect(shown()).toBe(true);
  });
});

describe('the page API', () => {
  it('boot: site, locale, the user (to the frame, in the fragment) and the page', async () => {
    addScript({ 'data-boot': 'manual' });
    await loadWidget();
    expect(launcher()).toBeNull();
    const user = { id: 'u1', email: 'u1@example.com', name: 'Una', hash: 'abc' };
    Kamflo('boot', { site: 'shop', locale: 'ar-EG', user, page: 'https://shop.example/p' });
    expect(launcher()!.getAttribute('aria-label')).toBe('الدردشة');
    Kamflo('open');
    expect(Object.fromEntries(query())).toMatchObject({ site: 'shop', l: 'ar', page: 'https://shop.example/p' });
    expect(fragment().u).toEqual(user);
    expect(errors).not.toHaveBeenCalled();
  });

  it("picks the browser's language when the page asks for one we don't have", async () => {
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('fr-CA');
    addScript({ 'data-boot': 'manual' });
    await loadWidget();
    Kamflo('boot', { locale: 'pt-BR' });
    Kamflo('open');
    expect(query().get('l')).toBe('fr');
  });

  it('boot with hideLauncher draws nothing; the page opens the widget, in the corner', async () => {
    addScript({ 'data-boot': 'manual' });
    await loadWidget();
    Kamflo('boot', { hideLauncher: true });
    expect(launcher()).toBeNull();
    expect(frames()).toHaveLength(0);
    Kamflo('open');
    expect(shown()).toBe(true);
    expect(frame().style.bottom).toBe('0px');
  });

  it('booting again replaces the widget', async () => {
    addScript();
    await loadWidget();
    Kamflo('open');
    const first = frame();
    Kamflo('boot', { site: 'other' });
    expect(first.isConnected).toBe(false);
    expect(frames()).toHaveLength(0);
    expect(root()!.querySelectorAll('button')).toHaveLength(1);
    Kamflo('open');
    expect(query().get('site')).toBe('other');
  });

  it('runs the calls a page queued before the script loaded, in order; a queued boot replaces the automatic one', async () => {
    // The snippet the README gives pages, which queues `arguments` objects.
    const queued: unknown[] = [];
    const stub: Api = Object.assign(
      function (this: unknown) {
        // biome-ignore lint/complexity/noArguments: the documented snippet queues `arguments`, as old pages do.
        queued.push(arguments);
      },
      { q: queued },
    );
    w.Kamflo = stub;
    const ready = vi.fn();
    Kamflo('on', 'ready', ready);
    Kamflo('boot', { site: 'queued', hideLauncher: true });
    Kamflo('showNewMessage', 'Hello from the page');
    addScript({ 'data-site': 'ignored' });
    await loadWidget();
    expect(w.Kamflo).not.toBe(stub);
    expect(launcher()).toBeNull();
    expect(query().get('site')).toBe('queued');
    const post = frameReady();
    expect(post.mock.calls).toEqual([
      [{ kamflo: ['open'] }, SERVER],
      [{ kamflo: ['show', 'Hello from the page'] }, SERVER],
    ]);
    await vi.waitFor(() => expect(ready).toHaveBeenCalledTimes(1));
  });

  it('takes the bare commands older stubs queued', async () => {
    w.Kamflo = Object.assign(() => {}, { q: ['open'] });
    addScript();
    await loadWidget();
    expect(frameReady()).toHaveBeenCalledWith({ kamflo: ['open'] }, SERVER);
  });

  it('open, close and toggle', async () => {
    addScript();
    await loadWidget();
    Kamflo('close'); // nothing open: nothing to do, no frame for it
    expect(frames()).toHaveLength(0);
    Kamflo('toggle');
    const post = frameReady();
    expect(post).toHaveBeenLastCalledWith({ kamflo: ['open'] }, SERVER);
    message({ kamflo: 'open' });
    Kamflo('toggle');
    expect(post).toHaveBeenLastCalledWith({ kamflo: ['close'] }, SERVER);
    message({ kamflo: 'close' });
    Kamflo('open');
    expect(post).toHaveBeenLastCalledWith({ kamflo: ['open'] }, SERVER);
    message({ kamflo: 'open' });
    Kamflo('close');
    expect(post).toHaveBeenLastCalledWith({ kamflo: ['close'] }, SERVER);
  });

  it('update: kept for the frame to come, and passed to a frame that is there', async () => {
    addScript();
    await loadWidget();
    Kamflo('update', { user: { id: 'u9', name: 'Nia' }, page: 'https://shop.example/a' });
    Kamflo('open');
    expect(fragment().u).toEqual({ id: 'u9', name: 'Nia' });
    expect(query().get('page')).toBe('https://shop.example/a');
    const post = frameReady();
    Kamflo('update', { locale: 'de', page: 'https://shop.example/b' });
    expect(post).toHaveBeenLastCalledWith({ kamflo: ['update', { locale: 'de', page: 'https://shop.example/b' }] }, SERVER);
    // The launcher's label and the frame's title follow the language.
    Kamflo('update', { locale: 'ar' });
    expect(launcher()!.getAttribute('aria-label')).toBe('الدردشة');
    expect(frame().title).toBe('الدردشة');
  });

  it("shutdown: forgets the visitor on the page and in the frame's storage, and removes the widget", async () => {
    addScript();
    await loadWidget();
    Kamflo('open');
    const live = frame();
    localStorage.setItem('kamflo:visitor:default', '{"token":"t"}');
    localStorage.setItem('kamflo:hint:default', 'live');
    localStorage.setItem('unrelated', 'stays');
    vi.spyOn(Date, 'now').mockReturnValue(1700000000000);
    Kamflo('shutdown');
    // The page keeps only a new epoch for the site: any frame that remembers another forgets its visitor.
    expect(Object.fromEntries(Object.entries(localStorage))).toEqual({ unrelated: 'stays', 'kamflo:epoch:default': '1700000000000' });
    expect(live.isConnected).toBe(false);
    expect(launcher()).toBeNull();
    // A hidden frame that only clears the frame's own storage.
    expect(frames()).toHaveLength(1);
    expect(query().get('x')).toBe('1');
    expect(shown()).toBe(false);
    expect(fragment().k).toEqual({ 'kamflo:epoch:default': '1700000000000' });

    Kamflo('open');
    expect(errorText()).toEqual(["Kamflo: open: call Kamflo('boot') first"]);
    // Boot again (the next user): a new launcher; the clearing frame is left to finish.
    Kamflo('boot');
    expect(launcher()).not.toBeNull();
    expect(frames()).toHaveLength(1);
  });

  it('shutdown on a page where the visitor never opened the widget loads nothing', async () => {
    addScript();
    await loadWidget();
    Kamflo('shutdown');
    expect(frames()).toHaveLength(0);
    expect(launcher()).toBeNull();
  });

  it('on and off: ready (also when added late), open, close and unread, which the launcher shows', async () => {
    addScript({ 'data-boot': 'manual' });
    await loadWidget();
    const seen: string[] = [];
    const on = (event: string) => (v?: number) => seen.push(v === undefined ? event : `${event}:${v}`);
    const handlers = { ready: on('ready'), open: on('open'), close: on('close'), unread: on('unread') };
    for (const [event, fn] of Object.entries(handlers)) Kamflo('on', event, fn);
    Kamflo('boot');
    await vi.waitFor(() => expect(seen).toEqual(['ready']));
    const late = vi.fn();
    Kamflo('on', 'ready', late);
    await vi.waitFor(() => expect(late).toHaveBeenCalledTimes(1));

    Kamflo('open');
    message({ kamflo: 'open' });
    message({ kamflo: 'close' });
    message({ kamflo: 'unread', n: 3 });
    await vi.waitFor(() => expect(seen).toEqual(['ready', 'open', 'close', 'unread:3']));
    const badge = launcher()!.querySelector('span')!;
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe('3');
    message({ kamflo: 'unread', n: 0 });
    expect(badge.hidden).toBe(true);

    Kamflo('off', 'open', handlers.open);
    message({ kamflo: 'open' });
    await vi.waitFor(() => expect(seen).toEqual(['ready', 'open', 'close', 'unread:3', 'unread:0']));
    expect(errors).not.toHaveBeenCalled();
  });

  it('a listener that throws is the page’s own error: the widget goes on', async () => {
    addScript();
    await loadWidget();
    const after = vi.fn();
    const thrown: unknown[] = [];
    const onError = (e: ErrorEvent) => {
      thrown.push(e.error);
      e.preventDefault();
    };
    window.addEventListener('error', onError);
    vi.useFakeTimers();
    Kamflo('on', 'open', () => {
      throw new Error('page bug');
    });
    Kamflo('on', 'open', after);
    Kamflo('open');
    expect(() => message({ kamflo: 'open' })).not.toThrow();
    expect(() => vi.runAllTimers()).toThrow('page bug');
    vi.runAllTimers();
    expect(after).toHaveBeenCalledTimes(1);
    window.removeEventListener('error', onError);
  });

  it('moves focus into the frame when it opens, and back to the launcher when it closes from inside', async () => {
    addScript();
    await loadWidget();
    launcher()!.click();
    message({ kamflo: 'open' });
    expect(root()!.activeElement).toBe(frame());
    message({ kamflo: 'close' });
    expect(root()!.activeElement).toBe(launcher());
  });
});

describe('errors in the page’s calls', () => {
  it('are reported on the console with what is wrong, and never throw', async () => {
    addScript({ 'data-boot': 'manual' });
    await loadWidget();
    const calls: unknown[][] = [
      ['bot'],
      ['boot', 'acme'],
      ['boot', { sight: 'acme' }],
      ['boot', { hideLauncher: 'yes' }],
      ['boot', { user: 'u1' }],
      ['boot', { user: { email: 'a@b.co' } }],
      ['boot', { user: { id: 7 } }],
      ['boot', { user: { id: 'u1', role: 'admin' } }],
      ['on', 'opened', () => {}],
      ['on', 'open'],
      ['open'],
    ];
    for (const c of calls) expect(() => Kamflo(...c)).not.toThrow();
    expect(errorText()).toEqual([
      'Kamflo: unknown command bot',
      'Kamflo: boot: options must be an object',
      'Kamflo: boot: unknown option sight',
      'Kamflo: boot: hideLauncher must be of type boolean',
      'Kamflo: boot: user must be of type object',
      'Kamflo: boot: user.id is required',
      'Kamflo: boot: user.id must be of type string',
      'Kamflo: boot: unknown option user.role',
      'Kamflo: on: expected an event (ready,open,close,unread) and a function',
      'Kamflo: on: expected an event (ready,open,close,unread) and a function',
      "Kamflo: open: call Kamflo('boot') first",
    ]);
    // None of the bad boots booted.
    expect(launcher()).toBeNull();

    errors.mockClear();
    Kamflo('boot');
    Kamflo('update', { locale: 5 });
    Kamflo('update', null);
    Kamflo('showNewMessage', { text: 'x' });
    expect(errorText()).toEqual([
      'Kamflo: update: locale must be of type string',
      'Kamflo: update: options must be an object',
      'Kamflo: showNewMessage: expected the message text',
    ]);
    expect(frames()).toHaveLength(0);
  });

  it('never throws into the page, even when it cannot find its script', async () => {
    await expect(loadWidget()).resolves.toBeUndefined();
    expect(typeof w.Kamflo).toBe('function');
    expect(() => Kamflo('open')).not.toThrow();
    expect(() => Kamflo('boot')).not.toThrow();
    expect(frames()).toHaveLength(0);
    expect(errorText()[0]).toBe('Kamflo: cannot find the widget.js script tag');
  });
});
