import { unzipSync, zipSync, type Zippable } from 'fflate';
import { type Mat } from '../linalg/mat.ts';
import { DataError } from '../errors.ts';
import { type ParsedNpy, parseNpy, encodeNpy, pyShape } from './npy.ts';
import { assertFinite } from './validate.ts';

/** Options of encodeNpz. */
export interface EncodeNpzOptions {
  /** Deflate the members as numpy.savez_compressed does (default false: stored, as numpy.savez). */
  readonly compress?: boolean;
}

// A fixed timestamp keeps archives of equal arrays byte-identical.
const MTIME = new Date(1980, 0, 1, 0, 0, 0);

/**
 * Parses a .npz archive (stored or deflated members, zip64 as numpy writes it) into its arrays, in
 * archive order, keyed by member name without the .npy suffix; members not ending in .npy are skipped.
 */
export function parseNpz(bytes: Uint8Array, name = 'npz'): Map<string, ParsedNpy> {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (e) {
    throw new DataError(`${name}: not a .npz file (${(e as Error).message})`);
  }
  const out = new Map<string, ParsedNpy>();
  for (const [member, data] of Object.entries(members)) {
    if (!member.endsWith('.npy')) continue;
    out.set(member.slice(0, -4), parseNpy(data, `${name}: ${member}`));
  }
  if (out.size === 0) throw new DataError(`${name}: contains no arrays`);
  return out;
}

/** A .npz archive holding each matrix as '<name>.npy' (float64, C order), readable by numpy.load. */
export function encodeNpz(arrays: Record<string, Mat>, options: EncodeNpzOptions = {}): Uint8Array {
  const level = options.compress === true ? 6 : 0;
  const files: Zippable = {};
  for (const [key, m] of Object.entries(arrays)) files[`${key}.npy`] = [encodeNpy(m), { level, mtime: MTIME }];
  return zipSync(files, { level, mtime: MTIME });
}

/** A weights file: W1..WN (W_j of shape d_j × d_{j−1}, THEORY §1.1) as float64 arrays of a .npz archive. */
export function encodeWeights(weights: readonly Mat[], options: EncodeNpzOptions = {}): Uint8Array {
  if (weights.length === 0) throw new RangeError('encodeWeights: no weight matrices');
  for (let j = 1; j < weights.length; j++) {
    if (weights[j].cols !== weights[j - 1].rows) {
      throw new RangeError(`encodeWeights: W${j + 1} has ${weights[j].cols} columns but W${j} has ${weights[j - 1].rows} rows`);
    }
  }
  const arrays: Record<string, Mat> = {};
  weights.forEach((w, j) => { arrays[`W${j + 1}`] = w; });
  return encodeNpz(arrays, options);
}

/**
 * Reads a weights file: exactly the arrays W1..WN (N ≥ 1, no gaps, no other arrays), each 2-D and
 * finite, with W_{j+1} having as many columns as W_j has rows. Anything else is a DataError.
 */
export function decodeWeights(bytes: Uint8Array, name = 'weights'): Mat[] {
  const arrays = parseNpz(bytes, name);
  const byIndex = new Map<number, ParsedNpy>();
  for (const [key, p] of arrays) {
    const match = /^W([1-9]\d*)$/.exec(key);
    if (match === null) throw new DataError(`${name}: unexpected array '${key}' (a weights file holds W1..WN)`);
    byIndex.set(Number(match[1]), p);
  }
  const n = byIndex.size;
  const found = [...byIndex.keys()].sort((a, b) => a - b).map((j) => `W${j}`).join(', ');
  const weights: Mat[] = [];
  for (let j = 1; j <= n; j++) {
    const p = byIndex.get(j);
    if (p === undefined) throw new DataError(`${name}: W${j} is missing (found ${found})`);
    if (p.shape.length !== 2) throw new DataError(`${name}: W${j} must be 2-D, got shape ${pyShape(p.shape)}`);
    const w: Mat = { rows: p.shape[0], cols: p.shape[1], data: p.data };
    assertFinite(w, `${name}: W${j}`);
    if (j > 1 && w.cols !== weights[j - 2].rows) {
      throw new DataError(`${name}: W${j} has ${w.cols} columns but W${j - 1} has ${weights[j - 2].rows} rows`);
    }
    weights.push(w);
  }
  return weights;
}
