import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchRow, Measure, Workload } from './common.ts';

const probe = fileURLToPath(new URL('./memoryProbe.ts', import.meta.url));
const bytes = (value: number): Measure => ({ value, unit: 'B', perSecond: false });
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

interface HeapRun {
  firstAllocated: number; firstRetained: number; firstCollections: number; retained: number; perRun: number; perStep: number; collections: number;
}
interface BatchRun { lanes: number; needed: number; allocated: number; heapGrowth: number; rssGrowth: number }

/** Memory (issue target 5), measured in a child process started with --expose-gc (bench/memoryProbe.ts). */
const m: Workload = {
  id: 'M',
  async run(ctx) {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', probe, ...(ctx.quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`memory probe failed: ${r.stderr.trim().split('\n').pop()}`);
    const p = JSON.parse(r.stdout) as { small: HeapRun; wide: HeapRun; batch: BatchRun };
    const kib = (b: number): string => `${(b / 1024).toFixed(0)} KiB`;
    const heapRow = (name: string, h: HeapRun): BenchRow => ({
      id: 'M1', workload: `heap retained by 10⁴ trainGD steps, ${name}`, backend: 'ts', threads: 1, dln: bytes(h.retained),
      note: `after gc, minus before; allocated ${h.perStep.toFixed(2)} B/step + ${kib(h.perRun)} per run (records, workspaces; ${h.collections} collections while measuring); `
        + `the first run in the process allocates ${kib(h.firstAllocated)} (V8 interpreter before the loop is optimised) and keeps ${kib(h.firstRetained)} (compiled code)`,
    });
    const b = p.batch;
    return [
      heapRow('5-5-5-5 (generated kernel)', p.small),
      heapRow('12-12-12-12 (lossAndGrad)', p.wide),
      {
        id: 'M2', workload: `batched engine, ${b.lanes} lanes of 5-5-5-5: allocated / (weights + gradients + workspaces + statistics)`, backend: 'engine', threads: 2,
        dln: { value: b.allocated / b.needed, unit: '×', perSecond: false },
        note: `needed ${mib(b.needed)}, allocated ${mib(b.allocated)}, resident growth after training ${mib(b.rssGrowth)} (${(b.rssGrowth / b.needed).toFixed(2)}×, the worker's heap included: the generated kernels never touch the gradient and workspace arrays)`,
      },
    ];
  },
};

const longProbe = fileURLToPath(new URL('./longRunProbe.ts', import.meta.url));

/**
 * Resident memory along one long GD run (the trajectory streamed to disk, at most 10⁴ records kept):
 * read at 10⁶, 10⁷ and 10⁸ steps of the same run (10⁵ and 10⁶ with --quick), so flat memory shows as equal rows.
 */
const m3: Workload = {
  id: 'M3',
  async run(ctx) {
    const [total, every, marks] = ctx.quick ? [1e6, 100, [1e5, 1e6]] : [1e8, 1000, [1e6, 1e7, 1e8]];
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', longProbe, String(total), String(every), ...marks.map(String)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`long-run probe failed: ${r.stderr.trim().split('\n').pop()}`);
    const run = JSON.parse(r.stdout) as { kept: number; points: { steps: number; rss: number; heap: number; heapTotal: number; streamed: number; csvBytes: number; seconds: number }[] };
    const first = run.points[0];
    return run.points.map((x) => ({
      id: 'M3', workload: `resident memory after ${x.steps.toExponential(0)} steps of one ${total.toExponential(0)}-step GD run, 5-4-4-5, a record every ${every} steps`,
      backend: 'ts', threads: 1, dln: bytes(x.rss),
      note: `heap ${mib(x.heap)} used of ${mib(x.heapTotal)} committed; ${x.streamed} records streamed to trajectory.csv (${mib(x.csvBytes)}) in ${x.seconds.toFixed(1)} s`
        + (x === first ? '' : `; ${mib(x.rss - first.rss)} more resident than at ${first.steps.toExponential(0)} steps, ${run.kept} records kept in memory at the end`),
    }));
  },
};

export const memory: Workload[] = [m, m3];
