// The status line: the critical value the run is nearest, how long it has sat on that plateau, and
// η as a multiple of Theorem 2.4's bound (THEORY §4.3) and of 2/λ_max.
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
