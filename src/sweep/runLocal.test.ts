import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec } from '../experiments/sweep/index.ts';
import { createSweep } from './sweepDir.ts';
import { runLocal } from './runLocal.ts';
import { SweepStore } from './sweepStore.ts';

const root = mkdtempSync(join(tmpdir(), 'dln-runlocal-'));
const spec = parseSpec({
  name: 'lanes', chunkSize: 4,
  base: { data: 'report-sec5', dims: [5, 4, 4, 5], initStd: 0.2, steps: 200 },
  axes: { seed: '0..9', lrMultiple: [0.5, 2, 300] },
});
const quiet = { stderr: process.stderr, progress: false, onInterrupt: () => () => undefined };

async function sweep(name: string, jobs: number, threadStart?: { afterSeconds: number; remainingSeconds: number } | 'only') {
  const dir = join(root, name);
  createSweep(dir, spec, 'test').close();
  const store = SweepStore.open(dir);
  try {
    const out = await runLocal(store, 'test', { ...quiet, jobs, ...(threadStart ? { threadStart } : {}) });
    return { out, records: store.records() };
  } finally { store.close(); }
}

test('runLocal gives the same records on the calling thread alone, on worker threads alone, and on both', { timeout: 120_000 }, async () => {
  const alone = await sweep('alone', 1);
  assert.deepEqual(alone.out, { done: 30, total: 30, interrupted: false });
  for (const [name, jobs, start] of [['threads', 2, 'only'], ['both', 3, { afterSeconds: 0, remainingSeconds: 0 }]] as const) {
    const r = await sweep(name, jobs, start);
    assert.deepEqual(r.out, alone.out, name);
    assert.deepEqual(r.records, alone.records, name);
  }
});

test('ChunkPool.stop drops a running chunk (it rejects, nothing returned), and the pool still serves the next chunk after a fresh start', { timeout: 120_000 }, async () => {
  const { ChunkPool } = await import('./chunkPool.ts');
  const long = parseSpec({ name: 'long', base: { data: 'report-sec5', dims: [5, 4, 4, 5], initStd: 0.2, steps: 5_000_000, lr: 1e-4 }, axes: { seed: '0..3' } });
  const pool = new ChunkPool(1, 'test');
  try {
    await pool.ready;
    const running = pool.run(long, [0, 1, 2, 3]);
    setTimeout(() => pool.stop(), 300);
    await assert.rejects(running, /interrupted/);
  } finally { await pool.close(); }
  const again = new ChunkPool(1, 'test');
  try { assert.equal((await again.run(spec, [0, 1, 2])).length, 3); } finally { await again.close(); }
});
