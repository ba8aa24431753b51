// The browser playground in headless Chromium: GD steps per second in the page's worker (while the
// charts redraw) beside the same session code in Node on the same (WASM) backend, chart frame rate,
// time to first chart, the longest main-thread block and the bundle size. Alone:
// `npm run bench:playground` (bench/run.ts --only P), which prints the load average before and after.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { setBackend } from '../src/linalg/backend.ts';
import { createWasmBackend, readWasmKernels } from '../src/linalg/backends/wasmBackend.ts';
import { configFromParams } from '../src/playground/config.ts';
import { createSetup } from '../src/playground/setup.ts';
import { advance, createSession } from '../src/playground/session.ts';
import type { PageProbe } from '../src/playground/main.ts';
import { playgroundRoot, startPlaygroundServer } from '../src/node/playgroundServer.ts';
import { launchChromium, openLoopbackPage } from '../test/helpers/browser.ts';
import { type BenchContext, type BenchRow, type Workload, rate, seconds } from './common.ts';
import { gdStepFlops } from './flops.ts';

const NETWORKS = [
  { id: 'P1', name: '5-4-4-5, report data (m = 1000)', query: 'dims=5,4,4,5&data=report-sec4&init=gaussian&std=0.05&opt=gd&etaMode=value&eta=2e-5&seed=1&steps=100000000&every=10' },
  { id: 'P2', name: '10 layers of width 32, nrt data (m = 100)', query: 'dims=32,32,32,32,32,32,32,32,32,32,32&data=nrt&m=100&dx=32&dy=32&rank=8&init=orthogonal&scale=1&opt=gd&etaMode=sharpness&eta=0.5&seed=1&steps=100000000&every=10' },
];

/** GD steps per second of the page's session code in Node on the WASM backend (no deadline slices: one long advance). */
function nodeStepsPerSecond(query: string, ms: number): number {
  const bytes = readWasmKernels();
  if ('reason' in bytes) return Number.NaN;
  const prev = setBackend(createWasmBackend(bytes.bytes));
  try {
    const cfg = configFromParams(new URLSearchParams(query));
    const s = createSession(cfg, createSetup(cfg));
    advance(s, 200);
    const t0 = performance.now(), s0 = s.step;
    while (performance.now() - t0 < ms) advance(s, 1e9, performance.now() + 25);
    return ((s.step - s0) * 1000) / (performance.now() - t0);
  } finally {
    setBackend(prev);
  }
}

function folderBytes(dir: string): { raw: number; gzip: number } {
  let raw = 0, gzip = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) { const r = folderBytes(p); raw += r.raw; gzip += r.gzip; continue; }
    const b = readFileSync(p);
    raw += b.length; gzip += gzipSync(b).length;
  }
  return { raw, gzip };
}

async function measure(ctx: BenchContext): Promise<BenchRow[]> {
  const runMs = ctx.quick ? 2000 : 5000;
  const server = await startPlaygroundServer(playgroundRoot(), '127.0.0.1', 0);
  const browser = await launchChromium();
  const rows: BenchRow[] = [];
  let worstGap = 0, worstTask = 0, worstLoadTask = 0;
  try {
    for (const net of NETWORKS) {
      const { page } = await openLoopbackPage(browser, { width: 1366, height: 768 });
      const probe = (): Promise<PageProbe> => page.evaluate(() => (window as unknown as { dlnPlayground: PageProbe }).dlnPlayground);
      await page.goto(`${server.url}?${net.query}`);
      await page.waitForFunction(() => { const p = (window as unknown as { dlnPlayground?: PageProbe }).dlnPlayground; return p?.info != null && Number.isFinite(p.firstChartMs); }, null, { timeout: 60000 });
      const first = (await probe()).firstChartMs;
      await page.selectOption('#speed', 'Infinity');
      const runStart = await page.evaluate(() => performance.now());
      await page.click('#runpause');
      await page.waitForTimeout(500);
      const a = await probe(), t0 = Date.now();
      await page.waitForTimeout(runMs);
      const b = await probe(), dt = (Date.now() - t0) / 1000;
      await page.click('#runpause');
      const dims = b.info!.dims;
      const web = (b.step - a.step) / dt, node = nodeStepsPerSecond(net.query, runMs / 2);
      rows.push({
        id: net.id, workload: `playground worker, GD on ${net.name}, charts redrawing`, backend: `${b.backend} (Chromium worker)`, threads: 1,
        dln: rate(web, 'steps/s'), flops: gdStepFlops(dims),
        note: `Node, same session code and backend: ${node.toPrecision(4)} steps/s; page/Node = ${(web / node).toFixed(2)} (goal ≥ 0.67)`,
      });
      rows.push({
        id: `${net.id}f`, workload: `chart frame rate during the ${dims.length - 1}-layer run (redraws with new data)`, backend: 'uPlot canvas', threads: 1, dln: rate((b.frames - a.frames) / dt, 'frames/s'),
        note: `goal ≥ 30; main-thread time of a redraw: ${b.redrawLastMs.toFixed(1)} ms (slowest ${b.redrawMaxMs.toFixed(1)} ms); the page painted ${((b.animationFrames - a.animationFrames) / dt).toFixed(1)} animation frames/s`,
      });
      if (net.id === 'P1') rows.push({ id: 'P3', workload: 'time to first chart (navigation → charts with the critical values drawn)', backend: 'page', threads: 1, dln: seconds(first / 1000), note: 'localhost; goal < 1 s' });
      worstGap = Math.max(worstGap, b.maxFrameGapMs);
      // Tasks of the page's load (bundle compile, first set-up) are told apart from those while it runs.
      for (const t of b.longTasks) {
        if (t.start >= runStart) worstTask = Math.max(worstTask, t.ms); else worstLoadTask = Math.max(worstLoadTask, t.ms);
      }
      await page.context().close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  rows.push({
    id: 'P4', workload: 'longest main-thread block during the runs (gap between animation frames)', backend: 'page', threads: 1, dln: seconds(worstGap / 1000),
    note: `longest task the Long Tasks API reported while running: ${worstTask > 0 ? `${worstTask.toFixed(0)} ms` : 'none ≥ 50 ms'}, while loading the page: ${worstLoadTask > 0 ? `${worstLoadTask.toFixed(0)} ms` : 'none ≥ 50 ms'}; goal ≤ 50 ms`,
  });
  const size = folderBytes(playgroundRoot());
  rows.push({ id: 'P5', workload: 'bundle size of build/playground (page, worker, WASM kernels, CSS)', backend: 'vite', threads: 1, dln: { value: size.raw / 1024, unit: 'KiB', perSecond: false }, note: `${(size.gzip / 1024).toFixed(1)} KiB gzipped` });
  return rows;
}

/** The playground's speed in headless Chromium (skipped with a note when Chromium or the built page is missing). */
export const playground: Workload[] = [{
  id: 'P',
  async run(ctx) {
    try {
      return await measure(ctx);
    } catch (e) {
      return [{ id: 'P', workload: 'playground in headless Chromium', backend: '—', threads: 1, dln: rate(Number.NaN, 'steps/s'), note: `not measured: ${(e as Error).message.split('\n')[0]}` }];
    }
  },
}];
