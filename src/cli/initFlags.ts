import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { InputError } from '../errors.ts';
import type { Mat } from '../linalg/mat.ts';
import type { Rng } from '../linalg/rng.ts';
import type { Dataset } from '../model/stats.ts';
import { type InitSpec, initialize } from '../model/init.ts';
import { assertFitsData, assertWeightsMatch } from '../model/network.ts';
import { zeros, matmulNT } from '../linalg/index.ts';
import { readWeightsFile } from '../node/dataFiles.ts';
import { userGave } from './commonOptions.ts';
import { fileSha256 } from './fileSha256.ts';
import { nonNegativeNumber, oneOf, parseDims, parseNumber } from './flagParsers.ts';

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

/**
 * The widths (from --dims, or read off an --init-weights file) checked against the data, and the
 * initial weights drawn with rng.
 */
export function initialWeights(choice: InitChoice, dims: number[] | undefined, data: Dataset, rng: Rng): { dims: number[]; weights: Mat[] } {
  let spec: InitSpec;
  if (choice.kind === 'weights') {
    const weights = readWeightsFile(choice.path);
    if (dims !== undefined) assertWeightsMatch(weights, dims, choice.path);
    else dims = assertFitsData(weights, data.x.rows, data.y.rows, choice.path);
    spec = { kind: 'weights', weights };
  } else {
    if (dims === undefined) throw new InputError('--dims is required (e.g. --dims 5,4,4,5), unless --init-weights gives the widths');
    spec = choice;
  }
  assertFitsData(dims, data.x.rows, data.y.rows, '--dims');
  const syx = spec.kind === 'aligned' ? matmulNT(zeros(data.y.rows, data.x.rows), data.y, data.x) : undefined;
  return { dims, weights: initialize(dims, spec, rng, syx) };
}
