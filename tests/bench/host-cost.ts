/**
 * What the widget costs the page that embeds it, on a first page view (a visitor with no
 * conversation in progress). The same host page three ways: without a script, with an empty script
 * from the widget's origin (what any third-party script tag costs), and with widget.js; loaded in
 * turn in Chromium with the CPU slowed 4× (Lighthouse's mobile profile). Per variant: the time of
 * the script's own events from a devtools trace (compiling and evaluating it, its callbacks; wall
 * and CPU), the main thread's script, task and CPU time (CDP Performance metrics: ScriptDuration,
 * TaskDuration, ThreadTime), long tasks (> 50 ms, PerformanceObserver) and the requests made; then
 * widget minus each baseline (of the medians). Times are wall-clock unless "CPU": on a shared
 * machine other work stretches them, so compare the columns of one run, and the minimum (the run
 * least disturbed); the load average is printed beside them.
 *
 *   npx -y pnpm@10.34.8 bench:host [runs=15]
 *
 * Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium); the pnpm script builds the widget first.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const runs = Number(process.argv[2] ?? 15);
const here = path.dirname(fileURLToPath(import.meta.url));
const loaderFile = path.resolve(here, '../../widget/dist/widget.js');
if (!fs.existsSync(loaderFile)) throw new Error('widget/dist/widget.js is missing: build the widget first (pnpm build)');

/** A static server for one origin. */
async function serve(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

// The widget's origin (127.0.0.1) and the customer's site (localhost): cross-origin, as in production.
const kamflo = await serve((req, res) => {
  const body = req.url === '/widget.js' ? fs.readFileSync(loaderFile) : req.url === '/empty.js' ? 'void 0;' : undefined;
  if (body) {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
    return res.end(body);
  }
  // Nothing else may be asked for on a first view; answer so it would show in the request count.
  res.writeHead(404).end();
});
const kamfloUrl = `http://127.0.0.1:${kamflo.port}`;
const hostHtml = fs.readFileSync(path.resolve(here, '../fixtures/host.html'), 'utf8');
// The same page without a script, with an empty script from the same origin (what any third-party
// script tag costs), and with widget.js.
const pages = {
  bare: hostHtml.replace(/\s*<script[^>]*__KAMFLO__[^>]*><\/script>/, ''),
  empty: hostHtml.replace('__KAMFLO__/widget.js', `${kamfloUrl}/empty.js`),
  widget: hostHtml.replace('__KAMFLO__', kamfloUrl),
};
type Variant = keyof typeof pages;
const host = await serve((req, res) => {
  const html = pages[req.url?.slice(1) as Variant];
  if (!html) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
});
const hostUrl = `http://localhost:${host.port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

interface Sample {
  /** From the trace: widget.js's own events (compile, evaluate, its callbacks), wall and CPU. */
  ownMs: number;
  ownCpuMs: number;
  scriptMs: number;
  taskMs: number;
  cpuMs: number;
  longTasks: number;
  longestMs: number;
  requests: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tdur?: number;
  args?: { data?: { url?: string; stackTrace?: { url?: string }[] }; fileName?: string };
}
/** Time in top-level events that run the variant's script: compiling and evaluating it, and its callbacks. */
function ownTime(events: TraceEvent[]) {
  const mine = (e: TraceEvent) => {
    const d = e.args?.data;
    return [d?.url, e.args?.fileName, d?.stackTrace?.[0]?.url].some((u) => u?.endsWith('/widget.js') || u?.endsWith('/empty.js'));
  };
  let wall = 0;
  let cpu = 0;
  for (const e of events) {
    if (e.ph !== 'X' || !['EvaluateScript', 'v8.compile', 'FunctionCall', 'TimerFire', 'EventDispatch'].includes(e.name) || !mine(e)) continue;
    wall += (e.dur ?? 0) / 1000;
    cpu += (e.tdur ?? 0) / 1000;
  }
  return { wall, cpu };
}

async function measure(variant: Variant): Promise<Sample> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Performance.enable');
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  let requests = 0;
  page.on('request', () => requests++);
  await browser.startTracing(page, { categories: ['devtools.timeline'] });
  // An async script runs before the load event; networkidle also waits for anything it starts.
  // No DOM queries before the metrics are read: Playwright's own scripts would count as script time.
  await page.goto(`${hostUrl}/${variant}`, { waitUntil: 'networkidle' });
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  const own = ownTime(JSON.parse((await browser.stopTracing()).toString('utf8')).traceEvents);
  if (variant === 'widget') await page.getByRole('button', { name: 'Chat', exact: true }).waitFor({ timeout: 5000 });
  await context.close();
  return {
    ownMs: own.wall,
    ownCpuMs: own.cpu,
    scriptMs: metrics.ScriptDuration! * 1000,
    taskMs: metrics.TaskDuration! * 1000,
    cpuMs: metrics.ThreadTime! * 1000,
    longTasks: longTasks.length,
    longestMs: Math.max(0, ...longTasks),
    requests,
  };
}

const variants = Object.keys(pages) as Variant[];
const samples = Object.fromEntries(variants.map((v) => [v, [] as Sample[]])) as Record<Variant, Sample[]>;
// One warm-up each (caches, JIT in the browser process), then rotate the order so drift hits all.
for (const v of variants) await measure(v);
for (let i = 0; i < runs; i++) {
  for (let j = 0; j < variants.length; j++) {
    const v = variants[(i + j) % variants.length]!;
    samples[v].push(await measure(v));
  }
}
await browser.close();
kamflo.server.close();
host.server.close();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const max = (xs: number[]) => Math.max(...xs);
const min = (xs: number[]) => Math.min(...xs);
const col = (k: keyof Sample, v: Variant) => samples[v].map((s) => s[k]);
const f = (n: number) => n.toFixed(1).padStart(7);

const load = os.loadavg().map((n) => n.toFixed(1));
console.log(
  `\nhost page cost, first view, CPU ×4 slowdown, ${runs} runs each (median / min / max); load average ${load.join(' ')} on ${os.cpus().length} CPUs\n`,
);
console.log(
  `${''.padEnd(22)}${'bare'.padStart(24)}${'empty script'.padStart(24)}${'widget.js'.padStart(24)}${'widget − bare'.padStart(15)}${'− empty'.padStart(9)}`,
);
for (const [label, k] of [
  ["script's own ms", 'ownMs'],
  ["script's own CPU ms", 'ownCpuMs'],
  ['main-thread script ms', 'scriptMs'],
  ['main-thread tasks ms', 'taskMs'],
  ['main-thread CPU ms', 'cpuMs'],
  ['long tasks', 'longTasks'],
  ['longest task ms', 'longestMs'],
  ['requests', 'requests'],
] as const) {
  const cells = (v: Variant) => `${f(median(col(k, v)))} /${f(min(col(k, v)))} /${f(max(col(k, v)))}`;
  const delta = (v: Variant) => median(col(k, 'widget')) - median(col(k, v));
  console.log(`${label.padEnd(22)}${variants.map(cells).join(' ')}${f(delta('bare')).padStart(15)}${f(delta('empty')).padStart(9)}`);
}
const own = median(col('ownMs', 'widget'));
console.log(
  `\ntarget: ≤ 10 ms of widget script on the main thread: widget.js's own ${own.toFixed(1)} ms (min ${min(col('ownMs', 'widget')).toFixed(1)}; an empty script's ${median(col('ownMs', 'empty')).toFixed(1)}),` +
    ` page script +${(median(col('scriptMs', 'widget')) - median(col('scriptMs', 'bare'))).toFixed(1)} ms;` +
    ` long tasks at most ${max(col('longTasks', 'widget'))} with it, ${max(col('longTasks', 'bare'))} without; requests +${median(col('requests', 'widget')) - median(col('requests', 'bare'))}`,
);
