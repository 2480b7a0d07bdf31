// Bundles the server for production: `node dist/main.js` runs it without tsx.
// The workspace's own TypeScript (src/ and @kamflo/shared) is bundled; every package from
// node_modules stays external, so native modules (argon2) and optional ones (mongodb-memory-server)
// load as installed.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(serverDir, 'dist/main.js');

/** Bare imports are packages: external, except the workspace's own (@kamflo/*), which are TypeScript source. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@kamflo/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const started = performance.now();
const result = await build({
  entryPoints: [path.join(serverDir, 'src/main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  plugins: [externalPackages],
});
// A production install (`pnpm install --prod`) has only the runtime dependencies: the bundle may
// import nothing else, except the embedded database, which main.ts treats as optional.
const pkg = JSON.parse(fs.readFileSync(path.join(serverDir, 'package.json'), 'utf8'));
const optional = new Set(['mongodb-memory-server']);
const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
const missing = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const imp of output.imports) {
    if (!imp.external || imp.path.startsWith('node:') || builtinModules.includes(imp.path)) continue;
    const name = packageOf(imp.path);
    if (!(name in pkg.dependencies) && !optional.has(name)) missing.add(name);
  }
}
if (missing.size > 0) {
  console.error(`server: the bundle imports ${[...missing].join(', ')}, missing from the server's runtime dependencies`);
  process.exit(1);
}
const kb = (fs.statSync(outfile).size / 1024).toFixed(0);
const modules = Object.keys(result.metafile.inputs).length;
console.log(`server: dist/main.js ${kb} KB from ${modules} modules in ${Math.round(performance.now() - started)} ms`);
