import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.ts';
import { fsReason, fsyncDir } from './fsReason.ts';

/**
 * Writes content to path so that readers see either the old file or the whole new one: a temporary
 * file in the same directory is written, fsynced and renamed over path; on failure it is removed.
 * The file gets ordinary permissions (0644 under the umask).
 */
export function writeFileAtomic(path: string, content: Uint8Array | string): void {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let created = false;
  try {
    const fd = openSync(tmp, 'wx', 0o666);
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
    throw new InputError(`cannot write ${path}: ${code === 'ENOENT' ? 'no such directory' : fsReason(e)}`);
  }
  fsyncDir(dirname(path));
}
