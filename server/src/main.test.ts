import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import mongoose from 'mongoose';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** Run the server process from its source (`pnpm dev`) or its build (`pnpm start`: `node dist/main.js`), and collect its output. */
function start(env: Record<string, string>, args = ['--import', 'tsx', 'src/main.ts']) {
  const child = spawn(process.execPath, args, {
    cwd: serverDir,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const lines = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, any>);
  async function waitFor(pred: (line: Record<string, any>) => boolean, ms = 30_000) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const hit = lines().find(pred);
      if (hit) return hit;
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out; output:\n${out}\n${err}`);
  }
  return { child, exited, lines, waitFor, stderr: () => err };
}

describe('the server process', () => {
  it('starts, prints where everything is and the first admin password once, and stops cleanly on SIGTERM', async () => {
    const dbName = `kamflo_main_${crypto.randomBytes(4).toString('hex')}`;
    const uri = inject('mongoUri').replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);
    const first = start({ MONGODB_URI: uri, LOG_LEVEL: 'info', KAMFLO_METRICS_TOKEN: 'main-test-metrics-token' });
    const admin = await first.waitFor((l) => l.msg?.includes('first admin'));
    expect(admin).toMatchObject({ email: 'admin@localhost', adminPassword: expect.any(String) });
    const running = await first.waitFor((l) => l.msg?.startsWith('Kamflo is running'));
    expect(running.console).toMatch(/\/console\/$/);
    expect(running.demo).toMatch(/\/demo\/$/);
    expect(running.widget).toMatch(/\/widget\.js$/);
    const base = new URL(running.console).origin;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const signIn = await fetch(`${base}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'main-test-sign-in' },
      body: JSON.stringify({ email: 'admin@localhost', password: admin.adminPassword }),
    });
    expect(signIn.status).toBe(200);
    // The request's log line carries its id.
    expect(await first.waitFor((l) => l.reqId === 'main-test-sign-in')).toMatchObject({
      req: { method: 'POST', url: '/api/auth/sign-in' },
      res: { statusCode: 200 },
    });
    // With KAMFLO_METRICS_TOKEN the process times its database round trips (command monitoring on).
    const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer main-test-metrics-token' } })).text();
    expect(metrics).toMatch(/^kamflo_db_command_duration_seconds_count\{command="find"\} [1-9]/m);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.lines().some((l) => l.msg === 'stopped')).toBe(true);

    // A second start on the same database creates no second admin and prints no password.
    const second = start({ MONGODB_URI: uri, LOG_LEVEL: 'info' });
    await second.waitFor((l) => l.msg?.startsWith('Kamflo is running'));
    expect(second.lines().some((l) => 'adminPassword' in l)).toBe(false);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const conn = await mongoose.createConnection(uri).asPromise();
    await conn.dropDatabase();
    await conn.close();
  }, 60_000);

  it('refuses a bad configuration with one line per variable', async () => {
    const p = start({ PORT: 'abc', MONGODB_URI: 'http://nope' });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/PORT/);
    expect(p.stderr()).toMatch(/MONGODB_URI: must start with mongodb:\/\//);
  });

  it('refuses to start when REDIS_URL cannot be reached, saying so', async () => {
    const uri = inject('mongoUri').replace(/\/[^/?]*(\?|$)/, `/kamflo_main_redis_${crypto.randomBytes(4).toString('hex')}$1`);
    const p = start({ MONGODB_URI: uri, REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent' });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/Cannot reach Redis at REDIS_URL/);
    const conn = await mongoose.createConnection(uri).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });

  it('explains how to set MONGODB_URI when the embedded MongoDB cannot start', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'kamflo-nomongo-'));
    const p = start({
      KAMFLO_DATA_DIR: path.join(empty, 'data'),
      MONGOMS_DOWNLOAD_DIR: path.join(empty, 'bin'),
      MONGOMS_DOWNLOAD_URL: 'http://127.0.0.1:9/mongodb.tgz',
    });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/could not start its embedded MongoDB/);
    expect(p.stderr()).toMatch(/MONGODB_URI=mongodb:\/\//);
  }, 60_000);
});

describe('the production build', () => {
  beforeAll(() => {
    // What `pnpm build` does for the server (esbuild, a fraction of a second).
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: serverDir, stdio: 'pipe' });
  });

  it('runs from dist/main.js without tsx, serving the API, the widget, the console and the demo site from beside the bundle', async () => {
    const widgetJs = path.resolve(serverDir, '../widget/dist/widget.js');
    const consoleIndex = path.resolve(serverDir, '../console/dist/index.html');
    expect(fs.existsSync(widgetJs) && fs.existsSync(consoleIndex), 'the widget and the console are built by `pnpm build` before the tests').toBe(true);
    const bundle = fs.readFileSync(path.join(serverDir, 'dist/main.js'), 'utf8');
    // Packages stay external; the workspace's shared TypeScript is inside.
    expect(bundle).toMatch(/from "express"/);
    expect(bundle).not.toMatch(/@kamflo\/shared/);

    const uri = inject('mongoUri').replace(/\/[^/?]*(\?|$)/, `/kamflo_main_build_${crypto.randomBytes(4).toString('hex')}$1`);
    const p = start({ MONGODB_URI: uri, LOG_LEVEL: 'info' }, ['dist/main.js']);
    const running = await p.waitFor((l) => l.msg?.startsWith('Kamflo is running'));
    expect(running).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+/), startMs: expect.any(Number), rssMb: expect.any(Number) });
    const base = new URL(running.console).origin;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const widget = await fetch(`${base}/widget.js`);
    expect(widget.status).toBe(200);
    expect(await widget.text()).toBe(fs.readFileSync(widgetJs, 'utf8'));
    expect(await (await fetch(`${base}/demo/`)).text()).toMatch(/widget\.js/);
    expect((await fetch(`${base}/widget.d.ts`)).status).toBe(200);
    expect(await (await fetch(`${base}/console/tickets`)).text()).toBe(fs.readFileSync(consoleIndex, 'utf8'));
    const version = (await (await fetch(`${base}/api/openapi.json`)).json()) as { info: { version: string } };
    expect(version.info.version).toBe(JSON.parse(fs.readFileSync(path.join(serverDir, 'package.json'), 'utf8')).version);

    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    const conn = await mongoose.createConnection(uri).asPromise();
    await conn.dropDatabase();
    await conn.close();
  }, 60_000);

  it('without MONGODB_URI and without mongodb-memory-server installed (a production install), exits saying how to fix it', async () => {
    // A resolve hook makes the package absent, as `pnpm install --prod` leaves it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kamflo-prod-'));
    const hook = `export async function resolve(spec, ctx, next) {
      if (spec === 'mongodb-memory-server') throw Object.assign(new Error("Cannot find package 'mongodb-memory-server' imported from dist/main.js"), { code: 'ERR_MODULE_NOT_FOUND' });
      return next(spec, ctx);
    }`;
    fs.writeFileSync(path.join(dir, 'hook.mjs'), hook);
    fs.writeFileSync(path.join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${dir}/hook.mjs`)});\n`);
    const p = start({ KAMFLO_DATA_DIR: path.join(dir, 'data') }, ['--import', `file://${dir}/register.mjs`, 'dist/main.js']);
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/embedded MongoDB is not installed/);
    expect(p.stderr()).toMatch(/MONGODB_URI=mongodb:\/\//);
    expect(p.stderr()).toMatch(/pnpm install/);
    expect(fs.existsSync(path.join(dir, 'data')), 'nothing is created before the check').toBe(false);
  });
});
