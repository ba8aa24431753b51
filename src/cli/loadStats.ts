import { PremiseError } from '../errors.ts';
import { Rng } from '../linalg/rng.ts';
import { type Stats, statsFromData } from '../model/stats.ts';
import { checkDimsMatchData } from '../data/validate.ts';
import { type DataFlags, loadDataFromFlags } from './dataFlags.ts';

/**
 * PremiseError('sigma-xx-singular') unless Σ_XX = XXᵀ is invertible: Assumption 1 of AMG (THEORY §5.1),
 * on which the critical values, the critical points and their classification rest. what names the use.
 */
export function requireInvertibleSxx(stats: Stats, what: string): void {
  if (stats.rankXX === stats.dx) return;
  const few = stats.m < stats.dx ? `, only m = ${stats.m} samples for d_x = ${stats.dx} features` : '';
  throw new PremiseError('sigma-xx-singular',
    `Σ_XX = XXᵀ is singular (rank ${stats.rankXX} < d_x = ${stats.dx}${few}); ${what} needs Σ_XX invertible (Assumption 1, THEORY §5.1)`);
}

/** The flags every theory command shares: data, --seed, --json. */
export interface TheoryDataFlags extends DataFlags { seed: number; json?: true }

/** The data of --x/--y or --data as statistics; rng (seeded by --seed) is returned for what the command draws next. */
export function loadStats(flags: TheoryDataFlags): { stats: Stats; rng: Rng; checkDims(dims: number[]): void } {
  const rng = new Rng(flags.seed);
  const { dataset } = loadDataFromFlags(flags, rng, flags.seed);
  return { stats: statsFromData(dataset), rng, checkDims: (dims) => { checkDimsMatchData(dims, dataset.x, dataset.y); } };
}
