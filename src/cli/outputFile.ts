import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.ts';

/** The canonical form of path for comparisons (symbolic links resolved where the file exists). */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Checks, before any work, that the output file `path` (given to `flag`) may be written: it is none
 * of the command's input files, it does not exist unless `force`, and its folder exists, is a folder
 * and is writable. Throws a one-line InputError saying what to do.
 */
export function checkOutputFile(path: string, flag: string, options: { force?: boolean; inputs?: readonly (string | undefined)[] } = {}): void {
  const target = canonical(path);
  for (const input of options.inputs ?? []) {
    if (input !== undefined && canonical(input) === target) throw new InputError(`${flag} ${path} is one of this command's input files; write the result to another file`);
  }
  let stat;
  try {
    stat = statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${flag} ${path}: ${code === 'ENOTDIR' ? 'a part of the path is a file, not a folder' : `cannot be checked (${code ?? 'unknown error'})`}; choose another path`);
  }
  if (stat?.isDirectory() === true) throw new InputError(`${flag} ${path} is a folder; give a file name`);
  if (stat !== undefined && options.force !== true) throw new InputError(`${flag} ${path} already exists (dln does not overwrite files; add --force to replace it)`);
  const parent = dirname(resolve(path));
  let dir;
  try {
    dir = statSync(parent);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${flag} ${path}: ${code === 'ENOTDIR' ? 'a part of the path is a file, not a folder' : 'its folder does not exist'}; create the folder or choose another path`);
  }
  if (!dir.isDirectory()) throw new InputError(`${flag} ${path}: ${parent} is not a folder; choose another path`);
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    throw new InputError(`${flag} ${path}: the folder ${parent} is not writable; choose another path`);
  }
}
