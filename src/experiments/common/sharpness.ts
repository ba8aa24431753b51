import type { Stats } from '../../model/stats.ts';
import { maxRank } from '../../model/network.ts';
import { buildCriticalPoint } from '../../landscape/criticalPoint.ts';
import { hessianVerdict } from '../../landscape/hessianVerdict.ts';

/**
 * λ_max(∇²L) at the global minimiser of §5.7 with identity gauges (S = {1..r_max}) and the GD step
 * η = 1/λ_max used by THEORY §8.1–8.2 and §11's AMG re-run.
 */
export function stepAtMinimum(stats: Stats, dims: readonly number[]): { lambdaMax: number; eta: number } {
  const top = Array.from({ length: maxRank(dims) }, (_, i) => i + 1);
  const min = buildCriticalPoint(stats, dims, top, { kind: 'strict' });
  const lambdaMax = hessianVerdict(min.weights, stats).lambdaMax;
  return { lambdaMax, eta: 1 / lambdaMax };
}
