import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, startHostSite, startKamflo } from './stack.ts';

let kamflo: Awaited<ReturnType<typeof startKamflo>>;
let host: Awaited<ReturnType<typeof startHostSite>>;
let browser: Browser;

beforeAll(async () => {
  kamflo = await startKamflo();
  host = await startHostSite(kamflo.url);
  browser = await launchBrowser();
  await kamflo.kamflo.services.agents.createAgent({ email: 'alice@example.com', name: 'Alice', role: 'agent', password: 'alice password' });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await kamflo?.close();
});

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${kamflo.url}/console/`);
  await page.getByRole('textbox', { name: /email/i }).fill(email);
  await page.getByLabel(/password/i).fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByRole('region', { name: /dashboard/i }).waitFor();
}

const widget = (page: Page): FrameLocator => page.frameLocator('iframe[src*="/widget/frame.html"]');
/** The launcher widget.js draws on the host page (in a shadow root, which Playwright looks into). */
const launcherOf = (page: Page) => page.getByRole('button', { name: 'Chat', exact: true });

/** Everything a page asks of the Kamflo server (any frame), and the WebSockets it opens. */
function watch(page: Page) {
  const requests: string[] = [];
  const sockets: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(kamflo.url)) requests.push(r.url().slice(kamflo.url.length).replace(/\?.*$/, ''));
  });
  page.on('websocket', (ws) => sockets.push(ws.url()));
  return { requests, sockets };
}

async function send(w: FrameLocator, text: string) {
  await w.getByRole('textbox', { name: /message/i }).fill(text);
  await w.getByRole('button', { name: /send/i }).click();
}

it('a visitor on another origin chats with an agent, the chat becomes a ticket, and the ticket is worked to resolution', async () => {
  const visitorContext = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const agentContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const visitor = await visitorContext.newPage();
  const agent = await agentContext.newPage();

  // The agent is online first, so the chat is offered rather than left as a message.
  await signIn(agent, 'alice@example.com', 'alice password');

  // 1. The customer's page embeds the widget under a strict CSP; host CSS does not leak into the
  //    launcher or the frame, nor their CSS out. The first view loads widget.js and nothing else.
  const seen = watch(visitor);
  await visitor.goto(host.url);
  const launcher = launcherOf(visitor);
  await launcher.waitFor();
  await visitor.waitForLoadState('networkidle');
  expect(seen.requests).toEqual(['/widget.js']);
  expect(seen.sockets).toEqual([]);
  expect(visitor.frames()).toHaveLength(1);
  const look = await launcher.evaluate((el) => {
    const s = getComputedStyle(el);
    return {
      bg: s.backgroundColor,
      border: s.borderTopWidth,
      font: s.fontFamily,
      width: s.width,
      transform: getComputedStyle((el.getRootNode() as ShadowRoot).host).transform,
    };
  });
  expect(look).toMatchObject({ bg: 'rgb(79, 70, 229)', border: '0px', width: '56px', transform: 'none' });
  expect(look.font).not.toMatch(/comic/i);
  expect(await visitor.locator('#probe').evaluate((el) => getComputedStyle(el).fontSize)).toBe('18px');

  // Hovering prefetches the frame: no visitor identity, no socket until it opens.
  await launcher.hover();
  const w = widget(visitor);
  await w.locator('#app').waitFor({ state: 'attached' });
  await visitor.waitForLoadState('networkidle');
  expect(seen.requests.filter((r) => r.startsWith('/api/') && r !== '/api/widget/status')).toEqual([]);
  expect(seen.sockets).toEqual([]);
  await launcher.click();
  const tab = w.getByRole('tab', { name: 'Chat' });
  expect(await tab.evaluate((el) => getComputedStyle(el).fontFamily)).not.toMatch(/comic/i);
  await send(w, 'My invoice shows the wrong amount');
  await expect.poll(() => w.getByText('My invoice shows the wrong amount').count()).toBeGreaterThan(0);

  // 2. The agent sees the request with the first message and the wait, and accepts.
  await agent.getByText('My invoice shows the wrong amount').first().waitFor();
  // Opening made the visitor and connected: over WebSocket, without long-polling first.
  expect(seen.requests).toContain('/api/visitors');
  expect(seen.sockets.filter((u) => u.includes('/socket.io/'))).toHaveLength(1);
  expect(seen.sockets[0]).toContain('transport=websocket');
  expect(seen.requests.filter((r) => r.startsWith('/socket.io/'))).toEqual([]);
  await agent.getByText(/wait/i).first().waitFor();
  await agent
    .getByRole('button', { name: /accept/i })
    .first()
    .click();
  await w.getByText(/Alice joined/i).waitFor();

  // 3. Messages both ways in real time; the conversation follows the visitor to another page,
  //    and the agent sees which page they are on now.
  await agent.getByRole('textbox', { name: /^message/i }).fill('Hi! Let me look at your invoice.');
  await agent.getByRole('button', { name: /^send/i }).click();
  await w.getByText('Hi! Let me look at your invoice.').waitFor();
  await send(w, 'Thanks, it is invoice 42');
  await agent.getByText('Thanks, it is invoice 42').waitFor();

  // With a conversation in progress, the next page view connects at once, before any click.
  const next = watch(visitor);
  await visitor.goto(`${host.url}billing`);
  const w2 = widget(visitor);
  await expect.poll(() => next.sockets.length).toBe(1);
  expect(next.requests).not.toContain('/api/visitors');
  await launcherOf(visitor).click();
  await w2.getByText('Thanks, it is invoice 42').waitFor();
  await w2.getByText('Hi! Let me look at your invoice.').waitFor();
  await agent.getByRole('link', { name: /\/billing$/ }).waitFor();
  await visitor.screenshot({ path: screenshotPath('widget-chat.png') });

  // 4. Convert to a ticket; the visitor is told the number.
  await agent.getByRole('button', { name: /convert to ticket/i }).click();
  await agent.getByRole('textbox', { name: /subject/i }).fill('Wrong invoice amount');
  await agent.getByRole('combobox', { name: /priority/i }).selectOption('high');
  await agent.getByRole('combobox', { name: /category/i }).selectOption('billing');
  await agent.getByRole('button', { name: /create ticket/i }).click();
  await w2.getByText(/#1001/).first().waitFor();

  // 5. The ticket: transcript then timeline; a reply reaches the visitor, a note never does.
  await agent
    .getByRole('link', { name: /tickets/i })
    .or(agent.getByRole('button', { name: /^tickets/i }))
    .first()
    .click();
  await agent.getByText('Wrong invoice amount').first().click();
  await agent.getByText('My invoice shows the wrong amount').first().waitFor();

  await agent.getByRole('textbox', { name: /internal note/i }).fill('Billing system double-counted VAT; refund approved by finance');
  await agent.getByRole('button', { name: /internal note/i }).click();
  await agent.getByText('Billing system double-counted VAT; refund approved by finance').waitFor();

  // Escalate to L2 with the handbook's checklist; the customer gets the update.
  await agent.getByRole('button', { name: /^escalate/i }).click();
  const escalate = agent.getByRole('dialog', { name: /escalate/i });
  await escalate.getByRole('textbox', { name: /what was tried/i }).fill('Re-sent the invoice; checked the VAT settings');
  await escalate.getByRole('textbox', { name: /customer context/i }).fill('Invoice 42, EU customer, VAT registered');
  await escalate.getByRole('combobox', { name: /next step/i }).selectOption('fix');
  await escalate.getByRole('textbox', { name: /what the next level must do/i }).fill('Fix the VAT double count and reissue invoice 42');
  await escalate.getByRole('textbox', { name: /customer update/i }).fill('We have passed this to our billing specialists.');
  await escalate.getByRole('button', { name: /escalate to l2/i }).click();
  await w2.getByText('We have passed this to our billing specialists.').waitFor();
  await agent.getByText(/L2/).first().waitFor();

  await agent.getByRole('textbox', { name: /reply/i }).fill('We found the problem and are correcting your invoice.');
  await agent.getByRole('button', { name: /^reply/i }).click();
  await w2.getByText('We found the problem and are correcting your invoice.').waitFor();

  await agent.getByRole('button', { name: /^resolve/i }).click();
  await agent.getByRole('textbox', { name: /closing message/i }).fill('Your invoice is corrected: VAT was counted twice. If it happens again, reply here.');
  await agent.getByRole('button', { name: /resolve ticket/i }).click();
  await w2.getByText(/Your invoice is corrected/).waitFor();
  // The ticket's own status, not the word anywhere: the dashboard always shows a "Resolved" count.
  const ticket = agent.getByRole('article', { name: /wrong invoice amount/i });
  await ticket
    .getByRole('definition')
    .filter({ hasText: /^Resolved$/ })
    .waitFor();
  expect((await kamflo.kamflo.services.tickets.queries.get(1001)).status).toBe('resolved');
  await agent.screenshot({ path: screenshotPath('console-ticket.png') });

  const widgetText = await visitor
    .frames()
    .find((f) => f.url().includes('/widget/'))!
    .locator('body')
    .textContent();
  expect(widgetText).not.toContain('double-counted');
  expect(widgetText).not.toContain('checked the VAT settings');

  // The widget says where the chat went, live; a new question would be a new conversation.
  await w2.getByText('Ticket #1001 · Resolved').waitFor();
  await w2.getByRole('button', { name: 'Start a new conversation' }).waitFor();
  // The customer chooses to write in the ticket's thread: the resolved ticket re-opens.
  await w2.getByRole('button', { name: 'Reply to this ticket' }).click();
  await send(w2, 'It happened again on invoice 43');
  await expect.poll(async () => (await kamflo.kamflo.services.tickets.queries.get(1001)).status, { timeout: 10_000 }).toBe('open');
  await agent.getByText('It happened again on invoice 43').first().waitFor();
  await w2.getByText('Ticket #1001 · Open').waitFor();
  // "Your conversations" lists it; Back returns to the list.
  await w2.getByRole('button', { name: 'Your conversations' }).click();
  await w2
    .getByRole('list', { name: 'Your conversations' })
    .getByRole('button', { name: /Ticket #1001 · Open/ })
    .click();
  await w2.getByRole('button', { name: 'Back' }).waitFor();

  // 6. The Help Center tab creates a ticket and shows its number.
  await w2.getByRole('tab', { name: /help center/i }).click();
  await w2.getByRole('textbox', { name: /name/i }).fill('Vera Visitor');
  await w2.getByRole('textbox', { name: /email/i }).fill('vera@example.com');
  await w2.getByRole('textbox', { name: /subject/i }).fill('Change my plan');
  await w2.getByRole('textbox', { name: /^message/i }).fill('Please move me to the yearly plan.');
  await w2.getByRole('button', { name: /submit request/i }).click();
  await w2.getByText(/#1002/).waitFor();
  await visitor.screenshot({ path: screenshotPath('widget-help-center.png') });

  await visitorContext.close();
  await agentContext.close();
});

it('with no agent online, the widget says so and a left message becomes a ticket', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(host.url);
  const w = widget(page);
  await launcherOf(page).click();
  await w.getByText(/no one is available/i).waitFor();
  await w.getByRole('textbox', { name: /email/i }).fill('late@example.com');
  await w.getByRole('textbox', { name: /message/i }).fill('Please call me back tomorrow');
  await w.getByRole('button', { name: /leave a message/i }).click();
  await w.getByText(/#100\d/).waitFor();
  await context.close();
});

it('a chat declined by one agent is accepted by another; a message written while the server is down arrives once it is back', async () => {
  const { agents } = kamflo.kamflo.services;
  await agents.createAgent({ email: 'bob@example.com', name: 'Bob', role: 'agent', password: 'bob password 1' });
  await agents.createAgent({ email: 'cara@example.com', name: 'Cara', role: 'agent', password: 'cara password' });
  const [bobCtx, caraCtx, visitorCtx] = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
  const bob = await bobCtx.newPage();
  const cara = await caraCtx.newPage();
  await signIn(bob, 'bob@example.com', 'bob password 1');
  await signIn(cara, 'cara@example.com', 'cara password');

  const visitor = await visitorCtx.newPage();
  await visitor.goto(host.url);
  const w = widget(visitor);
  await launcherOf(visitor).click();
  await send(w, 'Who can help me with shipping?');
  // While it waits, the visitor sees their place in the queue.
  await w.getByText(/queue position: 1/i).waitFor();

  // Whoever is offered the chat declines; the other agent is offered it and accepts.
  const decline = (p: Page) => p.getByRole('button', { name: /decline/i }).first();
  await expect.poll(async () => (await decline(bob).isVisible()) || (await decline(cara).isVisible()), { timeout: 15_000 }).toBe(true);
  const [first, second, secondName] = (await decline(bob).isVisible()) ? [bob, cara, 'Cara'] : [cara, bob, 'Bob'];
  await decline(first).click();
  await second
    .getByRole('button', { name: /accept/i })
    .first()
    .click();
  await w.getByText(new RegExp(`${secondName} joined`, 'i')).waitFor();

  // The server goes away; the visitor writes anyway; the message is delivered once it is back.
  const { port } = new URL(kamflo.url);
  await kamflo.kamflo.close(500);
  await send(w, 'Sent while you were offline');
  const { createApp } = await import('../../server/src/app.ts');
  const { testConfig } = await import('../../server/src/config.ts');
  const { silentLogger } = await import('../../server/src/lib/logger.ts');
  kamflo.kamflo = await createApp({ conn: kamflo.conn, config: testConfig(), log: silentLogger });
  await new Promise<void>((r) => kamflo.kamflo.httpServer.listen(Number(port), '127.0.0.1', r));
  const stored = () => kamflo.kamflo.services.conversations.Message.countDocuments({ text: 'Sent while you were offline' });
  await expect.poll(stored, { timeout: 30_000 }).toBe(1);
  await second.getByText('Sent while you were offline').waitFor({ timeout: 30_000 });
  expect(await stored()).toBe(1);
  // The agent has it on screen, so the visitor is told it was read.
  await w.getByText('Seen').waitFor({ timeout: 10_000 });

  // The visitor ends the chat; writing again would start a new one.
  await w.getByRole('button', { name: /end chat/i }).click();
  await w.getByText(/this chat has ended/i).waitFor();
  expect(await kamflo.kamflo.services.conversations.Conversation.countDocuments({ status: 'ended' })).toBe(1);

  await Promise.all([bobCtx.close(), caraCtx.close(), visitorCtx.close()]);
});

it('speaks the browser’s language: only that locale is fetched, and the page’s API drives the widget', async () => {
  const context = await browser.newContext({ locale: 'de-DE' });
  const page = await context.newPage();
  const seen = watch(page);
  await page.goto(host.url);
  const launcher = launcherOf(page);
  await launcher.waitFor();
  type Api = (...args: unknown[]) => void;
  const opened = page.evaluate(() => new Promise<void>((resolve) => (window as unknown as { Kamflo: Api }).Kamflo('on', 'open', resolve)));
  await page.evaluate(() => (window as unknown as { Kamflo: Api }).Kamflo('showNewMessage', 'Wo ist meine Bestellung?'));
  await opened;
  const w = widget(page);
  await w.getByRole('tab', { name: 'Hilfe-Center' }).waitFor();
  expect(await w.getByRole('textbox', { name: 'Nachricht' }).inputValue()).toBe('Wo ist meine Bestellung?');
  expect(seen.requests.filter((r) => r.endsWith('.json'))).toEqual([expect.stringMatching(/\/widget\/assets\/de-[\w-]+\.json$/)]);
  // Minimize returns the keyboard to the launcher on the page.
  await w.getByRole('button', { name: 'Chat minimieren' }).click();
  await expect.poll(() => page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.tagName)).toBe('BUTTON');
  await context.close();
});

it('shutdown forgets the visitor on this device, even when the page navigates away at once (sign-out)', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  type Api = (...args: unknown[]) => void;
  const seen = watch(page);
  await page.goto(host.url);
  await launcherOf(page).click();
  await widget(page).getByRole('tab', { name: 'Chat' }).waitFor();
  await expect.poll(() => seen.requests.filter((r) => r === '/api/visitors').length).toBe(1);
  // The frame has synced (so its identity is saved) once it leaves its hint on the page.
  const hint = () => page.evaluate(() => localStorage.getItem('kamflo:hint:default'));
  await expect.poll(hint).toBe('idle');

  // The same visitor on the next page view: no new identity.
  await page.goto(host.url);
  await launcherOf(page).click();
  await widget(page).getByRole('tab', { name: 'Chat' }).waitFor();
  await page.waitForLoadState('networkidle');
  expect(seen.requests.filter((r) => r === '/api/visitors')).toHaveLength(1);

  // Sign-out: shutdown, then straight to another page.
  const reloaded = page.waitForEvent('load');
  await page.evaluate(() => {
    (window as unknown as { Kamflo: Api }).Kamflo('shutdown');
    // On the next task, so this evaluate has returned before the page goes.
    setTimeout(() => {
      location.href = '/';
    });
  });
  await reloaded;
  await launcherOf(page).click();
  await widget(page).getByRole('tab', { name: 'Chat' }).waitFor();
  await expect.poll(() => seen.requests.filter((r) => r === '/api/visitors').length).toBe(2);
  await context.close();
});
