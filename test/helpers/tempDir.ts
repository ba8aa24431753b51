import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs fn in a fresh temporary folder named dln-PREFIX-…, removed afterwards whatever happens. */
export function withTempDir<T>(prefix: string, fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), `dln-${prefix}-`));
  try { return fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}
