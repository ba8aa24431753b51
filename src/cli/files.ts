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

/** Which array of an .npz a data flag takes: the key given by `flag` (e.g. --x-key), if any. */
export interface NpzKey { key?: string; flag: string }

/**
 * A matrix file as stored, one sample per row: .npy (1-D is a column), .npz (the array named by
 * npz.key, or its only array) or delimited text (.csv, .tsv, .txt). `name` is how messages call the
 * file (default: the path).
 */
export function readMatrixFile(path: string, name = path, npz: NpzKey = { flag: '--x-key' }): Mat {
  const bytes = readBytes(path, name);
  const ext = extname(path).toLowerCase();
  if (npz.key !== undefined && ext !== '.npz') throw new InputError(`${npz.flag} chooses an array of an .npz file, but ${name} is a ${ext || 'plain'} file; drop ${npz.flag}`);
  if (ext === '.npy') return matFromNpy(parseNpy(bytes, name), name);
  if (ext === '.npz') {
    const arrays = parseNpz(bytes, name), keys = [...arrays.keys()];
    const list = keys.length === 0 ? 'no arrays' : `the arrays ${keys.join(', ')}`;
    if (npz.key !== undefined) {
      const chosen = arrays.get(npz.key);
      if (chosen === undefined) throw new InputError(`${name} has no array '${npz.key}' (it holds ${list}); give one of them to ${npz.flag}`);
      return matFromNpy(chosen, `${name}: ${npz.key}`);
    }
    if (keys.length !== 1) throw new InputError(`${name} holds ${list}: say which is the data with ${npz.flag} NAME`);
    return matFromNpy(arrays.get(keys[0])!, `${name}: ${keys[0]}`);
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
