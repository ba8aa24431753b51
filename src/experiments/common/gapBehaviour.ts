import type { Mat } from '../../linalg/index.ts';
import { type Stats, sharpness } from '../../model/index.ts';
import { constantSchedule, trainGD } from '../../optim/index.ts';

/** What GD does at a step between the convergence and the blow-up thresholds (THEORY §13.1). */
export interface GapOutcome {
  /** 'converged', 'period-p' (weights repeat every p steps, p ≤ 16), 'stalled' (a fixed point above the minimum), 'bounded' (neither), 'diverged'. */
  kind: string;
  /** Mean excess loss L − L* over the last 32 steps. */
  excess: number;
  /** λ_max(∇²L) at the last iterate, times η/2 (> 1: sharper than GD could converge to). */
  sharpnessRatio: number;
  /** Excess loss L − L* at every step (for a figure). */
  trace: number[];
}

const WINDOW = 48;

/** Runs GD at η and classifies the end of the run by comparing the last weight vectors θ_k with θ_{k−p}. */
export function gapBehaviour(stats: Stats, start: readonly Mat[], eta: number, iterations: number, minLoss: number, loss0: number, relTol: number): GapOutcome {
  const weights = start.map((w) => ({ rows: w.rows, cols: w.cols, data: Float64Array.from(w.data) }));
  const ring: Float64Array[] = [];
  const trace: number[] = [];
  const run = trainGD(stats, weights, {
    schedule: constantSchedule(eta), maxSteps: iterations, recordEvery: iterations,
    onProgress: (step, loss) => {
      trace.push(loss - minLoss);
      if (step >= iterations - WINDOW) {
        const theta = new Float64Array(weights.reduce((n, w) => n + w.data.length, 0));
        let o = 0;
        for (const w of weights) { theta.set(w.data, o); o += w.data.length; }
        ring.push(theta);
      }
    },
  });
  const tail = trace.slice(-32);
  const excess = tail.reduce((a, b) => a + b, 0) / Math.max(tail.length, 1);
  if (run.status === 'diverged') return { kind: 'diverged', excess: Number.POSITIVE_INFINITY, sharpnessRatio: Number.NaN, trace };
  const sharp = sharpness(run.weights, stats).lambdaMax * eta / 2;
  if (run.loss - minLoss <= relTol * (loss0 - minLoss)) return { kind: 'converged', excess, sharpnessRatio: sharp, trace };
  const dist = (p: number): number => {
    let worst = 0;
    for (let k = ring.length - 16; k < ring.length; k++) {
      const a = ring[k], b = ring[k - p];
      let num = 0, den = 0;
      for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += a[i] ** 2; }
      worst = Math.max(worst, Math.sqrt(num / den));
    }
    return worst;
  };
  if (ring.length >= 32) {
    if (dist(1) <= 1e-9) return { kind: 'stalled', excess, sharpnessRatio: sharp, trace };
    for (let p = 2; p <= 16; p++) if (dist(p) <= 1e-7) return { kind: `period-${p}`, excess, sharpnessRatio: sharp, trace };
  }
  return { kind: 'bounded', excess, sharpnessRatio: sharp, trace };
}
