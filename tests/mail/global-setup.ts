import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

// The provided values are declared in server/src/test/provided.d.ts.
const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'dovecot.sh');

/**
 * IMAP tests run against a real Dovecot (tests/mail/dovecot.sh starts one if none answers).
 * When it cannot start, only the IMAP tests fail, saying why.
 */
export default async function setup(project: TestProject) {
  const result = await new Promise<{ url: string; error: string }>((resolve) => {
    execFile('bash', [script], { timeout: 60_000 }, (err, stdout, stderr) => {
      const url = stdout.trim().split('\n').at(-1) ?? '';
      resolve(err || !url.startsWith('imap://') ? { url: '', error: (stderr || String(err)).trim() } : { url, error: '' });
    });
  });
  project.provide('imapUrl', result.url);
  project.provide('imapError', result.error);
}
