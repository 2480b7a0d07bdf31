import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, offerTimeoutMs: 30_000, cookieSecure: false, logLevel: 'info' });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names every bad variable in one error', () => {
    expect(() => loadConfig({ PORT: 'eighty', MONGODB_URI: 'postgres://x', KAMFLO_ADMIN_EMAIL: 'nope' })).toThrowError(
      /PORT[\s\S]*MONGODB_URI: must start with mongodb:\/\/[\s\S]*KAMFLO_ADMIN_EMAIL: must be an email/,
    );
  });

  it('uses secure cookies behind an https public URL', () => {
    expect(loadConfig({ KAMFLO_PUBLIC_URL: 'https://support.example.com' }).cookieSecure).toBe(true);
  });
});
