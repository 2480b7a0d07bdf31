import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { connectDatabase } from '../../server/src/db/connect.ts';
import { createApp } from '../../server/src/app.ts';
import { testConfig, type Config } from '../../server/src/config.ts';
import { silentLogger } from '../../server/src/lib/logger.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const artifacts = path.resolve(here, '../artifacts');

/** The whole product on one port, built assets included, on a fresh database. */
export async function startKamflo(opts: { email?: Partial<Config['email']>; config?: Partial<Config> } = {}) {
  const conn = await connectDatabase(inject('mongoUri'), { dbName: `kamflo_e2e_${crypto.randomBytes(4).toString('hex')}` });
  const base = testConfig(opts.config);
  const kamflo = await createApp({ conn, config: { ...base, email: { ...base.email, ...opts.email } }, log: silentLogger });
  await new Promise<void>((r) => kamflo.httpServer.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(kamflo.httpServer.address() as AddressInfo).port}`;
  return {
    url,
    kamflo,
    conn,
    async close() {
      await kamflo.close(1000);
      await conn.dropDatabase().catch(() => {});
      await conn.close();
    },
  };
}

/**
 * A customer's site on another origin (localhost vs 127.0.0.1) that embeds the widget, under a
 * strict CSP: no inline styles or scripts but its own nonce'd stylesheet, so a widget that needed
 * a `<style>` element or a `style` attribute would show unstyled.
 */
export async function startHostSite(kamfloUrl: string) {
  const html = fs.readFileSync(path.resolve(here, '../fixtures/host.html'), 'utf8').replace('__KAMFLO__', kamfloUrl);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'self'; script-src ${kamfloUrl}; frame-src ${kamfloUrl}; style-src 'nonce-host'; img-src 'self'`,
    });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(artifacts, { recursive: true });
  return path.join(artifacts, name);
}
