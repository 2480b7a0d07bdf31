import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness.ts';
import { hashPassword, needsRehash, verifyPassword } from './password.ts';

// Attack class: offline cracking of stolen hashes, and guessing the passwords people pick first.

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

/** A hash as the previous release stored it: scrypt N=2^15, r=8, p=1 (4× below OWASP's minimum). */
function oldScryptHash(password: string): string {
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync(password, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${2 ** 15}$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

describe('password hashes', () => {
  it('are argon2id with at least OWASP’s parameters (19 MiB, 2 passes, 1 lane) and a salt of their own', async () => {
    const h1 = await hashPassword('secret passphrase');
    const h2 = await hashPassword('secret passphrase');
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(h1);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(19_456);
    expect(Number(m![2])).toBeGreaterThanOrEqual(2);
    expect(Number(m![3])).toBe(1);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('secret passphrase', h1)).toBe(true);
    expect(await verifyPassword('secret passphrasE', h1)).toBe(false);
    expect(needsRehash(h1)).toBe(false);
    expect(needsRehash(oldScryptHash('x'))).toBe(true);
    expect(needsRehash('$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA')).toBe(true);
  });

  it('made by the previous release still sign in, and are replaced by argon2id at that sign-in', async () => {
    const agent = await s.createAgent('Olga');
    await s.services.agents.Agent.updateOne({ email: agent.email }, { $set: { passwordHash: oldScryptHash('an old password!') } });

    // A wrong password neither signs in nor touches the stored hash.
    expect((await s.api('/api/auth/sign-in', { body: { email: agent.email, password: 'not it at all' } })).status).toBe(401);
    expect((await s.services.agents.Agent.findOne({ email: agent.email }).lean())!.passwordHash).toMatch(/^scrypt\$/);

    expect((await s.api('/api/auth/sign-in', { body: { email: agent.email, password: 'an old password!' } })).status).toBe(200);
    const stored = (await s.services.agents.Agent.findOne({ email: agent.email }).lean())!.passwordHash;
    expect(stored).toMatch(/^\$argon2id\$/);
    expect((await s.api('/api/auth/sign-in', { body: { email: agent.email, password: 'an old password!' } })).status).toBe(200);
  });

  it('refuses a tampered stored hash that would ask for unbounded memory', async () => {
    expect(await verifyPassword('x', 'scrypt$1073741824$8$1$c2FsdA==$a2V5')).toBe(false);
    expect(await verifyPassword('x', '$argon2id$garbage')).toBe(false);
  });
});

describe('new passwords', () => {
  it('refuses the most common passwords, short ones and the account’s own email, naming the field', async () => {
    const admin = await s.createAgent('Boss', 'admin');
    const create = (password: string, email = `n${crypto.randomBytes(3).toString('hex')}@example.com`) =>
      s.api('/api/agents', { cookie: admin.cookie, body: { email, name: 'New Agent', role: 'agent', password } });
    for (const common of ['password123', '1234567890', 'qwertyuiop', 'iloveyou123', 'Password123', 'QWERTYUIOP']) {
      const res = await create(common);
      expect(res.status, common).toBe(400);
      expect(res.body.error.issues).toEqual([{ path: 'password', message: expect.stringMatching(/common/) }]);
    }
    expect((await create('short pw1')).body.error.issues[0].path).toBe('password');
    expect((await create('jane.doe@example.com', 'jane.doe@example.com')).status).toBe(400);
    expect((await create('x'.repeat(257))).status).toBe(400);
    // Long passphrases are welcome, without composition rules.
    expect((await create('the quick brown fox jumps over the lazy support queue every single morning before coffee')).status).toBe(201);
    expect((await create('ten chars!')).status).toBe(201);
    expect(await s.services.agents.Agent.countDocuments({ name: 'New Agent' })).toBe(2);
  });

  it('a configured first admin password must follow the same policy', async () => {
    const fresh = await startTestServer();
    try {
      await expect(fresh.services.agents.ensureAdmin({ password: 'password1234' })).rejects.toThrow(/KAMFLO_ADMIN_PASSWORD: .*common/);
      expect(await fresh.services.agents.Agent.countDocuments()).toBe(0);
    } finally {
      await fresh.close();
    }
  });
});
