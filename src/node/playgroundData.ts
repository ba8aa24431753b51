// The real data sets the playground's data menu asks its server for: cars and penguins as the raw
// vega-datasets files (the page prepares them with dln's own loader), MNIST prepared here (the seeded
// split and the top-k principal components), because its 21 MB of digits are too much for a page.
import { readFileSync, statSync } from 'node:fs';
import { InputError, MissingPackageError, isBadInput } from '../errors.ts';
import { Rng } from '../linalg/rng.ts';
import { setBackend } from '../linalg/backend.ts';
import { createWasmBackend, readWasmKernels } from '../linalg/backends/wasmBackend.ts';
import { loadRealData } from '../data/index.ts';
import { packageRealData, realDataFilePath } from './realDataFiles.ts';

/** A data response: status, content type and body. */
export interface DataResponse { code: number; type: string; body: Buffer | string }

/** The raw files served (and copied by `dln playground --export`), and the most bytes each may have. */
export const TABLE_FILES = ['cars', 'penguins'] as const;
export const MAX_TABLE_BYTES = 1024 * 1024;

/** The most principal components and training digits a page may ask for (its widths stop at 64). */
export const MAX_MNIST_PCA = 64;
export const MNIST_DIGITS = 10000;

/** What the page receives for MNIST: the training set (d×m, row-major, little-endian float64 in base64) and the generator's state after the split. */
export interface MnistPayload {
  name: 'mnist'; describe: string; meta: Record<string, unknown>;
  train: number; test: number; pca: number; center: boolean;
  rows: { x: number; y: number }; samples: number; x: string; y: string;
  /** Rng.state() after the split: W(0) is drawn from here on, as `dln train --data mnist` draws it. */
  rngState: number[];
}

const text = (code: number, message: string): DataResponse => ({ code, type: 'text/plain; charset=utf-8', body: `${message}\n` });

/** The bytes of cars.json or penguins.json, or why they cannot be served. */
export function tableFile(name: string): DataResponse {
  if (!(TABLE_FILES as readonly string[]).includes(name)) return text(404, 'not found');
  let path: string;
  try {
    path = realDataFilePath(name as 'cars' | 'penguins');
  } catch (e) {
    return text(404, `${name}: ${(e as Error).message}`);
  }
  try {
    const size = statSync(path).size;
    if (size > MAX_TABLE_BYTES) return text(500, `${name}.json is ${size} bytes, more than the ${MAX_TABLE_BYTES} served`);
    return { code: 200, type: 'application/json', body: readFileSync(path) };
  } catch (e) {
    return text(404, `${name}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function integer(params: URLSearchParams, key: string, min: number, max: number, fallback: number): number {
  const t = params.get(key);
  if (t === null) return fallback;
  if (!/^\d{1,10}$/.test(t) || Number(t) < min || Number(t) > max) throw new InputError(`${key} must be an integer ${min} … ${max}, got '${t.slice(0, 20)}'`);
  return Number(t);
}

const cache = new Map<string, MnistPayload>();

/** Computes MNIST's split and projection on the WASM kernels, the page's (and its replays') backend. */
function prepareMnist(seed: number, train: number, pca: number, center: boolean): MnistPayload {
  const wasm = readWasmKernels();
  if ('reason' in wasm) throw new InputError(`the WASM kernels are not available (${wasm.reason})`);
  const prev = setBackend(createWasmBackend(wasm.bytes));
  try {
    const rng = new Rng(seed);
    const test = MNIST_DIGITS - train;
    const data = loadRealData('mnist', packageRealData, rng, { train, test, pca, center });
    const { x, y } = data.train;
    const b64 = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
    return {
      name: 'mnist', describe: data.describe, meta: { ...data.meta }, train, test, pca, center,
      rows: { x: x.rows, y: y.rows }, samples: x.cols, x: b64(x.data), y: b64(y.data), rngState: rng.state(),
    };
  } finally {
    setBackend(prev);
  }
}

/**
 * GET /data/mnist?seed=S&pca=K&train=N&center=0|1: the training set of `dln train --data mnist
 * --seed S --pca K --train-samples N [--no-center]`, as JSON (a few MB at most: K ≤ 64). Unknown or
 * bad parameters get 400 and one line.
 */
export function mnistResponse(search: string): DataResponse {
  const params = new URLSearchParams(search);
  try {
    for (const key of params.keys()) if (!['seed', 'pca', 'train', 'center'].includes(key)) throw new InputError(`unknown parameter '${key.slice(0, 20)}' (expected seed, pca, train, center)`);
    const seed = integer(params, 'seed', 0, 0xffffffff, 1);
    const pca = integer(params, 'pca', 1, MAX_MNIST_PCA, 50);
    const train = integer(params, 'train', 1, MNIST_DIGITS - 1, 8000);
    const c = params.get('center') ?? '1';
    if (c !== '0' && c !== '1') throw new InputError(`center must be 0 or 1, got '${c.slice(0, 20)}'`);
    const key = `${seed}/${pca}/${train}/${c}`;
    let payload = cache.get(key);
    if (payload === undefined) {
      payload = prepareMnist(seed, train, pca, c === '1');
      // The last few preparations are kept (each is at most a few MB).
      if (cache.size >= 4) cache.delete(cache.keys().next().value as string);
      cache.set(key, payload);
    }
    return { code: 200, type: 'application/json', body: JSON.stringify(payload) };
  } catch (e) {
    if (isBadInput(e)) return text(e instanceof MissingPackageError ? 404 : 400, `mnist: ${(e as Error).message}`);
    throw e;
  }
}
