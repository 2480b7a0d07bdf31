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

  it('metrics are off without KAMFLO_METRICS_TOKEN; a token must be at least 16 characters', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ KAMFLO_METRICS_TOKEN: 'a-long-enough-token' }).metricsToken).toBe('a-long-enough-token');
    expect(() => loadConfig({ KAMFLO_METRICS_TOKEN: 'short' })).toThrowError(/KAMFLO_METRICS_TOKEN: must be at least 16 characters/);
  });

  it('uses secure cookies behind an https public URL', () => {
    expect(loadConfig({ KAMFLO_PUBLIC_URL: 'https://support.example.com' }).cookieSecure).toBe(true);
  });

  it('reads the email channel: off by default, the support address required with any email setting', () => {
    expect(loadConfig({}).email).toMatchObject({ smtpUrl: undefined, inboundSmtpPort: undefined, imapUrl: undefined, maxMessageBytes: 25 * 1048576 });
    expect(() => loadConfig({ KAMFLO_SMTP_URL: 'smtp://mail.example.com:587' })).toThrowError(/KAMFLO_SUPPORT_ADDRESS: required when email is on/);
    expect(() => loadConfig({ KAMFLO_SMTP_URL: 'http://x', KAMFLO_IMAP_URL: 'pop3://x', KAMFLO_SUPPORT_ADDRESS: 'nobody' })).toThrowError(
      /KAMFLO_SMTP_URL: must be smtp:\/\/[\s\S]*KAMFLO_SUPPORT_ADDRESS: must be an address[\s\S]*KAMFLO_IMAP_URL: must be imaps:/,
    );
    const c = loadConfig({
      KAMFLO_SMTP_URL: 'smtps://u:p@mail.example.com:465',
      KAMFLO_SUPPORT_ADDRESS: 'Acme Support <Support@Acme.test>',
      KAMFLO_INBOUND_SMTP_PORT: '2525',
      KAMFLO_IMAP_URL: 'imaps://u:p@imap.example.com:993/INBOX',
      KAMFLO_EMAIL_MAX_ATTACHMENT_MB: '5',
    });
    expect(c.email).toMatchObject({
      supportAddress: { name: 'Acme Support', address: 'support@acme.test' },
      inboundSmtpPort: 2525,
      maxAttachmentBytes: 5 * 1048576,
    });
  });

  it('console origins: the public URL’s by default, or KAMFLO_CONSOLE_ORIGINS, each an origin', () => {
    expect(loadConfig({}).consoleOrigins).toEqual([]);
    expect(loadConfig({ KAMFLO_PUBLIC_URL: 'https://support.example.com/help' }).consoleOrigins).toEqual(['https://support.example.com']);
    expect(
      loadConfig({ KAMFLO_PUBLIC_URL: 'https://support.example.com', KAMFLO_CONSOLE_ORIGINS: 'https://a.example.com, http://localhost:3000' }).consoleOrigins,
    ).toEqual(['https://a.example.com', 'http://localhost:3000']);
    expect(() => loadConfig({ KAMFLO_CONSOLE_ORIGINS: 'https://a.example.com/console' })).toThrow(/KAMFLO_CONSOLE_ORIGINS: .* is not an origin/);
    expect(() => loadConfig({ KAMFLO_CONSOLE_ORIGINS: 'a.example.com' })).toThrow(/KAMFLO_CONSOLE_ORIGINS/);
  });

  it('rate limits and the visitor token lifetime have defaults and can be set', () => {
    const c = loadConfig({ KAMFLO_VISITOR_EVENT_RATE_LIMIT: '5', KAMFLO_VISITOR_TOKEN_DAYS: '7' });
    expect(c.limits.visitorEvents).toEqual({ points: 5, seconds: 10 });
    expect(c.limits.signIn).toEqual({ points: 20, seconds: 60 });
    expect(c.visitorTokenTtlMs).toBe(7 * 86_400_000);
    expect(loadConfig({}).visitorTokenTtlMs).toBe(30 * 86_400_000);
    expect(() => loadConfig({ KAMFLO_AGENT_EVENT_RATE_LIMIT: '0' })).toThrow(/KAMFLO_AGENT_EVENT_RATE_LIMIT/);
  });
});
