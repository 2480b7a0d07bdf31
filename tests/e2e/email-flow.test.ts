import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshotPath, startKamflo } from './stack.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../../server/src/test/smtp-catcher.ts';
import { composeMail, smtpSend } from '../../server/src/test/mail.ts';

// The email channel in a real browser: a customer's email becomes a ticket, the agent reads it
// (its HTML only sanitized, in a sandboxed frame), answers in the console, and the reply
// arrives at the SMTP server, threaded.

let kamflo: Awaited<ReturnType<typeof startKamflo>>;
let catcher: SmtpCatcher;
let browser: Browser;

beforeAll(async () => {
  catcher = await startSmtpCatcher();
  kamflo = await startKamflo({
    email: { smtpUrl: catcher.url, supportAddress: { name: 'Acme Support', address: 'support@acme.test' }, inboundSmtpPort: 0 },
  });
  browser = await launchBrowser();
  await kamflo.kamflo.services.agents.createAgent({ email: 'alice@example.com', name: 'Alice', role: 'agent', password: 'alice password' });
});

afterAll(async () => {
  await browser?.close();
  await kamflo?.close();
  await catcher?.close();
});

it("a customer's email becomes a ticket, the agent answers in the console, and the reply arrives by email", async () => {
  const port = kamflo.kamflo.services.email.listener()!.status().port!;
  const raw = await composeMail({
    from: 'Dana Customer <dana@example.com>',
    to: 'support@acme.test',
    subject: 'Order never arrived',
    messageId: '<order-1@customer.example>',
    text: 'My order 1234 never arrived.',
    html: '<p>My order <b>1234</b> never arrived.</p><script>window.parent.pwned = true; alert("xss")</script><img src="x" onerror="window.parent.pwned = true">',
  });
  expect(await smtpSend(port, raw, { from: 'dana@example.com', to: ['support@acme.test'] })).toMatch(/Stored as ticket #1001/);
  await catcher.waitFor((m) => String(m.parsed.subject) === '[#1001] Order never arrived'); // the acknowledgement

  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await page.goto(`${kamflo.url}/console/`);
  await page.getByRole('textbox', { name: /email/i }).fill('alice@example.com');
  await page.getByLabel(/password/i).fill('alice password');
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByRole('link', { name: 'Tickets' }).click();
  const row = page.getByRole('row', { name: /Order never arrived/ });
  await row.getByText('Email').waitFor();
  await row
    .getByRole('link', { name: /Order never arrived|#1001/ })
    .first()
    .click();
  await page.getByRole('heading', { name: /#1001 Order never arrived/ }).waitFor();
  await page.getByText('My order 1234 never arrived.').first().waitFor();

  // The HTML version: sanitized, framed without scripts; nothing in it ran.
  await page.getByRole('button', { name: 'Show the HTML version' }).click();
  const frame = page.frameLocator('iframe[title="HTML version of the email from dana@example.com"]');
  await frame.getByText('1234').waitFor();
  expect(await frame.locator('script').count()).toBe(0);
  expect(await frame.locator('[onerror]').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { pwned?: boolean }).pwned)).toBeUndefined();
  expect(dialogs).toBe(0);

  // The truth before sending, then the reply, its delivery, and the mail.
  await page.getByText('Dana Customer (dana@example.com) will receive this by email.').waitFor();
  await page.getByRole('textbox', { name: 'Reply to customer' }).fill('Sorry about that! A new parcel leaves today.');
  await page.getByRole('button', { name: 'Reply', exact: true }).click();
  const reply = page.getByRole('listitem').filter({ hasText: 'A new parcel leaves today.' }).first();
  await reply.getByText('Email to dana@example.com: Sent').waitFor({ timeout: 15_000 });
  const mail = await catcher.waitFor((m) => String(m.parsed.text).includes('A new parcel leaves today.'));
  expect(mail.to).toEqual(['dana@example.com']);
  expect(mail.parsed.subject).toBe('[#1001] Order never arrived');
  expect(String(mail.parsed.headers.get('in-reply-to'))).toBe('<order-1@customer.example>');
  await page.screenshot({ path: screenshotPath('console-email-ticket.png'), fullPage: true });
  await context.close();
});
