// What vite.locales.ts generates: English inlined, the other locales as files fetched on demand.
declare module 'virtual:kamflo-locales' {
  export const en: Omit<typeof import('../../locales/en.json'), 'launcher'>;
  /** Locale code → URL of its JSON file. */
  export const files: Record<string, string>;
}
