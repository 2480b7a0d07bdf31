import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { App, type FrameBridge } from './App.tsx';
import type { FrameCommand } from './frame.ts';
import { createFakeClient, memoryStorage, type FakeArticle } from '../test/fake-client.ts';

const ARTICLES: FakeArticle[] = [
  {
    slug: 'how-do-i-get-a-refund',
    title: 'How do I get a refund?',
    html: '<h1>Refunds</h1><p>Write to <strong>billing</strong>, or see <a href="https://acme.example/terms" rel="noopener noreferrer nofollow">our terms</a>.</p>',
  },
  { slug: 'refund-img', title: 'Refund <img src=x onerror="window.hacked=1"> & more', html: '<p>Text.</p>' },
  { slug: 'reset-password', title: 'Reset your password', html: '<p>From the sign-in page.</p>' },
];

async function setup({ helpCenter = true, user = undefined as Parameters<ReturnType<typeof createFakeClient>['client']['setUser']>[0] } = {}) {
  const fake = createFakeClient({ helpCenter, articles: ARTICLES });
  if (user) fake.client.setUser(user);
  let handler: ((c: FrameCommand) => void) | undefined;
  const frame: FrameBridge = {
    opened: vi.fn(),
    unread: vi.fn(),
    hint: vi.fn(),
    onCommand: (h) => {
      handler = h;
      return () => {};
    },
  };
  render(<App client={fake.client} storage={memoryStorage()} site="default" frame={frame} connect />);
  await fake.server.connect();
  await act(() => handler!({ kind: 'open' }));
  await screen.findByRole('tablist');
  // The status (Help Center on or off) has arrived.
  await waitFor(() => expect(fake.client.status).toHaveBeenCalled());
  await act(() => Promise.resolve());
  return fake;
}
const type = (text: string, name: string) => fireEvent.input(screen.getByRole('textbox', { name }), { target: { value: text } });
const find = (text: string) => fireEvent.input(screen.getByRole('searchbox', { name: 'Search articles' }), { target: { value: text } });
const helpTab = () => fireEvent.click(screen.getByRole('tab', { name: 'Help Center' }));

