import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError, isBadInput } from '../errors.ts';
import type { Mat } from '../linalg/mat.ts';
import { MAX_STEPS } from '../optim/index.ts';
import { Rng } from '../linalg/rng.ts';
import type { Dataset } from '../model/stats.ts';
import { type DataSource, loadDataFromFlags, loadDataFromSource } from './dataFlags.ts';
import { type InitChoice, initialWeights } from './initFlags.ts';
import { fileSha256 } from './fileSha256.ts';
import { userGave } from './commonOptions.ts';
import { selectBackendOrFail } from './backendOption.ts';
import type { TrainSettings } from './train.ts';

/** Flags that may be given beside --config (where the results go and how they are shown). */
const ALLOWED = ['config', 'out', 'force', 'json', 'progress'];

/** Which command replays a config.json: `dln train` (GD and the flow) or `dln pgd` (perturbed GD). */
export type Replayer = 'train' | 'pgd';

function fail(file: string, what: string): never {
  throw new InputError(`--config ${file}: ${what}`);
}

function readConfig(file: string, replayer: Replayer): { settings: TrainSettings; backend?: string } {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { fail(file, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  let config: unknown;
  try { config = JSON.parse(text); } catch (e) { fail(file, `not JSON (${(e as Error).message})`); }
  const c = config as { settings?: Partial<TrainSettings> & { method?: string }; backend?: unknown };
  const s = c.settings;
  if (typeof s !== 'object' || s === null) fail(file, 'no "settings" (expected the config.json of dln train --out or of a playground export)');
  const method: unknown = (s as { method?: unknown }).method;
  if (replayer === 'pgd') {
    if (method !== 'pgd') fail(file, `settings.method is '${String(s.method)}'; dln pgd replays 'pgd' runs (dln train --config replays 'gd' and 'flow')`);
  } else if (method !== 'gd' && method !== 'flow') {
    fail(file, `settings.method is '${String(method)}'; dln train replays 'gd' and 'flow' runs${method === 'pgd' ? ' (replay perturbed GD with dln pgd --config)' : ''}`);
  }
  const required = replayer === 'pgd' ? ['data', 'dims', 'init', 'seed', 'epsilon', 'maxIterations'] : ['data', 'dims', 'init', 'seed', 'steps', 'recordEvery', 'divergeAbove'];
  for (const key of required) {
    if ((s as Record<string, unknown>)[key] === undefined) fail(file, `settings.${key} is missing`);
  }
  // The numbers a run's length and records depend on, held to the limits of the flags they stand for.
  const v = s as Record<string, unknown>;
  const integer = (key: string, min: number, max: number, need: string): void => {
    const x = v[key];
    if (x !== undefined && !(typeof x === 'number' && Number.isSafeInteger(x) && x >= min && x <= max)) fail(file, `settings.${key} must be ${need}, got ${JSON.stringify(x)}`);
  };
  integer('steps', 0, MAX_STEPS, `an integer in 0..${MAX_STEPS} (the most steps dln runs, as for --steps)`);
  integer('recordEvery', 1, Number.MAX_SAFE_INTEGER, 'an integer ≥ 1');
  integer('seed', 0, 0xffffffff, 'an integer in 0..4294967295');
  if (v.divergeAbove !== undefined && !(typeof v.divergeAbove === 'number' && v.divergeAbove > 0)) fail(file, `settings.divergeAbove must be a positive number, got ${JSON.stringify(v.divergeAbove)}`);
  if (s.method === 'gd' && s.schedule === undefined) fail(file, 'settings.schedule is missing (a gd run needs its step sizes)');
  if (c.backend !== undefined && typeof c.backend !== 'string') fail(file, 'backend must be a string');
  return { settings: s as TrainSettings, backend: c.backend as string | undefined };
}

/** A path of config.json made absolute: relative ones are read from the config's folder. */
function fromConfigDir(file: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(resolve(file)), path);
}

/**
 * The settings, data and initial weights of the run that config.json describes (the file of a
 * `dln train --out` folder or of a playground export), drawn as a fresh run draws them: one
 * generator seeded with settings.seed, built-in data first, then W(0). Relative file paths are
 * taken from the config's folder and must still have their recorded SHA-256. The recorded kernel
 * backend is selected, so that the run has the original's bits.
 */
export function planFromConfig(file: string, cmd: Command, replayer: Replayer = 'train'): { settings: TrainSettings; dataset: Dataset; weights: Mat[]; rng: Rng } {
  for (const opt of cmd.options) {
    const key = opt.attributeName();
    if (!ALLOWED.includes(key) && userGave(cmd, key)) throw new InputError(`--config replays the settings in ${file}; ${opt.long ?? key} cannot be given with it`);
  }
  const { settings, backend } = readConfig(file, replayer);
  if (backend !== undefined) selectBackendOrFail(backend);
  const rng = new Rng(settings.seed);
  let data: DataSource = settings.data, dataset: Dataset;
  let init: InitChoice = settings.init, dims: number[], weights: Mat[];
  try {
    if (data.kind === 'files') {
      data = { ...data, x: fromConfigDir(file, data.x), y: fromConfigDir(file, data.y) };
      dataset = loadDataFromSource(data);
    } else {
      // Built-in and real data are drawn as a fresh run draws them, from the run's generator.
      if (data.seed !== settings.seed) fail(file, `settings.data.seed ${data.seed} differs from settings.seed ${settings.seed}`);
      const m = data.kind === 'real' ? data.mnist : undefined;
      const params = data.kind === 'builtin' ? data.params ?? {} : {};
      ({ dataset, source: data } = loadDataFromFlags({ data: data.name, ...params, ...(m !== undefined ? { pca: m.pca, center: m.center, trainSamples: m.train } : {}) }, rng, settings.seed));
    }
    if (init.kind === 'weights') {
      init = { ...init, path: fromConfigDir(file, init.path) };
      if (!existsSync(init.path)) fail(file, `${init.path}: no such file (the initial weights)`);
      if (fileSha256(init.path) !== init.sha256) fail(file, `${init.path} has changed since the run (its SHA-256 differs)`);
    }
    ({ dims, weights } = initialWeights(init, settings.dims, dataset, rng));
  } catch (e) {
    // The data and widths come from the file, not from flags: say so ("--dims starts with 3…" named a flag not given).
    if (isBadInput(e) && !(e as Error).message.startsWith(`--config ${file}:`)) fail(file, (e as Error).message);
    throw e;
  }
  return { settings: { ...settings, data, init, dims }, dataset, weights, rng };
}
