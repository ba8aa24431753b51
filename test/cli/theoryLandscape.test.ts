import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNpy } from '../../src/data/npy.ts';
import { decodeWeights, encodeWeights } from '../../src/data/npz.ts';
import { builtinData } from '../../src/data/generators.ts';
import { type Mat, toRows, transposed, zeros } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';
import { mul } from '../helpers/linalgChecks.ts';
import { runNumpy } from '../helpers/numpy.ts';

const BIN = fileURLToPath(new URL('../../bin/dln.js', import.meta.url));

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs `node bin/dln.js args…` in the test directory. */
function dln(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function ok(r: Run): Record<string, unknown> {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Exit code and exactly one line `dln: …` on stderr matching message. */
function fails(r: Run, code: number, message: RegExp): void {
  assert.equal(r.code, code, `stdout: ${r.stdout} stderr: ${r.stderr}`);
  assert.match(r.stderr, /^dln: [^\n]+\n$/);
  assert.match(r.stderr, message);
}

let dir = '';
/** The small data set of the .npy files, in the column convention (x: 4×40, y: 3×40). */
let small: { x: Mat; y: Mat };
const SMALL = ['--x', 'X.npy', '--y', 'Y.npy'];
const SEC4 = ['--data', 'report-sec4', '--seed', '1'];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dln-theory-'));
  const rng = new Rng(5);
  const m = 40, x = zeros(4, m), y = zeros(3, m);
  rng.fillNormal(x.data);
  rng.fillNormal(y.data, 0.3);
  const a = [[3, 1, 0, 0.5], [0, 2, 1, 0], [0.5, 0, 1, 1]];
  for (let i = 0; i < 3; i++) for (let k = 0; k < m; k++) for (let j = 0; j < 4; j++) y.data[i * m + k] += a[i][j] * x.data[j * m + k];
  small = { x, y };
  writeFileSync(join(dir, 'X.npy'), encodeNpy(transposed(x)));
  writeFileSync(join(dir, 'Y.npy'), encodeNpy(transposed(y)));
  // Σ_XX singular: 3 samples of 5 features.
  const xs = zeros(3, 5), ys = zeros(3, 2);
  rng.fillNormal(xs.data); rng.fillNormal(ys.data);
  writeFileSync(join(dir, 'Xfew.npy'), encodeNpy(xs));
  writeFileSync(join(dir, 'Yfew.npy'), encodeNpy(ys));
  // Σ = I_2 (X = I_3, Y picks two inputs): λ_1 = λ_2, S ambiguous.
  const xi = zeros(3, 3), yi = zeros(3, 2);
  for (let i = 0; i < 3; i++) xi.data[i * 3 + i] = 1;
  yi.data[0] = 1; yi.data[3] = 1;
  writeFileSync(join(dir, 'Xeye.npy'), encodeNpy(xi));
  writeFileSync(join(dir, 'Yeye.npy'), encodeNpy(yi));
  // Weights that are not critical, and weights of the wrong widths.
  const w = (r: number, c: number): Mat => { const m2 = zeros(r, c); rng.fillNormal(m2.data, 0.5); return m2; };
  writeFileSync(join(dir, 'random.npz'), encodeWeights([w(3, 4), w(3, 3), w(3, 3)]));
  writeFileSync(join(dir, 'wrong.npz'), encodeWeights([w(2, 3), w(2, 2)]));
});

after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The reference of THEORY §5.1–§5.3 in numpy: λ of Σ = Σ_YXΣ_XX⁻¹Σ_XY (descending), every critical
 * value ½(tr Σ_YY − Σ_{i∈S}λ_i) for |S| ≤ rMax keyed by "1,2", and the products U_SU_SᵀΣ_YXΣ_XX⁻¹.
 */
function reference(x: Mat, y: Mat, rMax: number, products: number[][]): { lam: number[]; values: Record<string, number>; trYY: number; products: number[][][] } | null {
  return runNumpy(`
from itertools import combinations
X = np.array(data['x']); Y = np.array(data['y'])
Sxx = X @ X.T; Syx = Y @ X.T
A = np.linalg.solve(Sxx, Syx.T).T
Sig = A @ Syx.T
lam, U = np.linalg.eigh((Sig + Sig.T) / 2)
order = np.argsort(lam)[::-1]; lam = lam[order]; U = U[:, order]
trYY = float((Y * Y).sum())
values = {}
for r in range(data['rMax'] + 1):
    for S in combinations(range(1, Y.shape[0] + 1), r):
        values[','.join(map(str, S))] = 0.5 * (trYY - sum(lam[i - 1] for i in S))
prods = []
for S in data['products']:
    US = U[:, [i - 1 for i in S]]
    prods.append((US @ US.T @ A).tolist())
emit({'lam': lam.tolist(), 'values': values, 'trYY': trYY, 'products': prods})
`, { x: toRows(x), y: toRows(y), rMax, products }) as never;
}

