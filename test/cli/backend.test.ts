import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableBackends } from '../../src/linalg/backends/selectBackend.ts';

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['bin/dln.js', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
const TRAIN = ['train', '--data', 'report-sec4', '--dims', '5,4,4,5', '--lr', '1e-5', '--steps', '300', '--seed', '3', '--json', '--no-progress'];

test('dln train gives the same run on every available backend, to rounding, and says which it used', () => {
  const losses = new Map<string, number>();
  for (const b of availableBackends()) {
    const r = run([...TRAIN, '--backend', b]);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.backend, b);
    losses.set(b, s.loss);
  }
  const ref = losses.get('ts')!;
  for (const [b, l] of losses) assert.ok(Math.abs(l - ref) <= 1e-11 * ref, `${b}: ${l} vs ts ${ref}`);
});

test('an unknown backend is one line on stderr and exit code 2', () => {
  const r = run([...TRAIN, '--backend', 'gpu']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^dln: --backend: unknown backend 'gpu'[^\n]*\n$/);
});

test('DLN_BACKEND chooses the backend when --backend is not given', () => {
  const r = run(TRAIN, { DLN_BACKEND: 'ts' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).backend, 'ts');
});
