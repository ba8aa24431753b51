import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../errors.ts';
import { type Mat, Rng, transposed } from '../linalg/index.ts';
import { type Dataset } from '../model/index.ts';
import { builtinData, builtinNames, type BuiltinName, encodeCsv, encodeNpy, loadRealData, type RealData, type RealDataName, realDataNames } from '../data/index.ts';
import { packageRealData } from '../node/realDataFiles.ts';
import { writeFileAtomic } from '../node/writeFileAtomic.ts';
import { addJsonOption, addSeedOption } from './commonOptions.ts';
import { integerAtLeast, integerIn, oneOf } from './flagParsers.ts';
import { addGeneratorOptions, generated, generatorFlags, refuseGeneratorFlags } from './dataFlags.ts';
import type { GeneratorParams } from '../data/index.ts';
import { checkOutputFile } from './outputFile.ts';
import { printResult } from './printResult.ts';
import type { CliContext, CliIO } from './run.ts';

interface ExportFlags extends GeneratorParams {
  x: string; y: string; testX?: string; testY?: string; seed: number; force?: true; json?: true;
  pca: number; center: boolean; trainSamples: number;
}

/** A matrix (d×m, samples as columns) as the bytes of a file with one sample per row: .npy (float64) or .csv. */
function encodeSamples(path: string, a: Mat, names: readonly string[] | undefined): Uint8Array | string {
  const rows = transposed(a);
  if (extname(path) === '.npy') return encodeNpy(rows);
  return encodeCsv(names ?? Array.from({ length: a.rows }, (_, i) => `${i + 1}`), rows);
}

/** An output file that may be written: .npy or .csv, in an existing writable folder, not there yet unless --force. */
function checkTarget(path: string, flag: string, force: boolean): void {
  if (!['.npy', '.csv'].includes(extname(path))) throw new InputError(`${flag} ${path}: the file must end in .npy or .csv`);
  checkOutputFile(path, flag, { force });
}

/** The named data set as dln's commands see it: a generator drawn with the seed, or real data prepared like --data. */
function dataFor(name: BuiltinName | RealDataName, flags: ExportFlags): { train: Dataset; test?: Dataset; describe: string; real?: RealData } {
  const rng = new Rng(flags.seed);
  if ((realDataNames as readonly string[]).includes(name)) {
    refuseGeneratorFlags(generatorFlags(flags));
    const real = loadRealData(name as RealDataName, packageRealData, rng, { train: flags.trainSamples, test: 10000 - flags.trainSamples, pca: flags.pca, center: flags.center });
    return { train: real.train, ...(real.test ? { test: real.test } : {}), describe: real.describe, real };
  }
  const gen = generated(name as BuiltinName, generatorFlags(flags), rng);
  return { train: gen, describe: gen.describe };
}

function exportCommand(name: string, flags: ExportFlags, io: CliIO): number {
  const dataName = oneOf('NAME', [...builtinNames, ...realDataNames])(name);
  if ((flags.testX === undefined) !== (flags.testY === undefined)) throw new InputError('--test-x and --test-y go together');
  if (flags.testX !== undefined && dataName !== 'mnist') throw new InputError('--test-x/--test-y: only mnist has a test split');
  if (flags.testX !== undefined && flags.trainSamples >= 10000) throw new InputError(`--test-x/--test-y: --train-samples ${flags.trainSamples} leaves no digits for the test split; give fewer training samples`);
  const targets: [string, string][] = [[flags.x, '--x'], [flags.y, '--y']];
  if (flags.testX !== undefined && flags.testY !== undefined) targets.push([flags.testX, '--test-x'], [flags.testY, '--test-y']);
  const paths = targets.map(([p]) => resolve(p));
  if (new Set(paths).size !== paths.length) throw new InputError('the output files must be different files');
  for (const [p, flag] of targets) checkTarget(p, flag, flags.force === true);
  const data = dataFor(dataName, flags);
  const names = data.real?.features;
  const files: [string, Mat, readonly string[] | undefined][] = [[flags.x, data.train.x, names?.x], [flags.y, data.train.y, names?.y]];
  if (flags.testX !== undefined && flags.testY !== undefined && data.test) files.push([flags.testX, data.test.x, undefined], [flags.testY, data.test.y, undefined]);
  for (const [path, a, header] of files) writeFileAtomic(path, encodeSamples(path, a, header));
  const result = {
    name: dataName, seed: flags.seed, describe: data.describe,
    samples: data.train.x.cols, dx: data.train.x.rows, dy: data.train.y.rows,
    files: files.map(([path, a]) => ({ path: resolve(path), rows: a.cols, cols: a.rows })),
    ...(data.real ? { preparation: data.real.meta } : {}),
  };
  printResult(io, flags.json === true, result, () => [
    data.describe,
    ...files.map(([path, a]) => `  ${path}: ${a.cols} samples × ${a.rows} ${a === data.train.y || a === data.test?.y ? 'targets' : 'features'}`),
    '',
  ].join('\n'));
  return 0;
}

/** Adds `dln data export` to program. */
export function register(program: Command, ctx: CliContext): void {
  const data = program.command('data').description('the data sets dln ships, as files');
  const cmd = data.command('export').argument('<name>', `a built-in generator (${builtinNames.join(', ')}) or real data (${realDataNames.join(', ')})`)
    .description('write a data set as files, one sample per row, exactly as dln\'s commands see it with --data NAME')
    .requiredOption('--x <file>', 'where to write the inputs (.npy float64 or .csv)')
    .requiredOption('--y <file>', 'where to write the targets (.npy float64 or .csv)')
    .option('--test-x <file>', 'mnist: also write the test split\'s inputs')
    .option('--test-y <file>', 'mnist: also write the test split\'s targets')
    .option('--pca <k>', 'mnist: principal components kept (0: all 784 pixels)', integerAtLeast('--pca', 0), 50)
    .option('--no-center', 'mnist: keep the raw pixels and one-hot targets')
    .option('--train-samples <n>', 'mnist: digits in the training split', integerIn('--train-samples', 1, 10000, "the mnist package's 10,000 digits"), 8000)
    .option('--force', 'replace output files that exist');
  addGeneratorOptions(cmd);
  addSeedOption(cmd);
  addJsonOption(cmd);
  cmd.addHelpText('after', `
The files hold exactly the numbers dln trains on with --data NAME and the same --seed (and MNIST
flags), so that dln can be checked against one's own numpy code:
  X = np.load('X.npy'); Y = np.load('Y.npy')        # m×d_x and m×d_y
  W = np.linalg.lstsq(X, Y, rcond=None)[0].T        # the least-squares map, d_y×d_x

Examples:
  dln data export report-sec4 --x X.npy --y Y.npy --seed 1
  dln data export nrt --rank 2 --condition 10 --samples 100 --x nrt-x.npy --y nrt-y.npy
  dln data export mnist --x mnist-x.npy --y mnist-y.npy --test-x mnist-xtest.npy --test-y mnist-ytest.npy
  dln data export cars --x cars-x.csv --y cars-y.csv --json`)
    .action((name: string, flags: ExportFlags) => { ctx.exitCode = exportCommand(name, flags, ctx.io); });
}
