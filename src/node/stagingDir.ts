import { chmodSync, cpSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.ts';
import { fsReason, fsyncDir } from './fsReason.ts';

/** Options of createStagingDir and withStagingDir. */
export interface StagingOptions {
  /**
   * What to do when finalDir already exists (default 'fail'): 'fail' throws an InputError before any
   * work; 'replace' starts from an empty staging directory; 'resume' starts from a copy of finalDir's
   * files. With 'replace' and 'resume', finalDir stays untouched until commitStagingDir swaps it.
   */
  readonly ifExists?: 'fail' | 'replace' | 'resume';
}

/** A fresh directory at a random name from prefix (mode 0777 under the umask: 0755 usually). */
function mkdirUnique(prefix: string): string {
  for (;;) {
    const path = `${prefix}${randomBytes(6).toString('base64url')}`;
    try {
      mkdirSync(path);
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/**
 * A new hidden directory '.NAME.staging-XXXXXXXX' beside finalDir (same file system, so the final
 * rename is atomic); the parent is created if needed. It has ordinary permissions (0755 under the
 * umask), or an existing finalDir's own mode, which the swap then keeps. A process killed mid-way
 * leaves only the staging directory.
 */
export function createStagingDir(finalDir: string, options: StagingOptions = {}): string {
  const ifExists = options.ifExists ?? 'fail';
  const stat = statSync(finalDir, { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isDirectory()) throw new InputError(`${finalDir}: exists and is not a directory`);
  if (stat !== undefined && ifExists === 'fail') throw new InputError(`${finalDir}: output directory already exists`);
  const parent = dirname(finalDir);
  let staging: string;
  try {
    mkdirSync(parent, { recursive: true });
    staging = mkdirUnique(join(parent, `.${basename(finalDir)}.staging-`));
  } catch (e) {
    throw new InputError(`cannot create ${finalDir}: ${fsReason(e)}`);
  }
  if (stat !== undefined) {
    chmodSync(staging, stat.mode & 0o7777);
    if (ifExists === 'resume') cpSync(finalDir, staging, { recursive: true });
  }
  return staging;
}

/**
 * Moves a finished staging directory to finalDir. An existing finalDir is first renamed aside to
 * '.NAME.old-…', then removed once the new one is in place (a crash between the two renames leaves
 * the complete old directory under that name, never a half-written finalDir).
 */
export function commitStagingDir(staging: string, finalDir: string): void {
  let aside: string | null = null;
  if (statSync(finalDir, { throwIfNoEntry: false }) !== undefined) {
    aside = join(dirname(finalDir), `.${basename(finalDir)}.old-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      renameSync(finalDir, aside);
    } catch (e) {
      throw new InputError(`cannot replace ${finalDir}: ${fsReason(e)}`);
    }
  }
  try {
    renameSync(staging, finalDir);
  } catch (e) {
    if (aside !== null) renameSync(aside, finalDir);
    throw new InputError(`cannot create ${finalDir}: ${fsReason(e)}`);
  }
  if (aside !== null) rmSync(aside, { recursive: true, force: true });
  fsyncDir(dirname(finalDir));
}

/** Removes a staging directory and everything in it. */
export function discardStagingDir(staging: string): void {
  rmSync(staging, { recursive: true, force: true });
}

/**
 * dln's one way to write a directory of results: runs fn on a fresh staging directory beside finalDir
 * (see createStagingDir and options.ifExists) and renames it to finalDir once fn has finished, so that
 * finalDir is never half-written. When fn (or the rename) fails, the staging directory is removed and
 * finalDir is left as it was. Synchronous for a synchronous fn; a Promise when fn returns one.
 */
export function withStagingDir<T>(finalDir: string, fn: (staging: string) => T, options: StagingOptions = {}): T {
  const staging = createStagingDir(finalDir, options);
  const commit = (value: T): T => {
    try {
      commitStagingDir(staging, finalDir);
    } catch (e) {
      discardStagingDir(staging);
      throw e;
    }
    return value;
  };
  const fail = (e: unknown): never => {
    discardStagingDir(staging);
    throw e;
  };
  let result: T;
  try {
    result = fn(staging);
  } catch (e) {
    return fail(e);
  }
  if (result instanceof Promise) return result.then(commit, fail) as T;
  return commit(result);
}
