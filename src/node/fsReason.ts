import { closeSync, fsyncSync, openSync } from 'node:fs';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file', EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory', ENOSPC: 'no space left on device', EROFS: 'read-only file system',
};

/** Why a file-system call failed, in a few words for a one-line message ('no such file', …; else the error's message). */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code !== undefined && REASONS[code]) || (e as Error).message;
}

/** Flushes a directory's entries to disk (after a rename); a no-op where directories cannot be fsynced. */
export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch {
    // Some platforms cannot open or fsync a directory; the rename itself is still atomic.
  }
}
