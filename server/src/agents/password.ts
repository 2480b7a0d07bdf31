import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { hash, parseOptions, verify, type Algorithm } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@kamflo/shared';
import { AppError } from '../lib/errors.ts';

// argon2id at OWASP's Password Storage Cheat Sheet minimum: 19 MiB, 2 passes, 1 lane. The
// parameters live in each PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash), so raising them
// later upgrades hashes at the next sign-in (needsRehash) without breaking the old ones.
const ARGON2ID = 2 as Algorithm;
const ARGON2 = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$argon2')) {
    try {
      return await verify(stored, password);
    } catch {
      return false; // a malformed stored hash matches nothing
    }
  }
  if (stored.startsWith('scrypt$')) return verifyScrypt(password, stored);
  return false;
}

/** True when a hash was made with weaker settings than today's: sign-in then stores a new one. */
export function needsRehash(stored: string): boolean {
  if (!stored.startsWith('$argon2id$')) return true;
  try {
    const o = parseOptions(stored);
    return o.memoryCost < ARGON2.memoryCost || o.timeCost < ARGON2.timeCost || o.parallelism !== ARGON2.parallelism;
  } catch {
    return true;
  }
}

// Hashes from before argon2id: `scrypt$N$r$p$salt$key` (N=2^15, below OWASP's 2^17). Still
// verified, so nobody is locked out; the next successful sign-in replaces them.
const scrypt = promisify(crypto.scrypt) as (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;
async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, saltB64, keyB64] = stored.split('$');
  if (!saltB64 || !keyB64) return false;
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  // Bounds keep a tampered hash from asking for gigabytes of memory.
  if (![N, R, P].every(Number.isSafeInteger) || N > 2 ** 20 || R > 32 || P > 16) return false;
  const expected = Buffer.from(keyB64, 'base64');
  const key = await scrypt(password, Buffer.from(saltB64, 'base64'), expected.length, { N, r: R, p: P, maxmem: 2 * 128 * N * R + 1024 * 1024 });
  return crypto.timingSafeEqual(key, expected);
}

// The most common passwords: the 49k-entry list that @zxcvbn-ts/language-common ships (compiled
// from leaked-password corpora, kept by the zxcvbn-ts project). Compared case-insensitively.
const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/**
 * A new password's policy (OWASP ASVS 5.0 §6.2): long enough, long passphrases welcome, no
 * composition rules, and not one of the most common passwords nor the account's own email or
 * name. Throws bad_request naming `field` otherwise.
 */
export function checkNewPassword(password: string, context: { email?: string; name?: string } = {}, field = 'password'): void {
  const refuse = (message: string) => {
    throw new AppError('bad_request', `Invalid input: ${field} ${message}`, [{ path: field, message }]);
  };
  if ([...password].length < PASSWORD_MIN_LENGTH) refuse(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH) refuse(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || COMMON.has(lower.trim())) refuse('is one of the most common passwords; choose another');
  const own = [context.email, context.email?.split('@')[0], context.name].filter((s): s is string => Boolean(s && s.length >= 3));
  if (own.some((s) => lower === s.toLowerCase())) refuse('must not be your email or name');
}
