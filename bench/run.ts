/**
 * `npm run bench [-- --json FILE] [-- --only W1,W3] [-- --quick]`: dln's workloads (issue "Speed")
 * side by side with the same algorithms in numpy, in the same run, as ratios.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { workloads, type BenchRow } from './workloads.ts';
import { numpyVersion } from './numpyRunner.ts';
import { getBackend } from '../src/linalg/backend.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const only = flag('--only')?.split(',');
const quick = args.includes('--quick');
const jsonFile = flag('--json');

const np = numpyVersion();
const threads = availableParallelism();
console.log(`dln bench — ${cpus()[0]?.model ?? 'unknown CPU'}, ${threads} threads, backend ${getBackend().name}, numpy ${np ?? 'not available'}`);
console.log('numpy runs with OPENBLAS_NUM_THREADS equal to the threads dln uses for that workload (column "thr").\n');
const header = ['id', 'workload', 'thr', 'dln', 'numpy', 'dln/numpy', 'note'];
console.log(header.join('\t'));
const rows: BenchRow[] = [];
for (const w of workloads) {
  if (only && !only.includes(w.id)) continue;
  for (const row of await w.run({ quick, numpy: np !== null, threads })) {
    rows.push(row);
    const ratio = row.numpy ? (row.dln.value / row.numpy.value) : NaN;
    const fmt = (m?: { value: number; unit: string }) => (m ? `${m.value.toPrecision(4)} ${m.unit}` : '—');
    console.log([row.id, row.workload, row.threads, fmt(row.dln), fmt(row.numpy), Number.isNaN(ratio) ? '—' : `${ratio.toFixed(2)}×`, row.note ?? ''].join('\t'));
  }
}
if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ threads, numpy: np, backend: getBackend().name, rows }, null, 2));
