import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { InputError } from '../errors.ts';
import type { Mat } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import type { Dataset } from '../model/stats.ts';
import { type InitSpec, initialize } from '../model/init.ts';
import { dimsOf } from '../model/network.ts';
import { checkDimsMatchData } from '../data/validate.ts';
import { type BuiltinName, builtinData, builtinNames } from '../data/generators.ts';
import { loadDataset, readWeightsFile } from './files.ts';
import { zeros, matmulNT } from '../linalg/index.ts';
import { whitenInputs } from '../data/index.ts';

// ---- numbers -------------------------------------------------------------------------------

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Parses a decimal number (1e-4, .5, -3); other text is an InputError naming the flag. */
export function parseNumber(flag: string, text: string, need = 'a number'): number {
  if (!DECIMAL.test(text.trim())) throw new InputError(`${flag} must be ${need}, got '${text}'`);
  return Number(text);
}

/** An argument parser for flags that take a finite number > 0 (a step size, a tolerance, a time). */
export function positiveNumber(flag: string): (text: string) => number {
  const need = 'a positive finite number';
  return (text) => {
    const v = parseNumber(flag, text, need);
    if (!(Number.isFinite(v) && v > 0)) throw new InputError(`${flag} must be ${need}, got '${text}'`);
    return v;
  };
}

/** An argument parser for flags that take a finite number ≥ 0. */
export function nonNegativeNumber(flag: string): (text: string) => number {
  const need = 'a finite number ≥ 0';
  return (text) => {
    const v = parseNumber(flag, text, need);
    if (!(Number.isFinite(v) && v >= 0)) throw new InputError(`${flag} must be ${need}, got '${text}'`);
    return v;
  };
}

/** An argument parser for flags that take an integer ≥ min. */
export function integerAtLeast(flag: string, min: number): (text: string) => number {
  const need = min === 0 ? 'an integer ≥ 0' : `an integer ≥ ${min}`;
  return (text) => {
    const v = parseNumber(flag, text, need);
    if (!(Number.isSafeInteger(v) && v >= min)) throw new InputError(`${flag} must be ${need}, got '${text}'`);
    return v;
  };
}

/** An argument parser for flags that take one of the given words. */
export function oneOf<T extends string>(flag: string, allowed: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(allowed as readonly string[]).includes(text)) throw new InputError(`${flag} must be one of ${allowed.join(', ')}; got '${text}'`);
    return text as T;
  };
}

/** Network widths from "5,4,4,5": at least two, each a positive integer. */
export function parseDims(text: string, flag = '--dims'): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length < 2) throw new InputError(`${flag} needs at least two widths (d_x and d_y), e.g. 5,4,4,5; got '${text}'`);
  return parts.map((p, i) => {
    const v = DECIMAL.test(p) ? Number(p) : Number.NaN;
    if (!(Number.isSafeInteger(v) && v > 0)) {
      throw new InputError(`${flag}: width ${i + 1} of '${text}' is '${p}'; every width must be a positive integer`);
    }
    return v;
  });
}

/** Whether the user gave option key (camelCase) on the command line (not its default). */
export function userGave(cmd: Command, key: string): boolean {
  const source = cmd.getOptionValueSource(key);
  return source === 'cli' || source === 'env';
}

