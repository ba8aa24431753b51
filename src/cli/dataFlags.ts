import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../errors.ts';
import { Rng } from '../linalg/rng.ts';
import type { Dataset } from '../model/stats.ts';
import { type BuiltinName, builtinData, builtinNames } from '../data/generators.ts';
import { loadDataset } from './files.ts';
import { fileSha256 } from './fileSha256.ts';
import { oneOf } from './flagParsers.ts';

/** Names accepted by --data. */
export function builtinDataNames(): readonly BuiltinName[] {
  return builtinNames;
}

/** Adds --x, --y (files with one sample per row) and --data (a built-in generator). */
export function addDataOptions(cmd: Command): Command {
  return cmd
    .option('--x <file>', 'inputs, one sample per row (.npy, .npz, .csv, .tsv or .txt)')
    .option('--y <file>', 'targets, one sample per row (.npy, .npz, .csv, .tsv or .txt)')
    .option('--x-key <name>', 'the array of an --x .npz holding the inputs (needed unless it holds exactly one)')
    .option('--y-key <name>', 'the array of a --y .npz holding the targets (needed unless it holds exactly one)')
    .option('--data <name>', `a built-in data set drawn with --seed: ${builtinDataNames().join(', ')}`);
}

/** Where the data come from, as a run's config.json records it (file paths absolute). */
export type DataSource =
  | { kind: 'files'; x: string; y: string; xSha256: string; ySha256: string; xKey?: string; yKey?: string }
  | { kind: 'builtin'; name: string; seed: number };

/** The flags --x, --y, --data as given. */
export interface DataFlags { x?: string; y?: string; data?: string; xKey?: string; yKey?: string }

/**
 * Loads the data that --x/--y or --data name (relative paths from the working directory); rng draws
 * built-in data and is then used further by the caller (the initialisation). Returns the data and
 * its source record.
 */
export function loadDataFromFlags(flags: DataFlags, rng: Rng, seed: number): { dataset: Dataset; source: DataSource } {
  if (flags.data !== undefined) {
    if (flags.x !== undefined || flags.y !== undefined) throw new InputError('--data cannot be combined with --x/--y');
    if (flags.xKey !== undefined || flags.yKey !== undefined) throw new InputError('--x-key and --y-key choose arrays of --x/--y .npz files; --data needs neither');
    const name = oneOf('--data', builtinDataNames())(flags.data);
    return { dataset: builtinData[name](rng), source: { kind: 'builtin', name, seed } };
  }
  if (flags.x === undefined && flags.y === undefined) throw new InputError('no data: give --x X --y Y (files) or --data NAME');
  if (flags.x === undefined) throw new InputError('--y needs --x (the inputs)');
  if (flags.y === undefined) throw new InputError('--x needs --y (the targets)');
  // Read as typed (messages name the files as the user wrote them); recorded as absolute paths.
  const keys = { ...(flags.xKey !== undefined ? { x: flags.xKey } : {}), ...(flags.yKey !== undefined ? { y: flags.yKey } : {}) };
  const dataset = loadDataset(flags.x, flags.y, keys);
  const x = resolve(flags.x), y = resolve(flags.y);
  return {
    dataset,
    source: {
      kind: 'files', x, y, xSha256: fileSha256(x), ySha256: fileSha256(y),
      ...(flags.xKey !== undefined ? { xKey: flags.xKey } : {}), ...(flags.yKey !== undefined ? { yKey: flags.yKey } : {}),
    },
  };
}

/** The data a recorded source names again (for --resume): files must be unchanged since. */
export function loadDataFromSource(source: DataSource): Dataset {
  if (source.kind === 'builtin') return builtinData[oneOf('--data', builtinNames)(source.name)](new Rng(source.seed));
  const dataset = loadDataset(source.x, source.y, { ...(source.xKey !== undefined ? { x: source.xKey } : {}), ...(source.yKey !== undefined ? { y: source.yKey } : {}) });
  for (const [path, sha] of [[source.x, source.xSha256], [source.y, source.ySha256]] as const) {
    if (fileSha256(path) !== sha) throw new InputError(`${path} has changed since the run started (its SHA-256 differs)`);
  }
  return dataset;
}
