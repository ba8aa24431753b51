/** How a loss curve passed the plateau at the critical value c_r (THEORY §8.1). */
export interface PlateauVisit {
  rank: number;
  /** The loss at the slowest iterate (smallest ‖∇L‖) among those closer to c_r than to c_{r±1}; NaN if none. */
  loss: number;
  /** |loss − c_r|/c_r. */
  relError: number;
  /** Iterations with |L − c_r| ≤ 0.01·c_r ("on the plateau"). */
  dwell: number;
  /** First iteration with L below (c_r + c_{r+1})/2, i.e. when the run left the plateau; −1 if it never did. */
  exit: number;
}

/**
 * The plateaus r = 0..r_max−1 of a loss curve against the critical values c = [c_0 > c_1 > … > c_rmax]:
 * losses[k] and gradNorms[k] are L and ‖∇L‖ at iteration k.
 */
export function analysePlateaus(losses: ArrayLike<number>, gradNorms: ArrayLike<number>, c: readonly number[]): PlateauVisit[] {
  const visits: PlateauVisit[] = [];
  for (let r = 0; r + 1 < c.length; r++) {
    const lo = 0.5 * (c[r] + c[r + 1]), hi = r === 0 ? Infinity : 0.5 * (c[r - 1] + c[r]);
    let best = -1, dwell = 0, exit = -1;
    for (let k = 0; k < losses.length; k++) {
      const l = losses[k];
      if (l > lo && l < hi && (best < 0 || gradNorms[k] < gradNorms[best])) best = k;
      if (Math.abs(l - c[r]) <= 0.01 * c[r]) dwell++;
      if (exit < 0 && l < lo) exit = k;
    }
    const loss = best < 0 ? Number.NaN : losses[best];
    visits.push({ rank: r, loss, relError: Math.abs(loss - c[r]) / c[r], dwell, exit });
  }
  return visits;
}
