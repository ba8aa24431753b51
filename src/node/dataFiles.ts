import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { type Mat } from '../linalg/mat.ts';
import type { Dataset } from '../model/stats.ts';
import { InputError } from '../errors.ts';
import { fsReason } from './fsReason.ts';
import { decodeWeights } from '../data/npz.ts';
import { type NpzKey, matrixFromBytes } from '../data/matrixBytes.ts';
import { matrixFromSamples, checkPair } from '../data/validate.ts';

export type { NpzKey } from '../data/matrixBytes.ts';

function readBytes(path: string, name = path): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read ${name}: ${fsReason(e)}`);
  }
}

/**
 * A matrix file as stored, one sample per row: .npy (1-D is a column), .npz (the array named by
 * npz.key, or its only array) or delimited text (.csv, .tsv, .txt). `name` is how messages call the
 * file (default: the path).
 */
export function readMatrixFile(path: string, name = path, npz: NpzKey = { flag: '--x-key' }): Mat {
  return matrixFromBytes(readBytes(path, name), name, extname(path), npz);
}

/** X and Y files (one sample per row) as a Dataset in the column convention (x: d_x×m, y: d_y×m), finite and paired. */
export function loadDataset(xPath: string, yPath: string, keys: { x?: string; y?: string } = {}): Dataset {
  const x = matrixFromSamples(readMatrixFile(xPath, xPath, { key: keys.x, flag: '--x-key' }), xPath);
  const y = matrixFromSamples(readMatrixFile(yPath, yPath, { key: keys.y, flag: '--y-key' }), yPath);
  checkPair(x, y);
  return { x, y };
}

/** The weights W1..WN of a .npz weights file (see decodeWeights). */
export function readWeightsFile(path: string): Mat[] {
  return decodeWeights(readBytes(path), path);
}