interface CriticalJson { rMax: number; eigenvalues: number[]; criticalPoints: { subset: number[]; rank: number; loss: number }[]; globalMinimum: { subset: number[]; rank: number; loss: number }; trSigmaYY: number; warnings: string[] }

function checkCriticalList(c: CriticalJson, dy: number, rMax: number, count: number): void {
  assert.equal(c.rMax, rMax);
  assert.equal(c.eigenvalues.length, dy);
  for (let i = 1; i < dy; i++) assert.ok(c.eigenvalues[i - 1] >= c.eigenvalues[i], 'eigenvalues descending');
  assert.equal(c.criticalPoints.length, count);
  for (let k = 0; k < c.criticalPoints.length; k++) {
    const p = c.criticalPoints[k];
    if (k > 0) assert.ok(c.criticalPoints[k - 1].loss <= p.loss, 'sorted by loss');
    assert.equal(p.rank, p.subset.length);
    assert.ok(p.rank <= rMax);
    p.subset.forEach((s, i) => { assert.ok(Number.isInteger(s) && s >= 1 && s <= dy, '1-based'); if (i > 0) assert.ok(p.subset[i - 1] < s); });
  }
  assert.deepEqual(c.globalMinimum.subset, Array.from({ length: rMax }, (_, i) => i + 1));
  assert.equal(c.globalMinimum.loss, c.criticalPoints[0].loss);
}

function checkAgainstReference(c: CriticalJson, ref: { lam: number[]; values: Record<string, number>; trYY: number }): void {
  for (let i = 0; i < ref.lam.length; i++) assert.ok(Math.abs(c.eigenvalues[i] - ref.lam[i]) <= 1e-10 * ref.lam[0], `λ_${i + 1}`);
  assert.equal(Object.keys(ref.values).length, c.criticalPoints.length);
  for (const p of c.criticalPoints) {
    const want = ref.values[p.subset.join(',')];
    assert.ok(want !== undefined, `S = {${p.subset.join(',')}} is a critical index set`);
    assert.ok(Math.abs(p.loss - want) <= 1e-10 * ref.trYY, `loss of S = {${p.subset.join(',')}}: ${p.loss} vs ${want}`);
  }
}

describe('dln critical', () => {
  test('on report-sec4 (5-4-4-5) lists all 31 index sets |S| ≤ 4, sorted by loss, equal to numpy\'s ½(tr Σ_YY − Σ_S λ_i)', async (t) => {
    const c = ok(await dln(['critical', ...SEC4, '--dims', '5,4,4,5', '--json'])) as unknown as CriticalJson;
    checkCriticalList(c, 5, 4, 31);
    assert.deepEqual(c.warnings, []);
    const data = builtinData['report-sec4'](new Rng(1));
    const ref = reference(data.x, data.y, 4, []);
    if (ref === null) { t.skip('python3 with numpy not available'); return; }
    checkAgainstReference(c, ref);
  });

  test('on .npy files with d_x > d_y (4-3-3-3) agrees with numpy, and the table names the global minimum', async (t) => {
    const [json, text] = await Promise.all([
      dln(['critical', ...SMALL, '--dims', '4,3,3,3', '--json']), dln(['critical', ...SMALL, '--dims', '4,3,3,3']),
    ]);
    const c = ok(json) as unknown as CriticalJson;
    checkCriticalList(c, 3, 3, 8);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^\s+loss\s+rank\s+S\s*$/m);
    assert.match(text.stdout, /^\s+\S+\s+3\s+\{1,2,3\}\s+global minimum$/m);
    assert.match(text.stdout, /^\s+\S+\s+0\s+∅\s+best rank 0$/m);
    const ref = reference(small.x, small.y, 3, []);
    if (ref === null) { t.skip('python3 with numpy not available'); return; }
    checkAgainstReference(c, ref);
  });

  test('repeated eigenvalues of Σ are a one-line warning on stderr, not a failure', async () => {
    const r = await dln(['critical', '--x', 'Xeye.npy', '--y', 'Yeye.npy', '--dims', '3,2,2', '--json']);
    const c = ok(r) as unknown as CriticalJson;
    assert.match(r.stderr, /^dln: warning: eigenvalues λ_1 and λ_2 of Σ are repeated[^\n]*ambiguous[^\n]*\n$/);
    assert.equal(c.warnings.length, 1);
    assert.ok(Math.abs(c.eigenvalues[0] - 1) < 1e-12 && Math.abs(c.eigenvalues[1] - 1) < 1e-12);
  });
});

