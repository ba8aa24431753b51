import { Rng } from '../linalg/rng.ts';
import { type Stats, statsFromData } from '../model/stats.ts';
import { assertFitsData } from '../model/network.ts';
import { type DataFlags, loadDataFromFlags } from './dataFlags.ts';

/** The flags every theory command shares: data, --seed, --json. */
export interface TheoryDataFlags extends DataFlags { seed: number; json?: true }

/** The data of --x/--y or --data as statistics; rng (seeded by --seed) is returned for what the command draws next. */
export function loadStats(flags: TheoryDataFlags): { stats: Stats; rng: Rng; checkDims(dims: number[]): void } {
  const rng = new Rng(flags.seed);
  const { dataset } = loadDataFromFlags(flags, rng, flags.seed);
  return { stats: statsFromData(dataset), rng, checkDims: (dims) => { assertFitsData(dims, dataset.x.rows, dataset.y.rows, '--dims'); } };
}
