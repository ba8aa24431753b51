import type { Mat } from '../../linalg/index.ts';
import type { Stats } from '../../model/index.ts';
import { constantSchedule, trainGD } from '../../optim/index.ts';
import { median } from './summary.ts';

/** One full-batch GD run of the edge-of-stability experiment, measured as THEORY §12.1 describes. */
export interface EosRun {
  eta: number;
  status: string;
  steps: number;
  /** Record steps with the loss and the sharpness there (NaN where not finite). */
  recordSteps: number[];
  loss: number[];
  sharpness: number[];
  /** Sharpness at the start and at the end, in units of 2/η (ηS/2). */
  start: number;
  final: number;
  max: number;
  /** First record step with ηS/2 ≥ 0.9 (null when never). */
  reach: number | null;
  /** Median ηS/2 over the records from `reach` on, and the share of them within [0.9, 1.1]. */
  hoverMedian: number;
  hoverShare: number;
  /** Share of steps after `reach` (or of all steps when never reached) at which the loss rose. */
  riseShare: number;
  lossStart: number;
  lossFinal: number;
  /** Loss at `reach` (NaN when never reached). */
  lossAtReach: number;
  /** Whether the loss stalled above 1e-6·L(0): its running minimum fell by less than 1 % over the second half of the run. */
  stalled: boolean;
}

/** GD with constant step eta from w (updated in place), sharpness recorded every `every` steps (THEORY §12). */
export function eosRun(stats: Stats, w: Mat[], eta: number, steps: number, every: number): EosRun {
  const losses: number[] = [];
  const r = trainGD(stats, w, {
    schedule: constantSchedule(eta), maxSteps: steps, recordEvery: every, sharpness: { every },
    onProgress: (_k, loss) => { losses.push(loss); },
  });
  const rec = r.trajectory;
  const u = rec.map((x) => (eta * (x.sharpness ?? Number.NaN)) / 2);
  const reachIdx = u.findIndex((v) => v >= 0.9);
  const reach = reachIdx >= 0 ? rec[reachIdx].step : null;
  const after = reachIdx >= 0 ? u.slice(reachIdx) : [];
  let rises = 0, counted = 0;
  for (let k = Math.max(1, reach ?? 1); k < losses.length; k++) { counted++; if (losses[k] > losses[k - 1]) rises++; }
  const finite = u.filter(Number.isFinite);
  const half = Math.floor(losses.length / 2);
  const minOf = (a: number[]): number => a.reduce((m, v) => (v < m ? v : m), Infinity);
  const stalled = r.status !== 'diverged' && r.loss > 1e-6 * losses[0] && minOf(losses) >= 0.99 * minOf(losses.slice(0, half + 1));
  return {
    eta, status: r.status, steps: r.steps, recordSteps: rec.map((x) => x.step), loss: rec.map((x) => x.loss), sharpness: rec.map((x) => x.sharpness ?? Number.NaN),
    start: u[0], final: u[u.length - 1], max: finite.length > 0 ? Math.max(...finite) : Number.NaN, reach,
    hoverMedian: median(after), hoverShare: after.length > 0 ? after.filter((v) => v >= 0.9 && v <= 1.1).length / after.length : Number.NaN,
    riseShare: counted > 0 ? rises / counted : 0, lossStart: rec[0].loss, lossFinal: r.loss,
    lossAtReach: reachIdx >= 0 ? rec[reachIdx].loss : Number.NaN, stalled,
  };
}
