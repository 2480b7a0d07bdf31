import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The server package's folder, found by walking up from the running module: the same answer from
 * src/lib/ under tsx and from the dist/main.js bundle, so files beside the code resolve in both.
 */
export function serverRoot(from: string = import.meta.url): string {
  let dir = path.dirname(fileURLToPath(from));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === '@kamflo/server') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no @kamflo/server package.json above ${from}`);
    dir = up;
  }
}
