import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../errors.ts';
import { Rng } from '../linalg/rng.ts';
import type { Dataset } from '../model/stats.ts';
import { type BuiltinName, type GeneratorParams, builtinData, builtinNames, generateData, generatorParamNames, generatorParamsProblems } from '../data/generators.ts';
import { type MnistOptions, type RealDataName, loadRealData, realDataNames, whitenInputs } from '../data/index.ts';
import { packageRealData } from '../node/realDataFiles.ts';
import { loadDataset } from '../node/dataFiles.ts';
import { fileSha256 } from './fileSha256.ts';
import { integerAtLeast, integerIn, nonNegativeNumber, oneOf, positiveNumber } from './flagParsers.ts';

/** Names accepted by --data: the generators, then the real data sets. */
export function builtinDataNames(): readonly (BuiltinName | RealDataName)[] {
  return [...builtinNames, ...realDataNames];
}

/** Adds the generators' settings: --samples, --noise, --dx, --dy, --rank, --condition (THEORY §8). */
export function addGeneratorOptions(cmd: Command): Command {
  return cmd
    .option('--samples <m>', 'generators: number of samples m (report-sec4 1000, report-sec5 5, nrt 30, amg-escape 100)', integerAtLeast('--samples', 1))
    .option('--noise <std>', 'report-sec4, report-sec5: standard deviation of the noise E (default 0.1)', nonNegativeNumber('--noise'))
    .option('--dx <d>', 'nrt, amg-escape: input dimension d_x (default 10)', integerAtLeast('--dx', 1))
    .option('--dy <d>', 'nrt, amg-escape: output dimension d_y (nrt 8, amg-escape 4)', integerAtLeast('--dy', 1))
    .option('--rank <r>', 'nrt: rank of the target map (default 4)', integerAtLeast('--rank', 1))
    .option('--condition <k>', "nrt: σ_1/σ_r of the target map's singular values, spaced linearly from 2 to 2/k (default 2)", positiveNumber('--condition'));
}

/** Adds --x, --y (files with one sample per row), --data (a built-in generator or real data set) and MNIST's preparation. */
export function addDataOptions(cmd: Command): Command {
  return addGeneratorOptions(cmd)
    .option('--x <file>', 'inputs, one sample per row (.npy, .npz, .csv, .tsv or .txt)')
    .option('--y <file>', 'targets, one sample per row (.npy, .npz, .csv, .tsv or .txt)')
    .option('--x-key <name>', 'the array of an --x .npz holding the inputs (needed unless it holds exactly one)')
    .option('--y-key <name>', 'the array of a --y .npz holding the targets (needed unless it holds exactly one)')
    .option('--data <name>', `a built-in data set drawn with --seed (${builtinNames.join(', ')}) or real data (${realDataNames.join(', ')}: the training set; cars and penguins standardised)`)
    .option('--pca <k>', 'mnist: project the pixels onto the top k principal components (0: all 784 pixels, whose Σ_XX is singular)', integerAtLeast('--pca', 0), 50)
    .option('--no-center', 'mnist: keep the raw pixels and one-hot targets (default: centred on the training means)')
    .option('--train-samples <n>', 'mnist: digits in the seeded training split (the rest of the 10,000 is the test split)', integerIn('--train-samples', 1, 10000, "the mnist package's 10,000 digits"), 8000)
    .option('--whiten', 'whiten the inputs: X ← Σ_XX^{−1/2}X, so that Σ_XX = I (THEORY §14.1)');
}

/** Where the data come from, as a run's config.json records it (file paths absolute; real data with how it was prepared). */
export type DataSource =
  | { kind: 'files'; x: string; y: string; xSha256: string; ySha256: string; xKey?: string; yKey?: string; whiten?: true }
  | { kind: 'builtin'; name: string; seed: number; params?: GeneratorParams; whiten?: true }
  | { kind: 'real'; name: RealDataName; seed: number; mnist?: Required<Pick<MnistOptions, 'train' | 'test' | 'pca' | 'center'>>; describe: string; preparation: Readonly<Record<string, unknown>>; whiten?: true };

/** The flags --x, --y, --data (and MNIST's preparation) as given. */
export interface DataFlags extends GeneratorParams { x?: string; y?: string; data?: string; xKey?: string; yKey?: string; pca?: number; center?: boolean; trainSamples?: number; whiten?: true }