describe('dln critical-point and dln hessian', () => {
  test('critical-point --subset 1,2,3 --kind strict on report-sec4, then hessian: strict-saddle by both, agree', async () => {
    const cp = ok(await dln(['critical-point', ...SEC4, '--dims', '5,4,4,5', '--subset', '1,2,3', '--kind', 'strict', '--out', 's.npz', '--json']));
    assert.deepEqual(cp.subset, [1, 2, 3]);
    assert.equal(cp.rank, 3);
    assert.equal(cp.expected, 'strict-saddle');
    assert.equal(cp.theorem7, 'strict-saddle');
    assert.ok(Math.abs((cp.lossAtWeights as number) - (cp.loss as number)) <= 1e-9 * (cp.loss as number));
    const w = decodeWeights(readFileSync(join(dir, 's.npz')));
    assert.deepEqual(w.map((m) => [m.rows, m.cols]), [[4, 5], [4, 4], [5, 4]]);
    const h = ok(await dln(['hessian', ...SEC4, '--weights', 's.npz', '--eigenvalues', 'all', '--json']));
    assert.equal(h.theorem7, 'strict-saddle');
    assert.equal(h.hessianVerdict, 'strict-saddle');
    assert.equal(h.agree, true);
    assert.deepEqual(h.subset, [1, 2, 3]);
    assert.equal(h.parameters, 56);
    const ev = h.eigenvalues as number[];
    assert.equal(ev.length, 56);
    for (let i = 1; i < ev.length; i++) assert.ok(ev[i - 1] <= ev[i], 'ascending');
    assert.ok((h.negative as number) >= 1 && ev[0] < -(h.tolerance as number));
    assert.equal(h.negative, ev.filter((v) => v < -(h.tolerance as number)).length);
    assert.ok(Math.abs((h.loss as number) - (cp.loss as number)) <= 1e-9 * (cp.loss as number));
    assert.equal(h.criticalValue, cp.loss);
  });

  test('critical-point --kind non-strict with a random gauge, then hessian: non-strict-saddle, PSD with zero eigenvalues, agree', async () => {
    const cp = ok(await dln(['critical-point', ...SEC4, '--dims', '5,4,4,5', '--subset', '1,2,3', '--kind', 'non-strict', '--gauge', 'random', '--out', 'ns.npz', '--json']));
    assert.equal(cp.expected, 'non-strict-saddle');
    assert.equal(cp.gauge, 'random');
    const h = ok(await dln(['hessian', ...SEC4, '--weights', 'ns.npz', '--json']));
    assert.equal(h.theorem7, 'non-strict-saddle');
    assert.equal(h.hessianVerdict, 'non-strict-saddle');
    assert.equal(h.agree, true);
    assert.equal(h.tightened, true);
    assert.equal(h.negative, 0);
    assert.ok((h.zero as number) >= 1);
    const e = h.eigenvalues as { min: number; max: number };
    assert.ok(e.min >= -(h.tolerance as number) && e.max > 0);
  });

  test('the global-minimum subset {1,2,3,4} (no --kind) gives global-minimum by both verdicts', async () => {
    const cp = ok(await dln(['critical-point', ...SEC4, '--dims', '5,4,4,5', '--subset', '1,2,3,4', '--out', 'g.npz', '--json']));
    assert.equal(cp.expected, 'global-minimum');
    const h = ok(await dln(['hessian', ...SEC4, '--weights', 'g.npz', '--json']));
    assert.equal(h.theorem7, 'global-minimum');
    assert.equal(h.hessianVerdict, 'global-minimum');
    assert.equal(h.agree, true);
    assert.equal(h.negative, 0);
  });

  test('on .npy files: S = {1,3} with a random gauge has the product U_SU_SᵀΣ_YXΣ_XX⁻¹ of numpy and is a strict saddle', async (t) => {
    const cp = ok(await dln(['critical-point', ...SMALL, '--dims', '4,3,3,3', '--subset', '1,3', '--gauge', 'random', '--seed', '4', '--out', 'c13.npz', '--json']));
    assert.equal(cp.expected, 'strict-saddle');
    const h = ok(await dln(['hessian', ...SMALL, '--weights', 'c13.npz', '--json']));
    assert.deepEqual([h.theorem7, h.hessianVerdict, h.agree], ['strict-saddle', 'strict-saddle', true]);
    assert.deepEqual(h.subset, [1, 3]);
    assert.ok((h.relativeGradient as number) < 1e-12);
    const ref = reference(small.x, small.y, 3, [[1, 3]]);
    if (ref === null) { t.skip('python3 with numpy not available'); return; }
    assert.ok(Math.abs((cp.loss as number) - ref.values['1,3']) <= 1e-10 * ref.trYY);
    const [w1, w2, w3] = decodeWeights(readFileSync(join(dir, 'c13.npz')));
    const p = mul(w3, mul(w2, w1)), want = ref.products[0];
    let err = 0, size = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) { err = Math.max(err, Math.abs(p.data[i * 4 + j] - want[i][j])); size = Math.max(size, Math.abs(want[i][j])); }
    assert.ok(err <= 1e-10 * size, `product error ${err}`);
  });

  test('hessian of weights that are not critical: not-critical by both (exit 0); with --require-critical exit 2', async () => {
    const [plain, strict] = await Promise.all([
      dln(['hessian', ...SMALL, '--weights', 'random.npz', '--json']),
      dln(['hessian', ...SMALL, '--weights', 'random.npz', '--require-critical']),
    ]);
    const h = ok(plain);
    assert.deepEqual([h.theorem7, h.hessianVerdict, h.agree, h.critical, h.subset], ['not-critical', 'not-critical', true, false, null]);
    assert.ok((h.gradNorm as number) > 0);
    fails(strict, 2, /random\.npz is not a first-order critical point: relative gradient norm/);
  });
});

