import type { Schedule } from '../optim/index.ts';

// The schedules themselves (k ↦ η_k) live in optim/schedules.ts; this file judges one against Theorem 2.4's bound.

/** Verdict of scheduleAdmissibility. */
export interface ScheduleAdmissibility {
  /** True when every step of the schedule satisfies (2.8) and Σ_k η_k = ∞ (THEORY §4.7). */
  admissible: boolean;
  /** Why not (empty when admissible). */
  reasons: string[];
  /** The first (and largest) step η_0. */
  firstStep: number;
  /** The largest admissible c for the schedule's b and p (the largest lr for a constant schedule). */
  maxC: number;
}

/** c_max = b^p·η_max, the largest c for which η_k = c/(k + b)^p never exceeds η_max (THEORY §4.7). */
export function largestAdmissibleC(b: number, p: number, etaMax: number): number {
  return Math.pow(b, p) * etaMax;
}

/**
 * Whether a schedule is admissible for Theorem 2.4 with bound η_max (THEORY §4.7): η_k = c/(k + b)^p is
 * admissible iff c ≤ b^p·η_max, b ≥ 1 and 0 < p ≤ 1 (nonincreasing, so η_0 ≤ η_max suffices; p ≤ 1 gives
 * Σ η_k = ∞); a constant schedule iff 0 < lr ≤ η_max. c = 0 (lr = 0) is not admissible: Σ η_k = 0.
 */
export function scheduleAdmissibility(schedule: Schedule, etaMax: number): ScheduleAdmissibility {
  if (!(Number.isFinite(etaMax) && etaMax > 0)) throw new RangeError(`scheduleAdmissibility: η_max must be a finite number > 0, got ${etaMax}`);
  const reasons: string[] = [];
  if (schedule.kind === 'constant') {
    const { lr } = schedule;
    if (!(lr > 0)) reasons.push(`lr = ${lr} must be > 0 (Σ η_k = ∞)`);
    if (!(lr <= etaMax)) reasons.push(`lr = ${lr} exceeds η_max = ${etaMax}`);
    return { admissible: reasons.length === 0, reasons, firstStep: lr, maxC: etaMax };
  }
  if (schedule.kind !== 'power') throw new RangeError(`scheduleAdmissibility: unknown schedule kind ${(schedule as { kind: string }).kind}`);
  const { c, b, p } = schedule;
  if (!(b >= 1 && Number.isFinite(b))) reasons.push(`b = ${b} must be a finite number ≥ 1`);
  if (!(p > 0 && p <= 1)) reasons.push(`p = ${p} must lie in (0, 1] (p > 1 gives Σ η_k < ∞)`);
  if (!(c > 0)) reasons.push(`c = ${c} must be > 0 (Σ η_k = ∞)`);
  const maxC = largestAdmissibleC(b, p, etaMax);
  if (!(c <= maxC)) reasons.push(`c = ${c} exceeds b^p·η_max = ${maxC}: the first step ${c / Math.pow(b, p)} is above η_max = ${etaMax}`);
  return { admissible: reasons.length === 0, reasons, firstStep: c / Math.pow(b, p), maxC };
}
