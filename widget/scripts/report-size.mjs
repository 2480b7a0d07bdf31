// Prints the gzipped size of everything the widget build emits and fails over budget.
// Size is a product feature: the loader is on every page of a customer's site.
// The total budget holds everything one visitor can ever load: every file, except that of the
// locale files (alternatives: a visitor fetches exactly one) only the largest counts.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const LOADER = 'widget.js';
// widget.js draws the launcher, holds the page's API (argument checks, events) and relays to the
// frame it creates on intent: the smallest loader that does that is ~1.75 KB, far over the old
// 1 KB for a loader that only framed the app (ARCHITECTURE.md, "Widget size and storage decisions").
const LOADER_BUDGET = 2304;
const TOTAL_BUDGET = 25600;

const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));

let list;
try {
  list = files(dist).sort();
} catch {
  console.error(`widget size: nothing at ${dist}; run the build first`);
  process.exit(1);
}

const rows = list.map((path) => {
  const raw = readFileSync(path);
  return { file: relative(dist, path), raw: raw.length, gz: gzipSync(raw, { level: 9 }).length };
});
const isLocale = (file) => /^widget\/assets\/[a-z]{2}(-[A-Za-z]+)?-[\w-]+\.json$/.test(file);
const all = rows.reduce((n, r) => n + r.gz, 0);
const largestLocale = Math.max(0, ...rows.filter((r) => isLocale(r.file)).map((r) => r.gz));
const total = rows.filter((r) => !isLocale(r.file)).reduce((n, r) => n + r.gz, 0) + largestLocale;
const loader = rows.find((r) => r.file === LOADER);
const width = Math.max(...rows.map((r) => r.file.length), 5);

console.log(`\nwidget size (gzip -9)\n${'file'.padEnd(width)}  ${'raw'.padStart(8)}  ${'gzip'.padStart(8)}`);
for (const r of rows) console.log(`${r.file.padEnd(width)}  ${String(r.raw).padStart(8)}  ${String(r.gz).padStart(8)}`);
console.log(`${'all files'.padEnd(width)}  ${''.padStart(8)}  ${String(all).padStart(8)}`);
console.log(`${'one visitor at most'.padEnd(width)}  ${''.padStart(8)}  ${String(total).padStart(8)}  (budget ${TOTAL_BUDGET}; one locale file, the largest)`);

const problems = [];
if (!loader) problems.push(`${LOADER} is missing`);
else if (loader.gz > LOADER_BUDGET) problems.push(`${LOADER} is ${loader.gz} B gzipped, over its ${LOADER_BUDGET} B budget`);
if (total > TOTAL_BUDGET) problems.push(`one visitor can load ${total} B gzipped of the widget, over its ${TOTAL_BUDGET} B budget`);
if (problems.length) {
  for (const p of problems) console.error(`widget size: ${p}`);
  process.exit(1);
}
console.log(`${LOADER}: ${loader.gz} B of ${LOADER_BUDGET} B; one visitor at most: ${total} B of ${TOTAL_BUDGET} B (all files: ${all} B)`);