describe('bad input to critical, critical-point and hessian', () => {
  test('Σ_XX singular (3 samples, 5 features): exit 3 with {error, premise} and one line naming the premise', async () => {
    const few = ['--x', 'Xfew.npy', '--y', 'Yfew.npy'];
    const runs = await Promise.all([
      dln(['critical', ...few, '--dims', '5,2,2', '--json']),
      dln(['critical-point', ...few, '--dims', '5,2,2', '--subset', '1', '--out', 'few.npz', '--json']),
    ]);
    for (const r of runs) {
      fails(r, 3, /^dln: premise failed \(sigma-xx-singular\): Σ_XX = XXᵀ is singular \(rank 3 < d_x = 5, only m = 3 samples/);
      const j = JSON.parse(r.stdout) as { error: string; premise: string };
      assert.equal(j.premise, 'sigma-xx-singular');
      assert.match(j.error, /singular/);
    }
    assert.equal(existsSync(join(dir, 'few.npz')), false);
  });

  test('--subset out of range, larger than r_max, non-strict at depth 2, or without the needed --kind: exit 2, no file written', async () => {
    const base = ['critical-point', ...SEC4, '--out', 'bad.npz'];
    const [range, big, depth2, kind] = await Promise.all([
      dln([...base, '--dims', '5,4,4,5', '--subset', '2,6']),
      dln([...base, '--dims', '5,2,5', '--subset', '1,2,3']),
      dln([...base, '--dims', '5,3,5', '--subset', '1', '--kind', 'non-strict']),
      dln([...base, '--dims', '5,4,4,5', '--subset', '1,2']),
    ]);
    fails(range, 2, /--subset: index 6 is out of range 1\.\.d_y = 5/);
    fails(big, 2, /\|S\| = 3 > r_max = 2/);
    fails(depth2, 2, /--kind non-strict is impossible for S = \{1\}: depth N = 2 has no non-strict saddles/);
    fails(kind, 2, /--kind strict or non-strict is required/);
    assert.equal(existsSync(join(dir, 'bad.npz')), false);
  });

  test('hessian with weights of the wrong widths for the data: exit 2 naming the file and both shapes', async () => {
    fails(await dln(['hessian', ...SMALL, '--weights', 'wrong.npz']), 2, /^dln: wrong\.npz \(widths 3,2,2\) maps 3 → 2 features, but the data have 4 → 3$/m);
  });
});
