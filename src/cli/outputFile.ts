import { accessSync, constants, readdirSync, realpathSync, statSync } from 'node:fs';
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

/** The nearest folder at or above path that exists (the one a recursive mkdir starts in), or an InputError naming the problem. */
function nearestExistingFolder(path: string, flag: string, shown: string): string {
  for (let p = resolve(path); ; p = dirname(p)) {
    let stat;
    try {
      stat = statSync(p, { throwIfNoEntry: false });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(`${flag} ${shown}: ${code === 'ENOTDIR' ? 'a part of the path is a file, not a folder' : `cannot be checked (${code ?? 'unknown error'})`}; choose another path`);
    }
    if (stat !== undefined) {
      if (!stat.isDirectory()) throw new InputError(`${flag} ${shown}: ${p === resolve(path) ? 'exists and is not a folder' : 'a part of the path is a file, not a folder'}; choose another path`);
      return p;
    }
    if (dirname(p) === p) throw new InputError(`${flag} ${shown}: no part of the path exists; choose another path`);
  }
}

function assertWritable(folder: string, flag: string, shown: string): void {
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new InputError(`${flag} ${shown}: the folder ${folder} is not writable; choose another path`);
  }
}

/** What checkOutputDir lets a non-empty folder hold: a test of dln's own earlier output, and its name for the message. */
export interface ReplaceableOutput { isOwn(dir: string): boolean; what: string }

/**
 * Checks, before any work, that a command may create or write into the folder `path` (given to
 * `flag`): no part of its path is a file, and the folders it will be written into are writable (the
 * nearest existing folder on its path; when it exists, the folder itself and its parent, where a
 * staging folder is made beside it). Throws a one-line InputError saying what to do.
 */
export function checkDirWritable(path: string, flag: string): void {
  const target = resolve(path);
  const folder = nearestExistingFolder(target, flag, path);
  assertWritable(folder, flag, path);
  if (folder === target && dirname(target) !== target) assertWritable(dirname(target), flag, path);
}

/**
 * Checks, before any work, that the folder `path` (given to `flag`) may receive a command's output:
 * it is absent, empty, or (with `own`) holds dln's own earlier output of that kind, which the
 * command may replace; and it is writable (checkDirWritable). Throws a one-line InputError saying
 * what to do; changes nothing on disk.
 */
export function checkOutputDir(path: string, flag: string, own?: ReplaceableOutput): void {
  const target = resolve(path);
  if (nearestExistingFolder(target, flag, path) === target && readdirSync(target).length > 0 && own?.isOwn(target) !== true) {
    throw new InputError(`${flag} ${path} is not empty and holds no ${own?.what ?? 'output of dln'}; choose another directory`);
  }
  checkDirWritable(path, flag);
}
