import crypto from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { launchBrowser, startHostSite, startKamflo } from './stack.ts';

// A host page on another origin identifies its signed-in user to the widget with the HMAC its
// backend computes. That user's conversations follow them to another browser; after sign-out
// (shutdown) the next user on the same browser sees only their own.

let kamflo: Awaited<ReturnType<typeof startKamflo>>;
let host: Awaited<ReturnType<typeof startHostSite>>;
let browser: Browser;

beforeAll(async () => {
  kamflo = await startKamflo();
  host = await startHostSite(kamflo.url);
  browser = await launchBrowser();
  await kamflo.kamflo.services.agents.createAgent({ email: 'ivy@example.com', name: 'Ivy', role: 'agent', password: 'ivy password 1' });
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  await kamflo?.close();
});

// Not the hidden frame shutdown loads to clear the widget's storage (`&x=1`).
const widget = (page: Page): FrameLocator => page.frameLocator('iframe[src*="/widget/frame.html"]:not([src*="x=1"])');
const launcherOf = (page: Page) => page.getByRole('button', { name: 'Chat', exact: true });

/** What the site's backend does: HMAC-SHA256 of the user id under the site secret, hex. */
async function hashOf(id: string): Promise<string> {
  const secret = await kamflo.kamflo.services.sites.secretOf('default');
  return crypto.createHmac('sha256', secret!).update(id).digest('hex');
}

/** The page signs a user in: forget whoever was here, boot as them, open the widget. */
async function signInAs(page: Page, id: string) {
  const hash = await hashOf(id);
  await page.evaluate(
    ([id, hash]) => {
      const K = (window as unknown as { Kamflo: (...a: unknown[]) => void }).Kamflo;
      K('shutdown');
      K('boot', { user: { id, name: `User ${id}`, hash } });
    },
    [id, hash] as const,
  );
  await launcherOf(page).click();
  await widget(page).getByRole('tab', { name: 'Chat' }).waitFor();
}

async function conversationsOf(w: FrameLocator) {
  await w.getByRole('button', { name: 'Your conversations' }).click();
  await w.getByRole('heading', { name: 'Your conversations' }).waitFor();
}

it('a verified user sees their conversation on a second browser; after shutdown another user on the first sees none of it', async () => {
  // An agent is online, so the visitor's first message starts a live chat.
  const agentContext = await browser.newContext();
  const agent = await agentContext.newPage();
  await agent.goto(`${kamflo.url}/console/`);
  await agent.getByRole('textbox', { name: /email/i }).fill('ivy@example.com');
  await agent.getByLabel(/password/i).fill('ivy password 1');
  await agent.getByRole('button', { name: /sign in/i }).click();
  await agent.getByRole('region', { name: /dashboard/i }).waitFor();

  const first = await browser.newContext();
  const page = await first.newPage();
  await page.goto(host.url);
  await signInAs(page, 'ada-1');
  const w = widget(page);
  await w.getByRole('textbox', { name: /message/i }).fill('Where is my parcel?');
  await w.getByRole('button', { name: /send/i }).click();
  await w.getByText('Where is my parcel?').waitFor();
  await expect.poll(async () => kamflo.kamflo.services.conversations.Message.countDocuments({ text: 'Where is my parcel?' })).toBe(1);

  // The same user on another browser (another device): the conversation is there.
  const second = await browser.newContext();
  const other = await second.newPage();
  await other.goto(host.url);
  await signInAs(other, 'ada-1');
  await conversationsOf(widget(other));
  await widget(other)
    .getByRole('button', { name: /Where is my parcel\?/ })
    .waitFor();

  // Ada signs out on the first browser and Bo signs in there: nothing of Ada's is shown.
  await signInAs(page, 'bo-2');
  await conversationsOf(w);
  await w.getByText('No conversations yet.').waitFor();
  expect(await w.getByText('Where is my parcel?').count()).toBe(0);

  // An unverified claim to be Ada (a wrong hash) does not reach her history either.
  await page.evaluate(() => {
    const K = (window as unknown as { Kamflo: (...a: unknown[]) => void }).Kamflo;
    K('shutdown');
    K('boot', { user: { id: 'ada-1', hash: '0'.repeat(64) } });
  });
  await launcherOf(page).click();
  await conversationsOf(w);
  await w.getByText('No conversations yet.').waitFor();
  expect(await w.getByText('Where is my parcel?').count()).toBe(0);

  await Promise.all([agentContext.close(), first.close(), second.close()]);
}, 120_000);
