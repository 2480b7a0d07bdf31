import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, expect, inject, it } from 'vitest';
import { connectDatabase } from '../db/connect.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../test/smtp-catcher.ts';
import { deliveryModel } from './delivery.model.ts';

// A real server process, SIGKILLed while it is sending a reply (SMTP has the message but has
// not answered), then started again: the customer gets exactly one mail.

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const children: ChildProcess[] = [];
let catcher: SmtpCatcher | undefined;
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await catcher?.close();
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

it('a process killed between recording a reply and SMTP accepting it sends exactly one mail after restart', async () => {
  catcher = await startSmtpCatcher();
  const dbName = `kamflo_crash_${crypto.randomBytes(4).toString('hex')}`;
  const uri = inject('mongoUri').replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';

  async function start(): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: serverDir,
      env: {
        PATH: process.env.PATH!,
        HOME: process.env.HOME!,
        PORT: String(port),
        HOST: '127.0.0.1',
        MONGODB_URI: uri,
        KAMFLO_ADMIN_EMAIL: 'admin@example.com',
        KAMFLO_ADMIN_PASSWORD: 'crash test admin',
        KAMFLO_SMTP_URL: catcher!.url,
        KAMFLO_SUPPORT_ADDRESS: 'Acme Support <support@acme.test>',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(proc);
    proc.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
    // Waiting for another process to come up: poll its health endpoint.
    for (let n = 0; n < 600; n++) {
      try {
        if ((await fetch(`${url}/healthz`)).status === 200) return proc;
      } catch {}
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`server did not start: ${log}`);
  }

  const first = await start();
  const signIn = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password: 'crash test admin' }),
  });
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  const post = (p: string, body: unknown) =>
    fetch(url + p, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
  const request = (await (
    await post('/api/helpcenter/requests', { name: 'Dana', email: 'dana@example.com', subject: 'Refund', message: 'Where is my refund?' })
  ).json()) as { ticketNumber: number };

  catcher.hold();
  expect((await post(`/api/tickets/${request.ticketNumber}/replies`, { text: 'Your refund is on its way.' })).status).toBe(201);
  await catcher.waitForHeld(); // the process is inside the SMTP transaction now
  const exited = new Promise((r) => first.once('exit', r));
  first.kill('SIGKILL');
  await exited;
  expect(catcher.mails).toHaveLength(0);

  catcher.accept();
  const second = await start();
  const mail = await catcher.waitFor((m) => String(m.parsed.text).includes('Your refund is on its way.'), 20_000);
  expect(mail.parsed.subject).toBe(`[#${request.ticketNumber}] Refund`);

  // The delivery is recorded as sent, so no process will send it again.
  const conn = await connectDatabase(inject('mongoUri'), { dbName });
  try {
    await expect.poll(async () => (await deliveryModel(conn).find({ ticketNumber: request.ticketNumber }).lean()).map((d) => d.state)).toEqual(['sent']);
  } finally {
    await conn.dropDatabase().catch(() => {});
    await conn.close();
  }
  expect(catcher.mails.filter((m) => String(m.parsed.text).includes('Your refund is on its way.'))).toHaveLength(1);
  second.kill('SIGTERM');
}, 90_000);
