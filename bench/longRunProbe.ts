/**
 * `node --expose-gc --import tsx bench/longRunProbe.ts STEPS…`: for each step count, a GD run of a
 * 5-4-4-5 network (records every 10 steps, at most 10⁴ kept, every record streamed to a CSV file as
 * `dln train` does), in one process; prints JSON [{ steps, rss, heap, kept, csvBytes }] after each.
 */
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/linalg/rng.ts';
import { statsFromData } from '../src/model/stats.ts';
import { initGaussian } from '../src/model/init.ts';
import { reportSec4 } from '../src/data/generators.ts';
import { constantSchedule, trainGD, trajectoryCsvRow } from '../src/optim/index.ts';

const targets = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'dln-longrun-')), csv = join(dir, 'trajectory.csv');
const stats = statsFromData(reportSec4(new Rng(1)));
let lines: string[] = [];
const out: { steps: number; rss: number; heap: number; kept: number; csvBytes: number }[] = [];
try {
  for (const steps of targets) {
    rmSync(csv, { force: true });
    const r = trainGD(stats, initGaussian([5, 4, 4, 5], new Rng(2), 0.05), {
      schedule: constantSchedule(2e-5), maxSteps: steps, recordEvery: 10, retain: 10000,
      onRecord(rec) { lines.push(trajectoryCsvRow(rec, 5, { hasT: false })); if (lines.length >= 256) { appendFileSync(csv, lines.join('\n') + '\n'); lines = []; } },
    });
    appendFileSync(csv, lines.length > 0 ? lines.join('\n') + '\n' : ''); lines = [];
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    out.push({ steps, rss: m.rss, heap: m.heapUsed, kept: r.trajectory.length, csvBytes: statSync(csv).size });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
