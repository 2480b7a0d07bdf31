import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import type { AgentDto, HcArticleDetailDto, HcSettingsDto } from '@kamflo/shared';
import { Shell } from '../shell/Shell.tsx';
import { createConsoleApp, renderWith, selectOption, type TestApp } from '../../test/render.tsx';
import { agent, apiError, iso, lead } from '../../test/fakes.ts';

const admin: AgentDto = { id: 'f'.repeat(24), name: 'Ada Admin', email: 'ada@example.com', role: 'admin' };

/** A small in-memory Help Center behind the fake API: what the server's routes answer. */
function fakeHelpCenter(app: TestApp, who: AgentDto) {
  const articles = new Map<string, HcArticleDetailDto>();
  let n = 0;
  const settings: HcSettingsDto = {
    site: 'default',
    url: '/help/default/',
    enabled: false,
    name: 'Help Center',
    logoText: 'Help Center',
    color: '#1f6feb',
    defaultLocale: 'en',
  };
  const r = app.api.routes;
  r['GET /api/helpcenter/articles'] = () => [...articles.values()];
  r['GET /api/helpcenter/settings'] = () => ({ ...settings });
  r['PUT /api/helpcenter/settings'] = ({ body }) => Object.assign(settings, body);
  // Stands in for the server's marked + sanitize-html: the console must show this, not its own rendering.
  r['POST /api/helpcenter/preview'] = ({ body }) => ({ html: `<p>Rendered by the server: ${body.body.length} characters</p>` });
  r['POST /api/helpcenter/articles'] = ({ body }) => {
    if (body.slug && !/^[a-z0-9-]+$/.test(body.slug)) {
      throw apiError(400, 'bad_request', 'Invalid input', [{ path: 'slug', message: 'must be lowercase letters and digits joined by hyphens' }]);
    }
    const id = (++n).toString(16).padStart(24, 'a');
    const a: HcArticleDetailDto = {
      id,
      site: body.site ?? 'default',
      slug:
        body.slug ??
        body.title
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, ''),
      title: body.title,
      body: body.body,
      locale: body.locale ?? 'en',
      category: body.category ?? '',
      section: body.section ?? '',
      status: 'draft',
      unpublishedChanges: true,
      revision: 1,
      publishedRevision: null,
      authorName: who.name,
      updatedAt: iso(0),
      publishedAt: null,
      url: '',
      html: '',
      oldSlugs: [],
      revisions: [{ n: 1, title: body.title, authorName: who.name, at: iso(0), published: false }],
      feedback: { yes: 0, no: 0 },
    };
    a.url = `/help/${a.site}/articles/${a.slug}`;
    articles.set(id, a);
    return structuredClone(a);
  };
  const get = (id: string) => {
    const a = articles.get(id);
    if (!a) throw apiError(404, 'not_found', 'No such article');
    return a;
  };
  r['GET /api/helpcenter/articles/:id'] = ({ params }) => structuredClone(get(String(params.id)));
  r['PUT /api/helpcenter/articles/:id'] = ({ params, body }) => {
    const a = get(String(params.id));
    const changed = (body.title !== undefined && body.title !== a.title) || (body.body !== undefined && body.body !== a.body);
    Object.assign(a, { ...body, ...(changed ? { revision: a.revision + 1, unpublishedChanges: true } : {}) });
    if (changed) a.revisions.unshift({ n: a.revision, title: a.title, authorName: who.name, at: iso(1000), published: false });
    return structuredClone(a);
  };
  r['POST /api/helpcenter/articles/:id/publish'] = ({ params }) => {
    if (who.role === 'agent') throw apiError(403, 'forbidden', 'Your role may not publish Help Center articles');
    const a = get(String(params.id));
    Object.assign(a, { status: 'published', unpublishedChanges: false, publishedRevision: a.revision, publishedAt: iso(2000) });
    a.revisions.find((x) => x.n === a.revision)!.published = true;
    return structuredClone(a);
  };
  r['POST /api/helpcenter/articles/:id/unpublish'] = ({ params }) => {
    const a = get(String(params.id));
    Object.assign(a, { status: 'draft', unpublishedChanges: true, publishedRevision: null, publishedAt: null });
    return structuredClone(a);
  };
  return { articles, settings };
}

