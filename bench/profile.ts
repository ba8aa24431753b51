/**
 * The dln side of one workload, run for a few seconds under a profiler:
 *   node --cpu-prof --cpu-prof-dir=bench/out/prof --import tsx bench/profile.ts W2 [ts|wasm|native]
 *   node --import tsx bench/profileSummary.ts bench/out/prof/<file>.cpuprofile
 * (docs/performance.md quotes these summaries).
 */
import { Rng } from '../src/linalg/rng.ts';
import { type Mat, zeros } from '../src/linalg/mat.ts';
import { reportSec4, reportSec5 } from '../src/data/generators.ts';
import { statsFromData } from '../src/model/stats.ts';
import { initGaussian } from '../src/model/init.ts';
import { cloneWeights } from '../src/model/network.ts';
import { gdStep } from '../src/optim/gd.ts';
import { evaluateGradient, gradientEvaluation, trainGD } from '../src/optim/train.ts';
import { createBatch, setLane } from '../src/optim/batched/batch.ts';
import { trainBatched } from '../src/optim/batched/trainBatched.ts';
import { type BackendName, useBackend } from '../src/linalg/backends/selectBackend.ts';

const [id = 'W2', backend = 'ts'] = process.argv.slice(2);
const seconds = 4, t0 = performance.now();
const more = (): boolean => performance.now() - t0 < seconds * 1000;
const gaussian = (rows: number, cols: number, rng: Rng, std = 1): Mat => ({ rows, cols, data: rng.fillNormal(new Float64Array(rows * cols), std) });
useBackend(backend as BackendName, { threads: 1 });

if (id === 'W1' || id === 'W2') {
  const [data, dims, lr] = id === 'W1' ? [reportSec4(new Rng(1)), [5, 4, 4, 5], 2e-5] as const : [reportSec5(new Rng(1)), [5, 5, 5, 5], 1e-3] as const;
  const stats = statsFromData(data), w0 = initGaussian([...dims], new Rng(1), 0.05);
  while (more()) trainGD(stats, cloneWeights(w0), { schedule: { kind: 'constant', lr }, maxSteps: 100000, recordEvery: 100000 });
} else if (id === 'W3') {
  const dims = [5, 5, 5, 5], lanes = 1000, batch = createBatch(dims, lanes), rng = new Rng(3);
  for (let l = 0; l < lanes; l++) setLane(batch, l, initGaussian(dims, rng, 0.2), statsFromData(reportSec5(rng)));
  while (more()) trainBatched(batch, { schedules: { kind: 'constant', lr: 1e-3 }, maxSteps: 500 });
} else {
  const dims = id === 'W4' ? [512, 512, 512, 512] : [784, 256, 256, 10], m = id === 'W4' ? 4096 : 10000, rng = new Rng(4);
  const stats = statsFromData({ x: gaussian(dims[0], m, rng), y: gaussian(dims[3], m, rng) });
  const w = dims.slice(1).map((d, j) => gaussian(d, dims[j], rng, 1 / Math.sqrt(dims[j]))), g = w.map((x) => zeros(x.rows, x.cols));
  const how = gradientEvaluation(dims), out = new Float64Array(2);
  const t1 = performance.now();
  while (performance.now() - t1 < seconds * 1000) { evaluateGradient(w, stats, g, out, how); gdStep(w, g, 1e-9); }
}
