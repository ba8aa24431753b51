import type { Mat } from '../linalg/mat.ts';
import { InputError } from '../errors.ts';
import { parseNpy, matFromNpy } from './npy.ts';
import { parseNpz } from './npz.ts';
import { parseCsv } from './csv.ts';

/**
 * A matrix file's bytes as stored, one sample per row: .npy (1-D is a column), .npz (its first array)
 * or delimited text (.csv, .tsv, .txt), chosen by ext (default: the extension of `name`, the file
 * name that messages quote).
 */
export function matrixFromBytes(bytes: Uint8Array, name: string, ext = extensionOf(name)): Mat {
  ext = ext.toLowerCase();
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

/** '.csv' of 'dir/X.CSV' (lower case), '' when the last path segment has no dot. */
export function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}
