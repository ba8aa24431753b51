import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../../src/data/npy.ts';
import { encodeWeights } from '../../src/data/npz.ts';
import { type Mat, toRows, transposed } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';
import { randomNormal } from '../../src/linalg/random.ts';
import { type Run, startDln } from '../helpers/cli.ts';
import { runNumpy } from '../helpers/numpy.ts';

let dir = '';
let x: Mat, y: Mat;
const DATA = ['--x', 'X.npy', '--y', 'Y.npy'];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dln-minima-'));
  const rng = new Rng(5), m = 30;
  x = randomNormal(4, m, rng, 1);
  for (let i = 0; i < 4; i++) for (let j = 0; j < m; j++) x.data[i * m + j] *= 0.5 + i;
  y = randomNormal(3, m, rng, 1);
  writeFileSync(join(dir, 'X.npy'), encodeNpy(transposed(x)));
  writeFileSync(join(dir, 'Y.npy'), encodeNpy(transposed(y)));
});
after(() => { rmSync(dir, { recursive: true, force: true }); });

const dln = (args: readonly string[]): Promise<Run> => startDln(args, dir).done;

function json(r: Run): any {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function fails(r: Run, message: RegExp): void {
  assert.equal(r.code, 2, `stdout: ${r.stdout} stderr: ${r.stderr}`);
  assert.match(r.stderr, /^dln: [^\n]+\n$/);
  assert.match(r.stderr, message);
}

test('dln minima --json: closed form against numpy, the search agrees, 2/λ_flat printed', async () => {
  const out = json(await dln(['minima', ...DATA, '--dims', '4,3,3', '--starts', '2', '--iterations', '150', '--json']));
  // numpy: P* = Σ_YXΣ_XX^{−1}, S = Σ_XX^{1/2}, N·max_v ‖P*Sv‖^{2(N−1)/N}‖Sv‖^{2/N} by many restarts of a projected ascent.
  const ref = runNumpy(`
X = np.array(data['x']); Y = np.array(data['y']); N = 2
Sxx = X @ X.T; P = (Y @ X.T) @ np.linalg.inv(Sxx)
w, V = np.linalg.eigh(Sxx); S = V @ np.diag(np.sqrt(w)) @ V.T
B = S @ P.T @ P @ S
rng = np.random.default_rng(0); best = 0
for k in range(200):
    v = rng.normal(size=4); v /= np.linalg.norm(v)
    for it in range(3000):
        g = (N-1)/N * B @ v / (v @ B @ v) + 1/N * Sxx @ v / (v @ Sxx @ v)
        v = g / np.linalg.norm(g)
    best = max(best, (v @ B @ v) ** ((N-1)/N) * (v @ Sxx @ v) ** (1/N))
emit({'lam': N * best})`, { x: toRows(x), y: toRows(y) }) as { lam: number } | null;
  if (ref !== null) assert.ok(Math.abs(out.closedForm.lambdaFlat - ref.lam) <= 1e-9 * ref.lam, `${out.closedForm.lambdaFlat} vs numpy ${ref.lam}`);
  assert.equal(out.closedForm.proven, true);
  assert.ok(Math.abs(out.closedForm.etaFlat * out.closedForm.lambdaFlat - 2) <= 1e-15);
  assert.ok(Math.abs(out.search.lambdaFlat - out.closedForm.lambdaFlat) <= 1e-7 * out.closedForm.lambdaFlat);
  assert.ok(out.balancedSharpness >= out.closedForm.lambdaFlat);
  assert.equal(out.plateaus.length, 4);
  assert.ok(Math.abs(out.globalMinimumLoss - out.plateaus[3]) <= 1e-12 * out.plateaus[0]);
});

test('dln minima --whiten: λ_flat = N‖P*‖^{2−2/N} of the whitened problem (numpy), a bottleneck says so', async () => {
  const out = json(await dln(['minima', ...DATA, '--whiten', '--dims', '4,5,5,3', '--starts', '0', '--json']));
  const ref = runNumpy(`
X = np.array(data['x']); Y = np.array(data['y'])
w, V = np.linalg.eigh(X @ X.T); Xw = V @ np.diag(w ** -0.5) @ V.T @ X
emit({'s': float(np.linalg.svd(Y @ Xw.T, compute_uv=False)[0])})`, { x: toRows(x), y: toRows(y) }) as { s: number } | null;
  if (ref !== null) assert.ok(Math.abs(out.closedForm.lambdaFlat - 3 * ref.s ** (4 / 3)) <= 1e-10 * out.closedForm.lambdaFlat);
  assert.equal(out.search, null);
  const neck = json(await dln(['minima', ...DATA, '--dims', '4,2,3', '--starts', '0', '--json']));
  assert.equal(neck.bottleneck, true);
  assert.equal(neck.closedForm.proven, false);
});

test('dln minima --weights reports the sharpness of given weights; text output names λ_flat and 2/λ_flat', async () => {
  const w = [randomNormal(3, 4, new Rng(1), 0.3), randomNormal(3, 3, new Rng(2), 0.3)];
  writeFileSync(join(dir, 'W.npz'), encodeWeights(w));
  const out = json(await dln(['minima', ...DATA, '--dims', '4,3,3', '--starts', '0', '--weights', 'W.npz', '--json']));
  assert.ok(out.weights.sharpness > 0 && out.weights.excessLoss > 0);
  const text = await dln(['minima', ...DATA, '--dims', '4,3,3', '--starts', '0']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /λ_flat \(closed form.*2\/λ_flat/);
  assert.match(text.stdout, /critical values/);
});

test('dln minima: bad input is one line and exit code 2', async () => {
  fails(await dln(['minima', ...DATA]), /--dims is required/);
  fails(await dln(['minima', ...DATA, '--dims', '4,3,3', '--starts', '-1']), /--starts/);
  fails(await dln(['minima', ...DATA, '--dims', '5,3,3']), /5|4/);
  writeFileSync(join(dir, 'W2.npz'), encodeWeights([randomNormal(2, 4, new Rng(1), 1), randomNormal(3, 2, new Rng(1), 1)]));
  fails(await dln(['minima', ...DATA, '--dims', '4,3,3', '--weights', 'W2.npz']), /W1|shape/);
  fails(await dln(['minima', ...DATA, '--dims', '4,40,40,3', '--starts', '2']), /gauge search .* up to 1500 parameters/);
});

test('dln minima on a wide network skips the search by default and says so', async () => {
  const r = await dln(['minima', ...DATA, '--dims', '4,20,20,3', '--json']);
  const out = json(r);
  assert.equal(out.search, null);
  assert.match(r.stderr, /^dln: warning: 540 parameters: the gauge search is skipped/);
  assert.ok(out.closedForm.lambdaFlat > 0 && out.closedForm.proven);
});