describe('the Help Center tab', () => {
  it('searches articles and shows the matched words highlighted, as text only', async () => {
    const { client } = await setup();
    helpTab();
    const box = screen.getByRole('searchbox', { name: 'Search articles' });
    // Debounced: quick keystrokes make one search, with the last text.
    for (const v of ['r', 're', 'ref', 'refu']) fireEvent.input(box, { target: { value: v } });
    const results = await screen.findByRole('list', { name: 'Search articles' });
    expect(client.search).toHaveBeenCalledTimes(1);
    expect(client.search.mock.calls[0]![0]).toBe('refu');
    const first = within(results).getByRole('button', { name: 'How do I get a refund?' });
    expect(first.querySelector('mark')?.textContent).toBe('refu');
    // A title holding markup is shown as its text: no element is made from it.
    const hostile = within(results).getByRole('button', { name: 'Refund <img src=x onerror="window.hacked=1"> & more' });
    expect(hostile.querySelector('img')).toBeNull();
    expect(document.querySelector('.kf-results img')).toBeNull();

    fireEvent.input(box, { target: { value: 'zzz' } });
    expect((await screen.findByText('No articles match.')).getAttribute('role')).toBe('status');
  });

  it('a newer query cancels the search still in flight', async () => {
    const { client } = await setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const real = client.search.getMockImplementation()!;
    client.search.mockImplementationOnce(async (q, signal) => {
      await gate;
      return real(q, signal);
    });
    helpTab();
    find('refund');
    await waitFor(() => expect(client.search).toHaveBeenCalledTimes(1));
    find('password');
    await waitFor(() => expect(client.search).toHaveBeenCalledTimes(2));
    expect(client.search.mock.calls[0]![1]!.aborted).toBe(true);
    const results = await screen.findByRole('list', { name: 'Search articles' });
    release();
    await act(() => Promise.resolve());
    expect(
      within(results)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Reset your password']);
  });

  it('opens an article in the widget, asks "Was this helpful?", and "Submit a request" pre-fills the form', async () => {
    const { client } = await setup();
    helpTab();
    find('refund');
    fireEvent.click(await screen.findByRole('button', { name: 'How do I get a refund?' }));
    const article = await screen.findByRole('article', { name: 'How do I get a refund?' });
    expect(within(article).getByText('billing').tagName).toBe('STRONG');
    expect(within(article).getByRole('link', { name: 'our terms' }).getAttribute('target')).toBe('_blank');
    // The search is out of the way while reading.
    expect(screen.queryByRole('searchbox', { name: 'Search articles' })).toBeNull();

    const helpful = within(article).getByRole('group', { name: 'Was this helpful?' });
    fireEvent.click(within(helpful).getByRole('button', { name: 'Yes' }));
    expect((await within(helpful).findByRole('status')).textContent).toBe('Thanks for your feedback.');
    expect(client.feedback).toHaveBeenCalledWith('how-do-i-get-a-refund', true);
    expect(within(helpful).queryByRole('button', { name: 'No' })).toBeNull();
    // Reading from a search is not a suggested read.
    expect(client.suggestedRead).not.toHaveBeenCalled();

    fireEvent.click(within(article).getByRole('button', { name: 'Submit a request' }));
    const form = screen.getByRole('form', { name: 'Submit a request' });
    expect((within(form).getByRole('textbox', { name: 'Subject' }) as HTMLInputElement).value).toBe('How do I get a refund?');
    await waitFor(() => expect(document.activeElement).toBe(within(form).getByRole('textbox', { name: 'Message' })));
    type('Vera', 'Name');
    type('vera@example.com', 'Email');
    type('It has been two weeks.', 'Message');
    fireEvent.click(within(form).getByRole('button', { name: 'Submit request' }));
    await screen.findByText('Request received — ticket #1002');
    expect(client.submitRequest).toHaveBeenCalledWith({
      name: 'Vera',
      email: 'vera@example.com',
      subject: 'How do I get a refund?',
      message: 'It has been two weeks.',
      article: 'how-do-i-get-a-refund',
    });
  });

  it('says when an answer or an article could not be loaded', async () => {
    const { client } = await setup();
    client.feedback.mockResolvedValueOnce({ ok: false, error: { code: 'rate_limited', message: '' } });
    helpTab();
    find('password');
    fireEvent.click(await screen.findByRole('button', { name: 'Reset your password' }));
    fireEvent.click(await screen.findByRole('button', { name: 'No' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts. Please wait a moment and try again.');
    // Still answerable.
    fireEvent.click(screen.getByRole('button', { name: 'No' }));
    expect((await screen.findByText('Thanks for your feedback.')).getAttribute('role')).toBe('status');
    client.article.mockResolvedValueOnce({ ok: false, error: { code: 'not_found', message: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Reset your password' }));
    expect((await screen.findByRole('alert')).textContent).toBe('This article is no longer available.');
  });

  it('suggests articles while the subject is typed; opening one counts as a suggested read and Back keeps the request', async () => {
    const { client } = await setup();
    helpTab();
    type('Vera', 'Name');
    type('refu', 'Subject');
    const suggested = await screen.findByRole('list', { name: 'Suggested articles' });
    fireEvent.click(within(suggested).getByRole('button', { name: 'How do I get a refund?' }));
    expect(client.suggestedRead).toHaveBeenCalledWith('how-do-i-get-a-refund');
    await screen.findByRole('article', { name: 'How do I get a refund?' });
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect((screen.getByRole('textbox', { name: 'Name' }) as HTMLInputElement).value).toBe('Vera');
    expect((screen.getByRole('textbox', { name: 'Subject' }) as HTMLInputElement).value).toBe('refu');
  });

  it("pre-fills the request with the signed-in user's name and email", async () => {
    await setup({ user: { id: 'u1', name: 'Vera Visitor', email: 'vera@example.com' } });
    helpTab();
    expect((screen.getByRole('textbox', { name: 'Name' }) as HTMLInputElement).value).toBe('Vera Visitor');
    expect((screen.getByRole('textbox', { name: 'Email' }) as HTMLInputElement).value).toBe('vera@example.com');
  });

  it('with the Help Center off: the request form only, no search and no suggestions', async () => {
    const { client } = await setup({ helpCenter: false });
    helpTab();
    expect(screen.queryByRole('searchbox')).toBeNull();
    type('refund', 'Subject');
    fireEvent.click(screen.getByRole('tab', { name: 'Chat' }));
    type('refund please', 'Message');
    await new Promise((r) => setTimeout(r, 400));
    expect(client.search).not.toHaveBeenCalled();
    expect(screen.queryByRole('list', { name: 'Suggested articles' })).toBeNull();
  });
});

describe('suggestions in the chat', () => {
  it('suggest articles while the first message is typed, and open them in place', async () => {
    const { client } = await setup();
    type('how do I get a refund', 'Message');
    await waitFor(() => expect(client.search).toHaveBeenCalledWith('how do I get a refund', expect.anything()));
    // The fake matches titles by the whole text: a short one finds it.
    type('refund', 'Message');
    const suggested = await screen.findByRole('list', { name: 'Suggested articles' });
    fireEvent.click(within(suggested).getByRole('button', { name: 'How do I get a refund?' }));
    expect(client.suggestedRead).toHaveBeenCalledWith('how-do-i-get-a-refund');
    expect(await screen.findByRole('article', { name: 'How do I get a refund?' })).toBeTruthy();
    // No "Submit a request" here: the chat is right below.
    expect(screen.queryByRole('button', { name: 'Submit a request' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect((screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).value).toBe('refund');
  });

  it('stop once the conversation has a message', async () => {
    const { client } = await setup();
    type('refund', 'Message');
    await screen.findByRole('list', { name: 'Suggested articles' });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(screen.queryByRole('list', { name: 'Suggested articles' })).toBeNull());
    const calls = client.search.mock.calls.length;
    type('refund again', 'Message');
    await new Promise((r) => setTimeout(r, 400));
    expect(client.search.mock.calls.length).toBe(calls);
  });
});
