// The status line: the critical value the run is nearest, how long it has sat on that plateau, and
// η as a multiple of Theorem 2.4's bound (THEORY §4.3) and of 2/λ_max.
import { type LossExplanation, finalStatus } from '../landscape/index.ts';
import type { SetupInfo } from './setup.ts';

/** Within this relative distance of a critical value the run counts as on its plateau. */
export const PLATEAU_RTOL = 0.01;

/** The critical value nearest to loss (relative distance), or null when there are none. */
export function nearestCritical(info: SetupInfo, loss: number): { loss: number; rank: number; subset: number[]; rel: number } | null {
  let best: { loss: number; rank: number; subset: number[]; rel: number } | null = null;
  for (const c of info.critical) {
    const rel = Math.abs(loss - c.loss) / Math.max(Math.abs(c.loss), Number.MIN_VALUE);
    if (best === null || rel < best.rel) best = { ...c, rel };
  }
  return best;
}

/** Tracks since which step the run has stayed within PLATEAU_RTOL of the same critical value. */
export class PlateauTracker {
  private value: number | null = null;
  private since = 0;

  /** Feeds the loss at step; returns the plateau's value and its length in steps, or null when off every plateau. */
  update(info: SetupInfo, step: number, loss: number): { value: number; rank: number; steps: number } | null {
    const near = nearestCritical(info, loss);
    if (near === null || near.rel > PLATEAU_RTOL) { this.value = null; return null; }
    if (this.value !== near.loss) { this.value = near.loss; this.since = step; }
    return { value: near.loss, rank: near.rank, steps: step - this.since };
  }

  reset(): void { this.value = null; this.since = 0; }
}

/** A number for the status line: 4 significant digits. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

/** The multiples of the bound and of 2/λ_max(0) that η is. */
export function etaMultiples(info: SetupInfo, eta: number): string {
  const parts: string[] = [];
  if ('etaMax' in info.bound) parts.push(`η = ${fmt(eta / info.bound.etaMax)} × bound (η_max = ${fmt(info.bound.etaMax)})`);
  else parts.push(`η = ${fmt(eta)} (no Theorem 2.4 bound: ${info.bound.error})`);
  if (info.lambdaMax0 > 0) parts.push(`${fmt((eta * info.lambdaMax0) / 2)} × 2/λ_max(0)`);
  return parts.join(', ');
}

/**
 * The status line's "where": the critical value the loss is nearest and whether it is the global
 * minimum for these widths, a plateau (a saddle's value) or neither — `dln train`'s classification —
 * with how long the run has stayed within PLATEAU_RTOL of that value.
 */
export function whereText(x: LossExplanation, plateau: { value: number; steps: number } | null): string {
  // Six digits: neighbouring critical values of real data differ in the fourth.
  const fmt6 = (c: number): string => (Math.abs(c) >= 1e-3 && Math.abs(c) < 1e6 ? String(Number(c.toPrecision(6))) : c.toExponential(5));
  const v = fmt6(x.nearest.loss), s = `S = {${x.nearest.subset.join(',')}}`;
  const stay = plateau !== null && plateau.value === x.nearest.loss ? ` for ${plateau.steps.toLocaleString('en')} steps` : '';
  if (x.kind === 'global-minimum') return `at the global minimum for these widths: critical value ${v} (rank ${x.nearest.rank} ≤ ${x.rMax} = min width)${stay}`;
  if (x.kind === 'plateau') return `on a plateau: the saddle value ${v} (${s}, rank ${x.nearest.rank})${stay}; the global minimum is ${fmt6(x.globalMinimum)}`;
  const near = stay === '' ? '' : ` · within ${100 * PLATEAU_RTOL} % of it${stay}`;
  return `at no critical value: nearest ${v} (${s}, rank ${x.nearest.rank}), off by ${x.gap.toExponential(2)}${near}`;
}

/**
 * The run's state word: running, paused, or why it stopped — `converged` when it ran out of steps and
 * `dln train` would say so (finalStatus: gradient at rounding level, or given L(0), the loss test of THEORY §15.2).
 */
export function stateText(running: boolean, status: string, x: LossExplanation | null, run?: { lossInit: number; loss: number }): string {
  if (running) return 'running';
  if (status === 'paused' || status === 'ready') return x?.gradientAtRounding === true ? 'paused (converged: the gradient is at rounding level)' : 'paused';
  if (finalStatus(status, x, run) === 'converged') return 'stopped: converged';
  return `stopped: ${status}`;
}
