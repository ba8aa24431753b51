import type { Mat } from '../linalg/index.ts';
import { type Stats, type SharpnessOptions, type SharpnessState, type SharpnessTracker, createSharpnessTracker } from '../model/index.ts';
import type { TrajectoryRecord } from './trajectory.ts';

/** Sharpness recording of a run (THEORY §12): a SharpnessTracker's options plus how often. */
export interface SharpnessRecording extends SharpnessOptions {
  /** Measure at the records whose step is a multiple of every (and at the final state); an integer ≥ 1. */
  every: number;
}

/** What a trainer keeps to record the sharpness: the tracker and its schedule. */
export interface SharpnessRecorder {
  readonly tracker: SharpnessTracker;
  readonly every: number;
  readonly lambdaMin: boolean;
}

/** Throws a RangeError naming the bad field of a SharpnessRecording. */
export function validateSharpnessRecording(s: SharpnessRecording): void {
  if (!Number.isInteger(s.every) || s.every < 1) throw new RangeError(`sharpness.every must be an integer ≥ 1, got ${s.every}`);
  if (s.method !== undefined && !['auto', 'dense', 'lanczos'].includes(s.method)) throw new RangeError(`sharpness.method must be 'auto', 'dense' or 'lanczos', got ${String(s.method)}`);
}

/** A recorder for widths dims, continuing from a checkpointed tracker state when given; null without recording. */
export function createSharpnessRecorder(dims: readonly number[], s: SharpnessRecording | undefined, state?: SharpnessState): SharpnessRecorder | null {
  if (s === undefined) return null;
  validateSharpnessRecording(s);
  const tracker = createSharpnessTracker(dims, s);
  if (state !== undefined) tracker.restore(state);
  return { tracker, every: s.every, lambdaMin: s.lambdaMin ?? false };
}

/**
 * Adds sharpness (and lambdaMin) to the record when its step is due (a multiple of every) or
 * `final` is set and the record has none yet. Returns whether it measured.
 */
export function recordSharpness(r: SharpnessRecorder | null, rec: TrajectoryRecord, weights: readonly Mat[], stats: Stats, final = false): boolean {
  if (r === null || rec.sharpness !== undefined || !(final || rec.step % r.every === 0)) return false;
  rec.sharpness = r.tracker.measure(weights, stats);
  if (r.lambdaMin) rec.lambdaMin = r.tracker.lambdaMin;
  return true;
}
