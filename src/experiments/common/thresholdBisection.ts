import type { Mat } from '../../linalg/index.ts';
import type { Stats } from '../../model/index.ts';
import { createBatch, laneWeights, setLane, trainBatched } from '../../optim/index.ts';

/** One GD problem of a threshold search: start, data, and the global minimum's loss. */
export interface ThresholdProblem { readonly weights: readonly Mat[]; readonly stats: Stats; readonly minLoss: number; readonly loss0: number }

/** Brackets found per problem (THEORY §13.1): GD converges at convLo, not at convHi; it stays finite at blowLo, blows up at blowHi. */
export interface Thresholds {
  convLo: number;
  convHi: number;
  blowLo: number;
  blowHi: number;
  /** GD did not converge even at the lowest step tried (too slow for the iteration budget): no convergence threshold. */
  slow: boolean;
}

/** How a search decides, and how finely. */
export interface BisectionOptions {
  iterations: number;
  rounds: number;
  /** Converged: final L − L* ≤ relTol·(L(0) − L*) without divergence. */
  relTol: number;
}

/** Runs every problem at its step η_i for `iterations` GD steps on the batched engine; per problem whether it converged / diverged, and the final weights when wanted. */
export function runAt(dims: readonly number[], probs: readonly ThresholdProblem[], etas: readonly number[], options: BisectionOptions, keep = false):
  { converged: boolean[]; diverged: boolean[]; weights: Mat[][] | null } {
  const batch = createBatch(dims, probs.length);
  probs.forEach((p, lane) => setLane(batch, lane, p.weights, p.stats));
  const res = trainBatched(batch, { schedules: etas.map((lr) => ({ kind: 'constant' as const, lr })), maxSteps: options.iterations });
  const diverged = res.status.map((s) => s === 'diverged');
  const converged = probs.map((p, i) => !diverged[i] && Number.isFinite(res.loss[i]) && res.loss[i] - p.minLoss <= options.relTol * (p.loss0 - p.minLoss));
  return { converged, diverged, weights: keep ? probs.map((_, lane) => laneWeights(batch, lane)) : null };
}

/**
 * Bisection (on log η) of both thresholds of every problem at once. First GD runs at probes·base_i
 * (ascending multipliers; the last must lie above both thresholds, and is doubled up to 6 times until
 * GD blows up): the convergence bracket is (largest converging probe, next probe), the blow-up bracket
 * (largest finite probe below the first blow-up, first blow-up). Then each round tests the geometric
 * midpoints of both brackets, two lanes per problem; the brackets assume each property is monotone in η.
 */
export function bisectThresholds(dims: readonly number[], probs: readonly ThresholdProblem[], base: readonly number[], probes: readonly number[],
  options: BisectionOptions, onRound: (fraction: number) => void): Thresholds[] {
  const hiMult = probes[probes.length - 1];
  const t: Thresholds[] = probs.map((_, i) => ({ convLo: Number.NaN, convHi: hiMult * base[i], blowLo: 0, blowHi: Number.NaN, slow: false }));
  const update = (i: number, eta: number, conv: boolean, div: boolean): void => {
    const s = t[i];
    if (conv && !(eta <= s.convLo) && eta < s.convHi) s.convLo = eta;
    if (!conv && eta < s.convHi && eta > s.convLo) s.convHi = eta;
    if (div && !(eta >= s.blowHi)) s.blowHi = eta;
    if (!div && eta > s.blowLo && !(eta >= s.blowHi)) s.blowLo = eta;
  };
  const lanes = probes.flatMap((m) => probs.map((p, i) => ({ i, eta: m * base[i] })));
  const first = runAt(dims, lanes.map((l) => probs[l.i]), lanes.map((l) => l.eta), options);
  // Convergence: the largest converging probe first, then the smallest failing probe above it.
  lanes.forEach((l, j) => { if (first.converged[j] && !(l.eta <= t[l.i].convLo)) t[l.i].convLo = l.eta; });
  lanes.forEach((l, j) => { if (!first.converged[j] && l.eta > t[l.i].convLo && l.eta < t[l.i].convHi) t[l.i].convHi = l.eta; });
  lanes.forEach((l, j) => update(l.i, l.eta, first.converged[j], first.diverged[j]));
  for (let k = 0; k < 6; k++) {
    const open = probs.map((_, i) => i).filter((i) => Number.isNaN(t[i].blowHi));
    if (open.length === 0) break;
    const etas = open.map((i) => hiMult * base[i] * 2 ** (k + 1));
    const r = runAt(dims, open.map((i) => probs[i]), etas, options);
    open.forEach((i, j) => update(i, etas[j], r.converged[j], r.diverged[j]));
  }
  probs.forEach((_, i) => { if (Number.isNaN(t[i].convLo)) t[i].slow = true; });
  for (let round = 0; round < options.rounds; round++) {
    const lanes: { i: number; eta: number }[] = [];
    probs.forEach((_, i) => {
      const s = t[i];
      if (!s.slow) lanes.push({ i, eta: Math.sqrt(s.convLo * s.convHi) });
      if (Number.isFinite(s.blowHi) && s.blowLo > 0) lanes.push({ i, eta: Math.sqrt(s.blowLo * s.blowHi) });
    });
    if (lanes.length === 0) break;
    const r = runAt(dims, lanes.map((l) => probs[l.i]), lanes.map((l) => l.eta), options);
    lanes.forEach((l, j) => update(l.i, l.eta, r.converged[j], r.diverged[j]));
    onRound((round + 1) / options.rounds);
  }
  return t;
}
