// Provided by tests/db/global-setup.ts and tests/mail/global-setup.ts.
declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    /** imap://user:pass@127.0.0.1:PORT of the test Dovecot, or '' when it could not start. */
    imapUrl: string;
    imapError: string;
  }
}
export {};
