// Provided by tests/db/global-setup.ts.
declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}
export {};
