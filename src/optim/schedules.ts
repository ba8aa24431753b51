/**
 * Step-size schedules k ↦ η_k (k = 0, 1, …). Plain gradient descent is the constant schedule;
 * 'power' is the decreasing family η_k = c/(k + b)^p of THEORY §4.7 (NRT (5.2)–(5.3)).
 */
export type Schedule =
  | { kind: 'constant'; lr: number }
  | { kind: 'power'; c: number; b: number; p: number };

/** The constant schedule η_k = lr. */
export function constantSchedule(lr: number): Schedule {
  return { kind: 'constant', lr };
}

/** The schedule η_k = c/(k + b)^p. */
export function powerSchedule(c: number, b = 1, p = 1): Schedule {
  return { kind: 'power', c, b, p };
}

/**
 * Throws a RangeError naming the field when the schedule cannot produce finite non-negative steps:
 * lr, c ≥ 0 finite; b > 0 and p ≥ 0 finite. (THEORY §4.7's guarantees need b ≥ 1 and 0 < p ≤ 1; other
 * values are allowed for experiments.)
 */
export function validateSchedule(schedule: Schedule): void {
  const bad = (field: string, v: number, need: string): never => {
    throw new RangeError(`schedule ${schedule.kind}: ${field} must be ${need}, got ${v}`);
  };
  if (schedule.kind === 'constant') {
    if (!(Number.isFinite(schedule.lr) && schedule.lr >= 0)) bad('lr', schedule.lr, 'a finite number ≥ 0');
  } else if (schedule.kind === 'power') {
    if (!(Number.isFinite(schedule.c) && schedule.c >= 0)) bad('c', schedule.c, 'a finite number ≥ 0');
    if (!(Number.isFinite(schedule.b) && schedule.b > 0)) bad('b', schedule.b, 'a finite number > 0');
    if (!(Number.isFinite(schedule.p) && schedule.p >= 0)) bad('p', schedule.p, 'a finite number ≥ 0');
  } else {
    throw new RangeError(`unknown schedule kind ${(schedule as { kind: string }).kind}`);
  }
}

/** η_k of the schedule at step k (k = 0, 1, …). */
export function stepSize(schedule: Schedule, k: number): number {
  return schedule.kind === 'constant' ? schedule.lr : schedule.c / Math.pow(k + schedule.b, schedule.p);
}
