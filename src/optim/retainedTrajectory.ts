import type { TrajectoryRecord } from './trajectory.ts';

/**
 * How a run keeps its records in memory when they are bounded (TrainOptions.retain): every
 * stride-th record produced (stride doubling each time more than `retain` are kept, which drops
 * every other one), plus the final record — evenly spaced samples for figures, in O(retain) memory.
 */
export interface Retention {
  /** The most records kept (Infinity: all). */
  readonly retain: number;
  /** Every stride-th record produced is kept (a power of two). */
  stride: number;
  /** Records produced so far (kept or not). */
  produced: number;
  /** The step of the record produced last (−1 before any). */
  last: number;
}

/** A fresh retention for at most retain records, or one continued from a resumed run's state. */
export function createRetention(retain: number, from?: { stride: number; produced: number; last: number }): Retention {
  if (!(retain >= 2)) throw new RangeError(`retain must be ≥ 2 records, got ${retain}`);
  return { retain, stride: from?.stride ?? 1, produced: from?.produced ?? 0, last: from?.last ?? -1 };
}

/** Adds record r (the next one produced) to trajectory under retention; final records are always kept. */
export function retainRecord(trajectory: TrajectoryRecord[], ret: Retention, r: TrajectoryRecord, final = false): void {
  const keep = ret.produced % ret.stride === 0;
  ret.produced++;
  ret.last = r.step;
  if (!keep) {
    if (final) trajectory.push(r);
    return;
  }
  trajectory.push(r);
  if (trajectory.length > ret.retain) {
    // Records at even positions are those whose production index is a multiple of the doubled stride.
    let w = 0;
    for (let i = 0; i < trajectory.length; i += 2) trajectory[w++] = trajectory[i];
    trajectory.length = w;
    ret.stride *= 2;
  }
}
