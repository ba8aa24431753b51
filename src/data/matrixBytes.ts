import type { Mat } from '../linalg/mat.ts';
import { DataError } from '../errors.ts';
import { parseNpy, matFromNpy } from './npy.ts';
import { parseNpz } from './npz.ts';
import { parseCsv } from './csv.ts';

/** Which array of an .npz a data flag takes: the key given by `flag` (e.g. --x-key), if any. */
export interface NpzKey { key?: string; flag: string }

/**
 * A matrix file's bytes as stored, one sample per row: .npy (1-D is a column), .npz (the array named
 * by npz.key, or its only array) or delimited text (.csv, .tsv, .txt), chosen by ext (default: the
 * extension of `name`, the file name that messages quote).
 */
export function matrixFromBytes(bytes: Uint8Array, name: string, ext = extensionOf(name), npz: NpzKey = { flag: '--x-key' }): Mat {
  ext = ext.toLowerCase();
  if (npz.key !== undefined && ext !== '.npz') throw new DataError(`${npz.flag} chooses an array of an .npz file, but ${name} is a ${ext || 'plain'} file; drop ${npz.flag}`);
  if (ext === '.npy') return matFromNpy(parseNpy(bytes, name), name);
  if (ext === '.npz') {
    const arrays = parseNpz(bytes, name), keys = [...arrays.keys()];
    const list = keys.length === 0 ? 'no arrays' : `the arrays ${keys.join(', ')}`;
    if (npz.key !== undefined) {
      const chosen = arrays.get(npz.key);
      if (chosen === undefined) throw new DataError(`${name} has no array '${npz.key}' (it holds ${list}); give one of them to ${npz.flag}`);
      return matFromNpy(chosen, `${name}: ${npz.key}`);
    }
    if (keys.length !== 1) throw new DataError(`${name} holds ${list}: say which is the data with ${npz.flag} NAME`);
    return matFromNpy(arrays.get(keys[0])!, `${name}: ${keys[0]}`);
  }
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new DataError(`${name}: not UTF-8 text`);
    }
    return parseCsv(text, name);
  }
  throw new DataError(`${name}: unknown file type '${ext}' (expected .npy, .npz, .csv, .tsv or .txt)`);
}

/** '.csv' of 'dir/X.CSV' (lower case), '' when the last path segment has no dot. */
export function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}