function openHelpCenter(who: AgentDto) {
  const app = createConsoleApp({ state: { agent: who } });
  const hc = fakeHelpCenter(app, who);
  renderWith(app, <Shell />);
  fireEvent.click(screen.getByRole('link', { name: 'Help Center' }));
  return { app, hc };
}
const type = (name: string, value: string) => fireEvent.input(screen.getByRole('textbox', { name }), { target: { value } });

describe('Help Center in the console', () => {
  it('a team lead creates an article, previews the server rendering, publishes and unpublishes it; the list groups it by category', async () => {
    const { app, hc } = openHelpCenter(lead);
    await screen.findByText('No articles yet.');
    fireEvent.click(screen.getByRole('link', { name: 'New article' }));
    expect(app.store.getState().route).toEqual({ view: 'helpcenter', article: 'new' });
    screen.getByRole('form', { name: 'New article' });
    type('Title', 'How do I get a refund?');
    type('Body (Markdown)', '# Refunds\n\nWrite to us. <script>alert(1)</script>');
    type('Category', 'Billing');
    type('Section', 'Refunds');

    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const preview = await screen.findByRole('region', { name: 'Preview' });
    expect(preview.textContent).toContain('Rendered by the server: 49 characters');
    expect(preview.querySelector('script')).toBeNull();
    expect(app.api.callsTo('POST /api/helpcenter/preview')[0]!.body).toEqual({ body: '# Refunds\n\nWrite to us. <script>alert(1)</script>' });
    expect(app.api.callsTo('POST /api/helpcenter/articles')).toHaveLength(0);

    fireEvent.click(screen.getByRole('button', { name: 'Publish' }));
    await screen.findByText('Published');
    expect(screen.getByRole('status', { name: 'Article status' }).textContent).toContain('Published · revision 1');
    const [id] = [...hc.articles.keys()];
    expect(app.store.getState().route).toEqual({ view: 'helpcenter', article: id });
    expect(app.api.callsTo('POST /api/helpcenter/articles')[0]!.body).toEqual({
      site: 'default',
      title: 'How do I get a refund?',
      body: '# Refunds\n\nWrite to us. <script>alert(1)</script>',
      category: 'Billing',
      section: 'Refunds',
    });
    expect(app.api.callsTo('POST /api/helpcenter/articles/:id/publish')[0]!.params).toEqual({ id });
    // Opened at its own address without loading it again.
    expect(app.api.callsTo('GET /api/helpcenter/articles/:id')).toHaveLength(0);
    expect(screen.getByRole('link', { name: 'View on the public site' }).getAttribute('href')).toBe('/help/default/articles/how-do-i-get-a-refund');
    expect(screen.queryByRole('button', { name: 'Publish' })).toBeNull();
    // The preview stays across the move to the article's own address.
    expect(screen.getByRole('region', { name: 'Preview' })).toBeTruthy();

    // An edit is a new draft revision: Publish comes back; the history lists both.
    type('Title', 'Getting a refund');
    fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    expect((await screen.findByRole('status', { name: 'Article status' })).textContent).toContain(
      'Published, with unpublished changes · revision 2 (revision 1 is public)',
    );
    const history = within(screen.getByRole('list', { name: 'Edit history' })).getAllByRole('listitem');
    expect(history.map((li) => li.textContent)).toEqual([
      expect.stringMatching(/^Revision 2: “Getting a refund” by Lee Lead/),
      expect.stringMatching(/^Revision 1: “How do I get a refund\?” by Lee Lead.* · published$/),
    ]);
    expect(screen.getByRole('button', { name: 'Publish' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Unpublish' }));
    await waitFor(() => expect(screen.getByRole('status', { name: 'Article status' }).textContent).toMatch(/^Draft · revision 2/));
    expect(screen.queryByRole('button', { name: 'Unpublish' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'View on the public site' })).toBeNull();

    fireEvent.click(screen.getByRole('link', { name: '← All articles' }));
    const billing = await screen.findByRole('table', { name: 'Articles: Billing' });
    const [, row] = within(billing).getAllByRole('row');
    expect(
      within(row!)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['Getting a refund', 'Refunds', 'en', 'Draft', expect.stringContaining('Lee Lead')]);
  });

  it('a role without the publish permission saves drafts and sees no Publish or Unpublish', async () => {
    const { app, hc } = openHelpCenter(agent);
    await screen.findByText('No articles yet.');
    fireEvent.click(screen.getByRole('link', { name: 'New article' }));
    type('Title', 'Shipping times');
    type('Body (Markdown)', 'Two days.');
    expect(screen.queryByRole('button', { name: 'Publish' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    expect((await screen.findByRole('status', { name: 'Article status' })).textContent).toMatch(/^Draft · revision 1/);
    expect(screen.getByText('Draft saved')).toBeTruthy();
    // Someone who may publish does so: the agent still sees neither button.
    const [id] = [...hc.articles.keys()];
    Object.assign(hc.articles.get(id!)!, { status: 'published', unpublishedChanges: false, publishedRevision: 1 });
    app.store.getState().navigate({ view: 'helpcenter' });
    fireEvent.click(await screen.findByRole('link', { name: 'Shipping times' }));
    await screen.findByRole('form', { name: 'Edit Shipping times' });
    expect(screen.queryByRole('button', { name: 'Publish' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Unpublish' })).toBeNull();
    expect(screen.getByText('Your role saves drafts; a team lead, manager or admin publishes them.')).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'Help Center settings' })).toBeNull();
  });

  it("shows the server's refusal of bad input and filters the list by status and locale", async () => {
    const { hc } = openHelpCenter(lead);
    await screen.findByText('No articles yet.');
    fireEvent.click(screen.getByRole('link', { name: 'New article' }));
    type('Title', 'Bad slug');
    type('Slug', 'Bad Slug!');
    fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Slug must be lowercase letters and digits joined by hyphens');
    expect(hc.articles.size).toBe(0);

    type('Slug', '');
    type('Locale', 'de');
    fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    await screen.findByText('Draft saved');
    fireEvent.click(screen.getByRole('link', { name: '← All articles' }));
    await screen.findByRole('table', { name: 'Articles: No category' });
    const locale = screen.getByRole('combobox', { name: 'Locale' }) as HTMLSelectElement;
    expect([...locale.options].map((o) => o.value)).toEqual(['', 'de']);
    selectOption(screen.getByRole('combobox', { name: 'Status' }), 'published');
    await screen.findByText('No articles match.');
  });

  it("admins edit the site's Help Center settings; others do not see them", async () => {
    const { app, hc } = openHelpCenter(admin);
    const form = await screen.findByRole('form', { name: 'Help Center settings' });
    expect(screen.getByText(/The public site is off/)).toBeTruthy();
    fireEvent.click(within(form).getByRole('checkbox', { name: 'Public Help Center enabled' }));
    fireEvent.input(within(form).getByRole('textbox', { name: 'Name' }), { target: { value: 'Acme Help' } });
    fireEvent.input(within(form).getByRole('textbox', { name: 'Logo text' }), { target: { value: 'Acme' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    await within(form).findByText('Saved');
    expect(app.api.callsTo('PUT /api/helpcenter/settings')[0]).toMatchObject({
      query: { site: 'default' },
      body: { enabled: true, name: 'Acme Help', logoText: 'Acme', color: '#1f6feb', defaultLocale: 'en' },
    });
    expect(hc.settings.enabled).toBe(true);
  });
});