const flagOf = (k: string): string => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The generator settings given (--samples, --noise, --dx, --dy, --rank, --condition). */
export function generatorFlags(flags: DataFlags): GeneratorParams {
  return Object.fromEntries(generatorParamNames.filter((k) => flags[k] !== undefined).map((k) => [k, flags[k]])) as GeneratorParams;
}

/** A built-in data set with the generator settings given; each setting that does not fit named by its flag. */
export function generated(name: BuiltinName, params: GeneratorParams, rng: Rng) {
  if (Object.keys(params).length === 0) return builtinData[name](rng);
  const problems = generatorParamsProblems(name, params);
  if (problems.length > 0) throw new InputError(`--data ${name}: ${problems.map((p) => p.replace(/^(\w+):/, (_m, k: string) => `${flagOf(k)}:`)).join('; ')}`);
  return generateData(name, rng, params);
}

/** MNIST's preparation flags, away from their defaults, with any other data. */
function refuseMnistFlags(flags: DataFlags): void {
  if ((flags.pca ?? 50) !== 50 || flags.center === false || (flags.trainSamples ?? 8000) !== 8000) {
    throw new InputError('--pca, --no-center and --train-samples apply to --data mnist only');
  }
}

/** Refuses generator settings given with data that are not a generator's. */
export function refuseGeneratorFlags(params: GeneratorParams): void {
  const given = Object.keys(params);
  if (given.length > 0) throw new InputError(`${given.map(flagOf).join(', ')} ${given.length === 1 ? 'sets' : 'set'} a built-in generator (--data report-sec4, report-sec5, nrt or amg-escape), not real data or files`);
}

type RealSource = Extract<DataSource, { kind: 'real' }>;

function realSource(name: RealDataName, flags: DataFlags, seed: number): RealSource {
  const mnist = name === 'mnist' ? { train: flags.trainSamples ?? 8000, test: 10000 - (flags.trainSamples ?? 8000), pca: flags.pca ?? 50, center: flags.center ?? true } : undefined;
  return { kind: 'real', name, seed, ...(mnist ? { mnist } : {}), describe: '', preparation: {} };
}

/** The training set of a real data set as its source names it (the rng is the run's generator: MNIST's split draws from it). */
function realDataset(source: RealSource, rng: Rng): { dataset: Dataset; source: DataSource } {
  const data = loadRealData(source.name, packageRealData, rng, source.mnist ?? {});
  return { dataset: data.train, source: { ...source, describe: data.describe, preparation: data.meta } };
}

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
    if (flags.xKey !== undefined || flags.yKey !== undefined) throw new InputError('--x-key and --y-key choose arrays of --x/--y .npz files; --data needs neither');
    const name = oneOf('--data', builtinDataNames())(flags.data);
    if (name !== 'mnist') refuseMnistFlags(flags);
    const params = generatorFlags(flags);
    if ((realDataNames as readonly string[]).includes(name)) {
      refuseGeneratorFlags(params);
      return realDataset(realSource(name as RealDataName, flags, seed), rng);
    }
    const hasParams = Object.keys(params).length > 0;
    return { dataset: generated(name as BuiltinName, params, rng), source: { kind: 'builtin', name, seed, ...(hasParams ? { params } : {}) } };
  }
  refuseMnistFlags(flags);
  refuseGeneratorFlags(generatorFlags(flags));
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
  const dataset = loadRawSource(source);
  return source.whiten === true ? whitenInputs(dataset) : dataset;
}

function loadRawSource(source: DataSource): Dataset {
  if (source.kind === 'builtin') return generated(oneOf('--data', builtinNames)(source.name), source.params ?? {}, new Rng(source.seed));
  if (source.kind === 'real') return realDataset(source, new Rng(source.seed)).dataset;
  const dataset = loadDataset(source.x, source.y, { ...(source.xKey !== undefined ? { x: source.xKey } : {}), ...(source.yKey !== undefined ? { y: source.yKey } : {}) });
  for (const [path, sha] of [[source.x, source.xSha256], [source.y, source.ySha256]] as const) {
    if (fileSha256(path) !== sha) throw new InputError(`${path} has changed since the run started (its SHA-256 differs)`);
  }
  return dataset;
}
