import fs from 'node:fs';
import path from 'node:path';
import { serverRoot } from './lib/paths.ts';

/** The server's version, from its package.json (the release's, see CHANGELOG.md). */
export const KAMFLO_VERSION: string = (JSON.parse(fs.readFileSync(path.join(serverRoot(), 'package.json'), 'utf8')) as { version: string }).version;
