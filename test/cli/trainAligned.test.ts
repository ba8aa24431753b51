import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../../src/data/npy.ts';
import { type Mat, toRows, transposed } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';
import { randomNormal } from '../../src/linalg/random.ts';
import { saxeGdMode } from '../../src/theory/index.ts';
import { type Run, startDln } from '../helpers/cli.ts';
import { runNumpy } from '../helpers/numpy.ts';

let dir = '';
let x: Mat, y: Mat;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dln-aligned-'));
  const rng = new Rng(8);
  x = randomNormal(4, 25, rng, 1);
  for (let j = 0; j < 25; j++) x.data[j] *= 3;
  y = randomNormal(3, 25, rng, 1);
  writeFileSync(join(dir, 'X.npy'), encodeNpy(transposed(x)));
  writeFileSync(join(dir, 'Y.npy'), encodeNpy(transposed(y)));
});
after(() => { rmSync(dir, { recursive: true, force: true }); });

const dln = (args: readonly string[]): Promise<Run> => startDln(args, dir).done;

test('dln train --whiten --init aligned: the trajectory\'s singular values follow a ← a + η(s − a^N)a^{N−1} with s from numpy', async () => {
  const eta = 0.01, steps = 400;
  const r = await dln(['train', '--x', 'X.npy', '--y', 'Y.npy', '--whiten', '--dims', '4,5,4,3', '--init', 'aligned', '--init-scale', '0.2',
    '--lr', String(eta), '--steps', String(steps), '--out', 'run', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const ref = runNumpy(`
X = np.array(data['x']); Y = np.array(data['y'])
w, V = np.linalg.eigh(X @ X.T); Xw = V @ np.diag(w ** -0.5) @ V.T @ X
emit({'s': np.linalg.svd(Y @ Xw.T, compute_uv=False).tolist()})`, { x: toRows(x), y: toRows(y) }) as { s: number[] } | null;
  if (ref === null) return;
  const lines = readFileSync(join(dir, 'run', 'trajectory.csv'), 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  for (const line of lines.slice(1)) {
    const row = line.split(',').map(Number), k = row[0];
    ref.s.forEach((s, i) => {
      const a = saxeGdMode(0.2, s, 3, eta, k)[k];
      assert.ok(Math.abs(row[head.indexOf(`sv${i + 1}`)] - a ** 3) <= 1e-11 * s, `step ${k} mode ${i + 1}`);
    });
  }
  const config = JSON.parse(readFileSync(join(dir, 'run', 'config.json'), 'utf8'));
  assert.equal(config.settings.data.whiten, true);
  assert.deepEqual(config.settings.init, { kind: 'aligned', scale: 0.2 });
});

test('--init-scale is refused with --init gaussian; --whiten with linearly dependent inputs is one line, exit 2', async () => {
  const r = await dln(['train', '--x', 'X.npy', '--y', 'Y.npy', '--dims', '4,3', '--init', 'gaussian', '--init-scale', '0.2', '--lr', '0.01', '--steps', '1', '--out', 'r2']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^dln: --init-scale applies to --init balanced, orthogonal or aligned only[^\n]*\n$/);
  const few = transposed(randomNormal(4, 3, new Rng(1), 1));
  writeFileSync(join(dir, 'X3.npy'), encodeNpy(few));
  writeFileSync(join(dir, 'Y3.npy'), encodeNpy(transposed(randomNormal(3, 3, new Rng(2), 1))));
  const w = await dln(['critical', '--x', 'X3.npy', '--y', 'Y3.npy', '--whiten', '--dims', '4,3']);
  assert.equal(w.code, 2, w.stderr);
  assert.match(w.stderr, /^dln: --whiten needs Σ_XX = XXᵀ invertible[^\n]*\n$/);
});