/** A command line as a shell would need it typed (single quotes where needed). */
export function shellCommand(words: readonly string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** SHA-256 of a file's bytes, hex. */
export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

// ---- --seed, --json -------------------------------------------------------------------------

/** Adds --seed (default 1): the one seed of every random choice a command makes. */
export function addSeedOption(cmd: Command): Command {
  return cmd.option('--seed <n>', 'seed of the random generator (integer 0 … 2^32−1)', seedValue, 1);
}

/** Parses a seed: an integer in [0, 2³²). */
export function seedValue(text: string): number {
  const v = integerAtLeast('--seed', 0)(text);
  if (v > 0xffffffff) throw new InputError(`--seed must be an integer ≥ 0 and < 2^32, got '${text}'`);
  return v;
}

/** Adds --json: the result as JSON on stdout instead of text. */
export function addJsonOption(cmd: Command): Command {
  return cmd.option('--json', 'print the result as JSON on stdout');
}

// ---- data: --x/--y or --data ----------------------------------------------------------------

/** Names accepted by --data. */
export function builtinDataNames(): readonly BuiltinName[] {
  return builtinNames;
}

/** Adds --x, --y (files with one sample per row) and --data (a built-in generator). */
export function addDataOptions(cmd: Command): Command {
  return cmd
    .option('--x <file>', 'inputs, one sample per row (.npy or .csv)')
    .option('--y <file>', 'targets, one sample per row (.npy or .csv)')
    .option('--data <name>', `a built-in data set drawn with --seed: ${builtinDataNames().join(', ')}`)
    .option('--whiten', 'whiten the inputs: X ← Σ_XX^{−1/2}X, so that Σ_XX = I (THEORY §13.1)');
}

/** Where the data come from, as a run's config.json records it (file paths absolute). */
export type DataSource =
  | { kind: 'files'; x: string; y: string; xSha256: string; ySha256: string; whiten?: true }
  | { kind: 'builtin'; name: string; seed: number; whiten?: true };

/** The flags --x, --y, --data as given. */
export interface DataFlags { x?: string; y?: string; data?: string; whiten?: true }

/**
 * Loads the data that --x/--y or --data name (relative paths from the working directory); rng draws
 * built-in data and is then used further by the caller (the initialisation). Returns the data and
 * its source record.
 */
export function loadDataFromFlags(flags: DataFlags, rng: Rng, seed: number): { dataset: Dataset; source: DataSource } {
  const { dataset, source } = loadRawData(flags, rng, seed);
  return flags.whiten === true ? { dataset: whitenInputs(dataset), source: { ...source, whiten: true } } : { dataset, source };
}

function loadRawData(flags: DataFlags, rng: Rng, seed: number): { dataset: Dataset; source: DataSource } {
  if (flags.data !== undefined) {
    if (flags.x !== undefined || flags.y !== undefined) throw new InputError('--data cannot be combined with --x/--y');
    const name = oneOf('--data', builtinDataNames())(flags.data);
    return { dataset: builtinData[name](rng), source: { kind: 'builtin', name, seed } };
  }
  if (flags.x === undefined && flags.y === undefined) throw new InputError('no data: give --x X --y Y (files) or --data NAME');
  if (flags.x === undefined) throw new InputError('--y needs --x (the inputs)');
  if (flags.y === undefined) throw new InputError('--x needs --y (the targets)');
  // Read as typed (messages name the files as the user wrote them); recorded as absolute paths.
  const dataset = loadDataset(flags.x, flags.y);
  const x = resolve(flags.x), y = resolve(flags.y);
  return { dataset, source: { kind: 'files', x, y, xSha256: fileSha256(x), ySha256: fileSha256(y) } };
}

/** The data a recorded source names again (for --resume): files must be unchanged since. */
export function loadDataFromSource(source: DataSource): Dataset {
  const dataset = loadRawSource(source);
  return source.whiten === true ? whitenInputs(dataset) : dataset;
}

function loadRawSource(source: DataSource): Dataset {
  if (source.kind === 'builtin') return builtinData[oneOf('--data', builtinNames)(source.name)](new Rng(source.seed));
  const dataset = loadDataset(source.x, source.y);
  for (const [path, sha] of [[source.x, source.xSha256], [source.y, source.ySha256]] as const) {
    if (fileSha256(path) !== sha) throw new InputError(`${path} has changed since the run started (its SHA-256 differs)`);
  }
  return dataset;
}

// ---- --dims and --init ----------------------------------------------------------------------

const INIT_KINDS = ['gaussian', 'balanced', 'orthogonal', 'aligned', 'zero'] as const;

/** Adds --dims and the initialisation flags --init, --init-std, --init-scale, --init-weights. */
export function addNetworkOptions(cmd: Command): Command {
  return cmd
    .option('--dims <widths>', 'network widths d_0,…,d_N, e.g. 5,4,4,5 (ends = data columns)', (t: string) => parseDims(t))
    .addOption(new Option('--init <kind>', `initialisation: ${INIT_KINDS.join(', ')}`).argParser(oneOf('--init', INIT_KINDS)).default('gaussian', 'gaussian'))
    .option('--init-std <std>', 'standard deviation of --init gaussian', nonNegativeNumber('--init-std'), 0.05)
    .option('--init-scale <s>', 'scale s of --init balanced / orthogonal / aligned (singular values |s|)', (t: string) => parseNumber('--init-scale', t, 'a finite number'), 1)
    .option('--init-weights <file>', 'start from the weights W1..WN of an .npz file');
}

/** The initialisation as config.json records it (a weights file by absolute path and hash). */
export type InitChoice =
  | Exclude<InitSpec, { kind: 'weights' }>
  | { kind: 'weights'; path: string; sha256: string };

/** The flags of addNetworkOptions as parsed. */
export interface NetworkFlags {
  dims?: number[];
  init: (typeof INIT_KINDS)[number];
  initStd: number;
  initScale: number;
  initWeights?: string;
}

/** The initialisation the flags ask for; flags that do not apply to the chosen --init are errors. */
export function initChoiceFromFlags(flags: NetworkFlags, cmd: Command): InitChoice {
  if (flags.initWeights !== undefined) {
    for (const [key, flag] of [['init', '--init'], ['initStd', '--init-std'], ['initScale', '--init-scale']] as const) {
      if (userGave(cmd, key)) throw new InputError(`--init-weights cannot be combined with ${flag}`);
    }
    readWeightsFile(flags.initWeights);
    const path = resolve(flags.initWeights);
    return { kind: 'weights', path, sha256: fileSha256(path) };
  }
  if (userGave(cmd, 'initStd') && flags.init !== 'gaussian') throw new InputError(`--init-std applies to --init gaussian only, not --init ${flags.init}`);
  if (userGave(cmd, 'initScale') && flags.init !== 'balanced' && flags.init !== 'orthogonal' && flags.init !== 'aligned') {
    throw new InputError(`--init-scale applies to --init balanced, orthogonal or aligned only, not --init ${flags.init}`);
  }
  switch (flags.init) {
    case 'gaussian': return { kind: 'gaussian', std: flags.initStd };
    case 'balanced': return { kind: 'balanced', scale: flags.initScale };
    case 'orthogonal': return { kind: 'orthogonal', scale: flags.initScale };
    case 'aligned': return { kind: 'aligned', scale: flags.initScale };
    case 'zero': return { kind: 'zero' };
  }
}

/** InputError unless weights have exactly the shapes dims prescribes (W_j: d_j × d_{j−1}). */
export function checkWeightsMatchDims(weights: readonly Mat[], dims: readonly number[], name: string): void {
  const want = dims.join(',');
  if (weights.length !== dims.length - 1) {
    throw new InputError(`${name} holds ${weights.length} weight matrices, but --dims ${want} needs ${dims.length - 1}`);
  }
  weights.forEach((w, j) => {
    if (w.rows !== dims[j + 1] || w.cols !== dims[j]) {
      throw new InputError(`${name}: W${j + 1} has shape ${w.rows}×${w.cols}, but --dims ${want} needs ${dims[j + 1]}×${dims[j]}`);
    }
  });
}

/**
 * The widths (from --dims, or read off an --init-weights file) checked against the data, and the
 * initial weights drawn with rng.
 */
export function initialWeights(choice: InitChoice, dims: number[] | undefined, data: Dataset, rng: Rng): { dims: number[]; weights: Mat[] } {
  let spec: InitSpec;
  if (choice.kind === 'weights') {
    const weights = readWeightsFile(choice.path);
    if (dims !== undefined) checkWeightsMatchDims(weights, dims, choice.path);
    else {
      dims = dimsOf(weights);
      if (dims[0] !== data.x.rows || dims[dims.length - 1] !== data.y.rows) {
        throw new InputError(`${choice.path} maps ${dims[0]} → ${dims[dims.length - 1]} features, but the data have ${data.x.rows} → ${data.y.rows}`);
      }
    }
    spec = { kind: 'weights', weights };
  } else {
    if (dims === undefined) throw new InputError('--dims is required (e.g. --dims 5,4,4,5), unless --init-weights gives the widths');
    spec = choice;
  }
  checkDimsMatchData(dims, data.x, data.y);
  const syx = spec.kind === 'aligned' ? matmulNT(zeros(data.y.rows, data.x.rows), data.y, data.x) : undefined;
  return { dims, weights: initialize(dims, spec, rng, syx) };
}
