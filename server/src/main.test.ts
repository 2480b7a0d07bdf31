import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import mongoose from 'mongoose';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** Run `pnpm start`'s server process the way a user does, and collect its output. */
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
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
    const first = start({ MONGODB_URI: uri, LOG_LEVEL: 'info' });
    const admin = await first.waitFor((l) => l.msg?.includes('first admin'));
    expect(admin).toMatchObject({ email: 'admin@localhost', adminPassword: expect.any(String) });
    const running = await first.waitFor((l) => l.msg?.startsWith('Kamflo is running'));
    expect(running.console).toMatch(/\/console\/$/);
    expect(running.demo).toMatch(/\/demo\/$/);
    expect(running.widget).toMatch(/\/widget\.js$/);
    const base = new URL(running.console).origin;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const signIn = await fetch(`${base}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@localhost', password: admin.adminPassword }),
    });
    expect(signIn.status).toBe(200);

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
