/**
 * `npm run bench [-- --json FILE] [-- --only W1,W3] [-- --quick]`: dln's workloads (issue "Speed")
 * side by side with the same algorithms in numpy, in the same run, as ratios.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { availableBackends, nativeCoreType, takeBackendNotices } from '../src/linalg/backends/selectBackend.ts';
import { prepareOpenblasCoreType } from '../src/node/openblasCoreType.ts';
import { workloads } from './workloads.ts';
import { numpyVersion } from './numpyRunner.ts';
import { measureFmaPeak } from './peak.ts';
import { type BenchContext, type BenchRow, type Measure, gflops, speedRatio } from './common.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const only = flag('--only')?.split(',');
const quick = args.includes('--quick');
const jsonFile = flag('--json');

function fmt(m: Measure | undefined): string {
  if (!m) return '—';
  if (m.unit !== 's') return `${m.value.toPrecision(4)} ${m.unit}`;
  return m.value >= 1 ? `${m.value.toPrecision(3)} s` : m.value >= 1e-3 ? `${(m.value * 1e3).toPrecision(3)} ms` : `${(m.value * 1e6).toPrecision(3)} µs`;
}

// As `dln` does at start: the OpenBLAS core type is settled before the native addon loads.
const coreDecision = prepareOpenblasCoreType();
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const started = performance.now();
const np = numpyVersion();
const threads = availableParallelism();
const peak = measureFmaPeak(np !== null);
const ctx: BenchContext = { quick, numpy: np !== null, threads, backends: availableBackends(), peak, outDir: fileURLToPath(new URL('./out/', import.meta.url)), extra: {} };
const head = {
  openblasCore: nativeCoreType() ?? null,
  cpu: cpus()[0]?.model ?? 'unknown CPU', threads, node: process.version, numpy: np, backends: ctx.backends, peak, loadAtStart: load(), quick,
};
console.log(`dln bench${quick ? ' --quick' : ''} — ${head.cpu}, ${threads} threads, Node ${process.version}, numpy ${np ?? 'not available'}`);
for (const notice of takeBackendNotices()) console.log(`note: ${notice}`);
const coreNote = { user: 'set by OPENBLAS_CORETYPE', chosen: `chosen by dln: OpenBLAS detected ${coreDecision.detected ?? '?'}`, detected: "OpenBLAS's own detection", none: '' }[coreDecision.source];
console.log(`OpenBLAS core type in use: ${nativeCoreType() ?? 'none (no native backend)'}${coreNote ? ` (${coreNote})` : ''}`);
console.log(`kernel backends here: ${ctx.backends.join(', ')}; load average (1, 5, 15 min) at start: ${head.loadAtStart}`);
console.log(peak
  ? `FMA peak per core: ${peak.scalar ? `scalar ${peak.scalar.toFixed(1)}, 128-bit ${peak.simd128?.toFixed(1)}, ` : ''}256-bit ${peak.avx2.toFixed(1)} GFLOP/s — ${peak.source}`
  : 'FMA peak: not measured (no C compiler, no numpy)');
console.log('"% peak" = GFLOP/s ÷ (256-bit peak per core × thr). numpy runs with OPENBLAS_NUM_THREADS = thr; "np thr" is what OpenBLAS reports inside numpy.\n');
const cols: [string, number][] = [['id', 5], ['workload', 58], ['backend', 20], ['thr', 4], ['dln', 18], ['numpy', 18], ['np thr', 7], ['dln/numpy', 10], ['GFLOP/s', 9], ['% peak', 7]];
const line = (cells: string[]): string => cells.map((c, i) => (i < cols.length ? c.padEnd(cols[i][1]) : c)).join(' ');
console.log(line([...cols.map(([c]) => c), 'note']));
const rows: BenchRow[] = [];
const spent: Record<string, number> = {};
for (const w of workloads) {
  if (only && !only.some((o) => w.id.startsWith(o))) continue;
  const t0 = performance.now();
  const result = await w.run(ctx);
  spent[w.id] = (performance.now() - t0) / 1000;
  for (const row of result) {
    rows.push(row);
    const ratio = speedRatio(row), g = gflops(row);
    const pct = peak && Number.isFinite(g) ? `${((100 * g) / (peak.avx2 * row.threads)).toFixed(1)}%` : '—';
    console.log(line([
      row.id, row.workload, row.backend, String(row.threads), fmt(row.dln), fmt(row.numpy), row.numpy ? String(row.numpy.threads ?? '?') : '—',
      Number.isNaN(ratio) ? '—' : `${ratio.toFixed(2)}×`, Number.isFinite(g) ? g.toPrecision(3) : '—', pct, row.note ?? '',
    ]));
  }
}
console.log(`\nload average at end: ${load()}; ${((performance.now() - started) / 1000).toFixed(0)} s (${Object.entries(spent).map(([k, v]) => `${k} ${v.toFixed(0)} s`).join(', ')})`);
if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ ...head, loadAtEnd: load(), rows: rows.map((r) => ({ ...r, ratio: speedRatio(r), gflops: gflops(r) })), seconds: spent, ...ctx.extra }, null, 2));
