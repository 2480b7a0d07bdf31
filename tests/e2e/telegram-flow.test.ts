import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshotPath, startKamflo } from './stack.ts';
import { startFakeTelegram, type FakeTelegram } from '../../server/src/test/fake-telegram.ts';
import { customer, textUpdate } from '../../server/src/social/telegram/fixtures.ts';

// Telegram in a real browser: a customer's Telegram message becomes a chat, the agent answers,
// converts it into a ticket and resolves it, and every answer reaches the (stand-in) Bot API.

const TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
let tg: FakeTelegram;
let kamflo: Awaited<ReturnType<typeof startKamflo>>;
let browser: Browser;

beforeAll(async () => {
  tg = await startFakeTelegram();
  tg.addBot(TOKEN, { id: 7000000001, first_name: 'Acme Support', username: 'acme_support_bot' });
  kamflo = await startKamflo({ config: { telegramApiUrl: tg.url, publicUrl: 'https://support.acme.test' } });
  browser = await launchBrowser();
  await kamflo.kamflo.services.agents.createAgent({ email: 'alice@example.com', name: 'Alice', role: 'agent', password: 'alice password' });
});

afterAll(async () => {
  await browser?.close();
  await kamflo?.close();
  await tg?.close();
});

it('a Telegram message becomes a chat; the agent answers, converts it into a ticket and resolves it; the closing message goes to Telegram', async () => {
  const connection = await kamflo.kamflo.services.telegram.connect({ site: 'default', botToken: TOKEN });
  const secret = String(tg.calls.find((c) => c.method === 'setWebhook')!.params.secret_token);
  const texts = () => tg.sent(String(customer.id)).map((c) => String(c.params.text));

  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${kamflo.url}/console/`);
  await page.getByRole('textbox', { name: /email/i }).fill('alice@example.com');
  await page.getByLabel(/password/i).fill('alice password');
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByRole('region', { name: /dashboard/i }).waitFor();

  const res = await fetch(`${kamflo.url}${new URL(connection.webhookUrl).pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body: JSON.stringify(textUpdate(1, 'My parcel is lost')),
  });
  expect(res.status).toBe(200);

  const requests = page.getByRole('region', { name: 'Incoming requests' });
  await requests.getByText('My parcel is lost').waitFor();
  await requests.getByText('Telegram').waitFor();
  await page.getByRole('button', { name: 'Accept chat from Ana Silva' }).click();
  const chat = page.getByRole('region', { name: 'Chat with Ana Silva' });
  await chat.getByText('@ana_s on Telegram', { exact: false }).waitFor();

  await page.getByRole('textbox', { name: /^message/i }).fill('Sorry to hear that! Let me check.');
  await page.getByRole('button', { name: /^send/i }).click();
  await chat.getByRole('listitem').filter({ hasText: 'Sorry to hear that! Let me check.' }).getByText('Sent to Telegram').waitFor();
  expect(texts()).toEqual(['Alice joined the chat', 'Sorry to hear that! Let me check.']);

  await page.getByRole('button', { name: /convert to ticket/i }).click();
  await page.getByRole('textbox', { name: /subject/i }).fill('Lost parcel');
  await page.getByRole('button', { name: /create ticket/i }).click();
  await expect.poll(texts, { timeout: 15_000 }).toContain("Your request is now ticket #1001. We'll reply here.");
  await page.getByRole('link', { name: 'Tickets', exact: true }).click();
  const row = page.getByRole('row', { name: /Lost parcel/ });
  await row.getByText('Telegram').waitFor();
  await row
    .getByRole('link', { name: /Lost parcel|#1001/ })
    .first()
    .click();
  await page.getByRole('heading', { name: /#1001 Lost parcel/ }).waitFor();
  await page.getByText('Ana Silva will receive this on Telegram', { exact: false }).first().waitFor();

  await page.getByRole('button', { name: /^resolve/i }).click();
  await page.getByRole('textbox', { name: /closing message/i }).fill('A new parcel is on its way. Closing this ticket.');
  await page.getByRole('button', { name: /resolve ticket/i }).click();
  await expect.poll(texts, { timeout: 15_000 }).toContain('A new parcel is on its way. Closing this ticket.');
  expect(texts()).toEqual([
    'Alice joined the chat',
    'Sorry to hear that! Let me check.',
    "Your request is now ticket #1001. We'll reply here.",
    'A new parcel is on its way. Closing this ticket.',
  ]);
  expect((await kamflo.kamflo.services.tickets.queries.get(1001)).status).toBe('resolved');
  await page.screenshot({ path: screenshotPath('console-telegram-ticket.png'), fullPage: true });
  await context.close();
});
