import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, startKamflo } from './stack.ts';

// The report's attack, in a real browser: a page on another origin of the same site
// (http://localhost:<other port> against the console on http://localhost:<port>) uses the
// manager's SameSite=Lax cookie, which the browser sends because the site is the same. It tries
// to approve a ticket, mark a notification read, open the /agent WebSocket and read chats, set
// the manager Away, and sign them out. The same script run from the console's own origin does
// all of it, which shows the test would notice the attack succeeding.

let kamflo: Awaited<ReturnType<typeof startKamflo>>;
let browser: Browser;
let attacker: http.Server;
let consoleBase: string;
let attackerBase: string;

beforeAll(async () => {
  kamflo = await startKamflo();
  consoleBase = kamflo.url.replace('127.0.0.1', 'localhost');
  attacker = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Another app on this site</title><h1>Nothing to see</h1>');
  });
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
  attackerBase = `http://localhost:${(attacker.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  await kamflo.kamflo.services.agents.createAgent({ email: 'mia@example.com', name: 'Mia', role: 'manager', password: 'mia password' });
  await kamflo.kamflo.services.agents.createAgent({ email: 'ann@example.com', name: 'Ann', role: 'agent', password: 'ann password' });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (attacker ? attacker.close(() => r()) : r()));
  await kamflo?.close();
});

/** The attack, run inside a page: forged POSTs (no preflight: text/plain, no-cors) and a raw Socket.IO WebSocket. */
async function attack(page: Page, target: { base: string; number: number; notificationId: string }) {
  return page.evaluate(async ({ base, number, notificationId }) => {
    const post = (path: string) =>
      fetch(base + path, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '' }).then(
        () => 'sent',
        () => 'failed',
      );
    await post(`/api/tickets/${number}/approve`);
    await post(`/api/notifications/${notificationId}/read`);
    // Socket.IO over a bare WebSocket: engine.io open, connect /agent, then two events with acks.
    const socket = await new Promise<{ connected: boolean; frames: string[] }>((resolve) => {
      const frames: string[] = [];
      const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
      const done = (connected: boolean) => {
        ws.close();
        resolve({ connected, frames });
      };
      const timer = setTimeout(() => done(false), 5000);
      let acks = 0;
      ws.onmessage = (e) => {
        const f = String(e.data);
        frames.push(f);
        if (f.startsWith('0')) ws.send('40/agent,');
        else if (f.startsWith('40/agent,')) {
          ws.send('42/agent,1["chat:list",{}]');
          ws.send('42/agent,2["agent:status",{"status":"away"}]');
        } else if (f.startsWith('44/agent,')) {
          clearTimeout(timer);
          done(false);
        } else if (f.startsWith('43/agent,') && ++acks === 2) {
          clearTimeout(timer);
          done(true);
        } else if (f === '2') ws.send('3');
      };
      ws.onerror = () => {
        clearTimeout(timer);
        done(false);
      };
    });
    await post('/api/auth/sign-out');
    return socket;
  }, target);
}

it('another origin of the same site cannot approve, mark read, hijack the /agent WebSocket, set Away or sign out with the manager’s cookie', async () => {
  const services = kamflo.kamflo.services;
  const ann = await services.agents.Agent.findOne({ email: 'ann@example.com' }).lean();
  const mia = await services.agents.Agent.findOne({ email: 'mia@example.com' }).lean();
  const ticket = await services.tickets.intake.createForCustomer(ann!, {
    requesterEmail: 'c@example.com',
    subject: 'Refund outside policy',
    message: 'Please refund',
    priority: 'high',
    category: 'billing',
  });
  await services.tickets.actions.requestApproval(ann!, ticket.number, 'policy exception');
  const [note] = await services.notifications.send([String(mia!._id)], { key: 'e2e', kind: 'sla_alert', ticketNumber: ticket.number, text: 'Past due' });

  const context = await browser.newContext();
  const consolePage = await context.newPage();
  await consolePage.goto(`${consoleBase}/console/`);
  await consolePage.getByRole('textbox', { name: /email/i }).fill('mia@example.com');
  await consolePage.getByLabel(/password/i).fill('mia password');
  await consolePage.getByRole('button', { name: /sign in/i }).click();
  await consolePage.getByRole('region', { name: /dashboard/i }).waitFor();
  await expect.poll(() => services.presence.isOnline(String(mia!._id))).toBe(true);
  const cookie = (await context.cookies(consoleBase)).find((c) => c.name === 'kamflo_session')!;
  expect(cookie.sameSite).toBe('Lax');

  // From the other origin: nothing happens.
  const evil = await context.newPage();
  await evil.goto(attackerBase);
  const hijack = await attack(evil, { base: consoleBase, number: ticket.number, notificationId: note!.id });
  await evil.screenshot({ path: screenshotPath('cross-origin-attacker.png') });
  expect(hijack.connected).toBe(false);
  expect(hijack.frames.some((f) => f.startsWith('44/agent,') && f.includes('forbidden'))).toBe(true);
  expect(hijack.frames.some((f) => f.startsWith('43/agent,'))).toBe(false);
  expect((await services.tickets.queries.get(ticket.number)).needsApproval).toBe(true);
  expect((await services.notifications.list(String(mia!._id)))[0]!.read).toBe(false);
  expect(await services.agents.fromCookie(`kamflo_session=${cookie.value}`)).not.toBeNull();
  expect((await services.router.presenceList()).find((p) => p.name === 'Mia')?.status).toBe('online');
  // The manager's console still works.
  await consolePage.reload();
  await consolePage.getByRole('region', { name: /dashboard/i }).waitFor();

  // The very same script from the console's own origin does everything: the test can see success.
  const own = await attack(consolePage, { base: consoleBase, number: ticket.number, notificationId: note!.id });
  expect(own.connected).toBe(true);
  await expect.poll(async () => (await services.tickets.queries.get(ticket.number)).needsApproval ?? false).toBe(false);
  expect((await services.notifications.list(String(mia!._id)))[0]!.read).toBe(true);
  expect(await services.agents.fromCookie(`kamflo_session=${cookie.value}`)).toBeNull();
  await context.close();
});
