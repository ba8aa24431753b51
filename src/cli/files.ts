import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { type Mat } from '../linalg/mat.ts';
import type { Dataset } from '../model/stats.ts';
import { InputError } from '../errors.ts';
import { fsReason } from '../node/fsReason.ts';
import { parseNpy, matFromNpy } from '../data/npy.ts';
import { parseNpz, decodeWeights } from '../data/npz.ts';
import { parseCsv } from '../data/csv.ts';
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
  const bytes = readBytes(path, name);
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') return matFromNpy(parseNpy(bytes, name), name);
  if (ext === '.npz') {
    const [key, first] = parseNpz(bytes, name).entries().next().value!;
    return matFromNpy(first, `${name}: ${key}`);
  }
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new InputError(`${name}: not UTF-8 text`);
    }
    return parseCsv(text, name);
  }
  throw new InputError(`${name}: unknown file type '${ext}' (expected .npy, .npz, .csv, .tsv or .txt)`);
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
