import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshotPath, startHostSite, startKamflo } from './stack.ts';

let kamflo: Awaited<ReturnType<typeof startKamflo>>;
let host: Awaited<ReturnType<typeof startHostSite>>;
let browser: Browser;

/** An admin's HTTP call, as the console makes it. */
async function asAdmin(cookie: string, method: string, path: string, body?: unknown) {
  const res = await fetch(kamflo.url + path, {
    method,
    headers: { cookie, 'content-type': 'application/json', origin: kamflo.url },
    body: body ? JSON.stringify(body) : undefined,
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return res.json();
}

beforeAll(async () => {
  kamflo = await startKamflo();
  host = await startHostSite(kamflo.url);
  browser = await launchBrowser();
  await kamflo.kamflo.services.agents.createAgent({ email: 'ada@example.com', name: 'Ada', role: 'admin', password: 'ada password 1' });
  const signIn = await fetch(`${kamflo.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: kamflo.url },
    body: JSON.stringify({ email: 'ada@example.com', password: 'ada password 1' }),
  });
  const cookie = String(signIn.headers.get('set-cookie')).split(';')[0]!;
  await asAdmin(cookie, 'PUT', '/api/helpcenter/settings', { enabled: true, name: 'Acme Help', logoText: 'Acme', color: '#1f6feb', defaultLocale: 'en' });
  const a = await asAdmin(cookie, 'POST', '/api/helpcenter/articles', {
    title: 'How do I get a refund?',
    body: 'Write to **billing** with your order number. <img src=x onerror="window.hacked=1">',
  });
  await asAdmin(cookie, 'POST', `/api/helpcenter/articles/${a.id}/publish`);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await kamflo?.close();
});

it('in the widget a visitor searches the Help Center, reads an article, answers "Was this helpful?" and submits a request pre-filled from it', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  const w = page.frameLocator('iframe[src*="/widget/frame.html"]');
  await w.getByRole('tab', { name: 'Help Center' }).click();
  await w.getByRole('searchbox', { name: 'Search articles' }).fill('refnd');
  await w.getByRole('list', { name: 'Search articles' }).getByRole('button', { name: 'How do I get a refund?' }).click();
  const article = w.getByRole('article', { name: 'How do I get a refund?' });
  await article.getByText('billing').waitFor();
  // The article's HTML was sanitized on publish: the image kept no handler, nothing ran in the frame.
  const frame = page.frames().find((f) => f.url().includes('/widget/frame.html'))!;
  expect(await frame.evaluate(() => (window as { hacked?: number }).hacked)).toBeUndefined();
  expect(await frame.evaluate(() => document.querySelector('.kf-art img')?.getAttribute('onerror') ?? null)).toBeNull();
  await article.getByRole('button', { name: 'Yes' }).click();
  await article.getByText('Thanks for your feedback.').waitFor();
  await article.getByRole('button', { name: 'Submit a request' }).click();
  expect(await w.getByRole('textbox', { name: 'Subject' }).inputValue()).toBe('How do I get a refund?');
  await w.getByRole('textbox', { name: 'Name' }).fill('Vera Visitor');
  await w.getByRole('textbox', { name: 'Email' }).fill('vera@example.com');
  await w.getByRole('textbox', { name: 'Message' }).fill('It has been two weeks.');
  await w.getByRole('button', { name: 'Submit request' }).click();
  await w.getByText(/Request received — ticket #\d+/).waitFor();
  await page.screenshot({ path: screenshotPath('widget-help-center-article.png') });
  await context.close();
});
