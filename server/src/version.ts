import { createRequire } from 'node:module';

/** The server's version, from its package.json (the release's, see CHANGELOG.md). */
export const KAMFLO_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
