import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { type Mat } from '../linalg/mat.ts';
import type { Dataset } from '../model/stats.ts';
import { InputError } from '../errors.ts';
import { fsReason } from '../node/fsReason.ts';
import { decodeWeights } from '../data/npz.ts';
import { matrixFromBytes } from '../data/matrixBytes.ts';
import { matrixFromSamples, checkPair } from '../data/validate.ts';

function readBytes(path: string, name = path): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read ${name}: ${fsReason(e)}`);
  }
}

/**
 * A matrix file as stored, one sample per row: .npy (1-D is a column), .npz (its first array) or
 * delimited text (.csv, .tsv, .txt). `name` is how messages call the file (default: the path).
 */
export function readMatrixFile(path: string, name = path): Mat {
  return matrixFromBytes(readBytes(path, name), name, extname(path));
}

/** X and Y files (one sample per row) as a Dataset in the column convention (x: d_x×m, y: d_y×m), finite and paired. */
export function loadDataset(xPath: string, yPath: string): Dataset {
  const x = matrixFromSamples(readMatrixFile(xPath), xPath);
  const y = matrixFromSamples(readMatrixFile(yPath), yPath);
  checkPair(x, y);
  return { x, y };
}

/** The weights W1..WN of a .npz weights file (see decodeWeights). */
export function readWeightsFile(path: string): Mat[] {
  return decodeWeights(readBytes(path), path);
}
