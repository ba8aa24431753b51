import type { ClassifyOptions } from './spec.ts';

/** How a sweep names the end of a run (THEORY §15.2). */
export type CellStatus = 'converged' | 'diverged' | 'max-steps' | 'oscillating' | 'plateau';

/** What classifyRun looks at: trainGD's stop, the recorded loss curve, and the landscape's values. */
export interface RunSummary {
  stop: 'converged' | 'diverged' | 'max-steps';
  /** L and ‖∇L‖ at step 0, then at the recorded steps (ascending). */
  steps: readonly number[];
  loss: readonly number[];
  /** The global minimum L* of the landscape and its plateau values c_0 > … > c_{r_max} (= L*). */
  lossMin: number;
  plateaus: readonly number[];
}

/** Steps spent within plateauRel·c_r of each non-global plateau value c_r, r = 0..r_max − 1 (a recorded point counts until the next). */
export function plateauSteps(s: RunSummary, rel: number): number[] {
  const c = s.plateaus.slice(0, -1);
  return c.map((cr) => {
    let dwell = 0;
    for (let k = 0; k + 1 < s.steps.length; k++) if (Math.abs(s.loss[k] - cr) <= rel * cr) dwell += s.steps[k + 1] - s.steps[k];
    return dwell;
  });
}

/** True when the last `window` one-step loss differences mostly alternate in sign and the excess loss has not halved. */
function oscillates(s: RunSummary, window: number): boolean {
  const n = s.loss.length;
  if (n < window + 1) return false;
  const first = n - 1 - window;
  for (let k = first; k < n - 1; k++) if (s.steps[k + 1] - s.steps[k] !== 1) return false;
  let flips = 0;
  for (let k = first + 1; k < n - 1; k++) {
    const a = s.loss[k] - s.loss[k - 1], b = s.loss[k + 1] - s.loss[k];
    if (a * b < 0) flips++;
  }
  const excessEnd = s.loss[n - 1] - s.lossMin, excessStart = s.loss[first] - s.lossMin;
  return flips >= 0.75 * (window - 1) && excessEnd > 0.5 * excessStart;
}

/**
 * The status of a finished run that has not converged by `finalStatus` (THEORY §15.2, the rule dln
 * train shares, which evaluateCells applies first): trainGD's 'diverged' and 'converged' stand; a run
 * that used its steps is 'oscillating' when its loss alternates up and down over the last window,
 * 'plateau' when it ends within plateauRel of a non-global plateau value, else 'max-steps'.
 */
export function classifyRun(s: RunSummary, o: ClassifyOptions): CellStatus {
  if (s.stop !== 'max-steps') return s.stop;
  const end = s.loss[s.loss.length - 1];
  if (oscillates(s, o.window)) return 'oscillating';
  if (s.plateaus.slice(0, -1).some((c) => Math.abs(end - c) <= o.plateauRel * c)) return 'plateau';
  return 'max-steps';
}
