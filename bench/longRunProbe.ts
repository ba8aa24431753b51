/**
 * `node --expose-gc --import tsx bench/longRunProbe.ts TOTAL EVERY CHECKPOINT…`: one GD run of a
 * 5-4-4-5 network for TOTAL steps, a record every EVERY steps (at most 10⁴ kept in memory, every
 * record streamed to a CSV file as `dln train` does); when the run passes each CHECKPOINT step, the
 * heap is collected and the resident memory read. Prints JSON { kept, points: [{ steps, rss, heap
 * (used), heapTotal (what V8 has committed), streamed, csvBytes, seconds }] } (kept: records held in memory at the end; one point per checkpoint),
 * so that the points show whether memory grows with the run.
 */
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/linalg/rng.ts';
import { statsFromData } from '../src/model/stats.ts';
import { initGaussian } from '../src/model/init.ts';
import { reportSec4 } from '../src/data/generators.ts';
import { constantSchedule, trainGD, trajectoryCsvRow } from '../src/optim/index.ts';

const [total, every, ...checkpoints] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'dln-longrun-')), csv = join(dir, 'trajectory.csv');
const stats = statsFromData(reportSec4(new Rng(1)));
let lines: string[] = [], streamed = 0, kept = 0;
const flush = (): void => { if (lines.length > 0) appendFileSync(csv, lines.join('\n') + '\n'); lines = []; };
const out: { steps: number; rss: number; heap: number; heapTotal: number; streamed: number; csvBytes: number; seconds: number }[] = [];
const t0 = performance.now();
try {
  let next = 0;
  const r = trainGD(stats, initGaussian([5, 4, 4, 5], new Rng(2), 0.05), {
    schedule: constantSchedule(2e-5), maxSteps: total, recordEvery: every, retain: 10000,
    onRecord(rec) {
      lines.push(trajectoryCsvRow(rec, 5, { hasT: false }));
      streamed++;
      if (lines.length >= 256) flush();
      if (next < checkpoints.length && rec.step >= checkpoints[next]) {
        flush();
        (globalThis as { gc?: () => void }).gc?.();
        const m = process.memoryUsage();
        out.push({ steps: rec.step, rss: m.rss, heap: m.heapUsed, heapTotal: m.heapTotal, streamed, csvBytes: statSync(csv).size, seconds: (performance.now() - t0) / 1000 });
        next++;
      }
    },
  });
  flush();
  kept = r.trajectory.length;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ kept, points: out }));
