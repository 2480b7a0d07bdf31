import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultStaticDirs, staticRoutes } from './static.ts';

// The routes alone, on the widget's real type declarations and a stand-in build.
let base: string;
let close: () => void;
beforeAll(async () => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'kamflo-static-'));
  fs.writeFileSync(path.join(dist, 'widget.js'), '/* loader */');
  const app = express().use(staticRoutes({ ...defaultStaticDirs, widget: dist }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

it('serves the page API’s TypeScript declarations beside widget.js, to any site', async () => {
  const res = await fetch(`${base}/widget.d.ts`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  const text = await res.text();
  expect(text).toContain("declare function Kamflo(command: 'boot', options?: Kamflo.BootOptions): void;");
  expect(text).toBe(fs.readFileSync(defaultStaticDirs.widgetTypes, 'utf8'));
  expect((await fetch(`${base}/widget.js`)).status).toBe(200);
});
