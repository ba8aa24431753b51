import { readFileSync, openSync, writeSync, fsyncSync, closeSync, renameSync, rmSync, mkdirSync, mkdtempSync, statSync, cpSync } from 'node:fs';
import { dirname, basename, extname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { type Mat } from '../linalg/mat.ts';
import type { Dataset } from '../model/stats.ts';
import { InputError } from '../errors.ts';
import { decodeWeights } from '../data/npz.ts';
import { matrixFromBytes } from '../data/matrixBytes.ts';
import { matrixFromSamples, checkPair } from '../data/validate.ts';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file', EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory', ENOSPC: 'no space left on device', EROFS: 'read-only file system',
};

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code !== undefined && REASONS[code]) || (e as Error).message;
}

function readBytes(path: string, name = path): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InputError(`cannot read ${name}: ${reason(e)}`);
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

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch {
    // Some platforms cannot open or fsync a directory; the rename itself is still atomic.
  }
}

/**
 * Writes content to path so that readers see either the old file or the whole new one: a temporary
 * file in the same directory is written, fsynced and renamed over path; on failure it is removed.
 */
export function writeFileAtomic(path: string, content: Uint8Array | string): void {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let created = false;
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    created = true;
    try {
      for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    if (created) rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot write ${path}: ${code === 'ENOENT' ? 'no such directory' : reason(e)}`);
  }
  fsyncDir(dirname(path));
}

/** Options of createStagingDir and withStagingDir. */
export interface StagingOptions {
  /**
   * What to do when finalDir already exists (default 'fail'): 'fail' throws an InputError before any
   * work; 'replace' starts from an empty staging directory; 'resume' starts from a copy of finalDir's
   * files. With 'replace' and 'resume', finalDir stays untouched until commitStagingDir swaps it.
   */
  readonly ifExists?: 'fail' | 'replace' | 'resume';
}

/**
 * A new hidden directory '.NAME.staging-XXXXXX' beside finalDir (same file system, so the final
 * rename is atomic); the parent is created if needed. A process killed mid-way leaves only that.
 */
export function createStagingDir(finalDir: string, options: StagingOptions = {}): string {
  const ifExists = options.ifExists ?? 'fail';
  const stat = statSync(finalDir, { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isDirectory()) throw new InputError(`${finalDir}: exists and is not a directory`);
  const exists = stat !== undefined;
  if (exists && ifExists === 'fail') throw new InputError(`${finalDir}: output directory already exists`);
  const parent = dirname(finalDir);
  let staging: string;
  try {
    mkdirSync(parent, { recursive: true });
    staging = mkdtempSync(join(parent, `.${basename(finalDir)}.staging-`));
  } catch (e) {
    throw new InputError(`cannot create ${finalDir}: ${reason(e)}`);
  }
  if (exists && ifExists === 'resume') cpSync(finalDir, staging, { recursive: true });
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
      throw new InputError(`cannot replace ${finalDir}: ${reason(e)}`);
    }
  }
  try {
    renameSync(staging, finalDir);
  } catch (e) {
    if (aside !== null) renameSync(aside, finalDir);
    throw new InputError(`cannot create ${finalDir}: ${reason(e)}`);
  }
  if (aside !== null) rmSync(aside, { recursive: true, force: true });
  fsyncDir(dirname(finalDir));
}

/** Removes a staging directory and everything in it. */
export function discardStagingDir(staging: string): void {
  rmSync(staging, { recursive: true, force: true });
}

/**
 * Runs fn on a fresh staging directory and renames it to finalDir when fn succeeds; when fn throws,
 * the staging directory is removed and finalDir is left as it was.
 */
export async function withStagingDir<T>(finalDir: string, fn: (staging: string) => T | Promise<T>, options: StagingOptions = {}): Promise<T> {
  const staging = createStagingDir(finalDir, options);
  let result: T;
  try {
    result = await fn(staging);
  } catch (e) {
    discardStagingDir(staging);
    throw e;
  }
  commitStagingDir(staging, finalDir);
  return result;
}
