import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNpy } from '../../src/data/npy.ts';
import { encodeWeights } from '../../src/data/npz.ts';
import { builtinData } from '../../src/data/generators.ts';
import { type Mat, toRows, transposed, zeros } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';
import { initialize } from '../../src/model/init.ts';
import { runNumpy } from '../helpers/numpy.ts';

const BIN = fileURLToPath(new URL('../../bin/dln.js', import.meta.url));

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs `node bin/dln.js bound args…` in the test directory. */
function bound(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'bound', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface BoundJson {
  N: number; cN: number; cNChoice: string; balancedness: number; delta: number; deltaChoice: string; alpha: number;
  M: number; K: number; B: number; L0: number; etaMax: number; closedForm: { etaMax: number; delta: number; alpha: number } | null;
}

function ok(r: Run): BoundJson {
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout) as BoundJson;
}

function fails(r: Run, code: number, message: RegExp): void {
  assert.equal(r.code, code, `stdout: ${r.stdout} stderr: ${r.stderr}`);
  assert.match(r.stderr, /^dln: [^\n]+\n$/);
  assert.match(r.stderr, message);
}

let dir = '';
let small: { x: Mat; y: Mat; w: Mat[] };
const SMALL = ['--x', 'X.npy', '--y', 'Y.npy', '--init-weights', 'W0.npz'];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dln-bound-'));
  const rng = new Rng(21);
  const x = zeros(4, 30), y = zeros(3, 30);
  rng.fillNormal(x.data);
  rng.fillNormal(y.data);
  const w = [zeros(3, 4), zeros(3, 3), zeros(3, 3)];
  for (const m of w) rng.fillNormal(m.data, 0.3);
  small = { x, y, w };
  writeFileSync(join(dir, 'X.npy'), encodeNpy(transposed(x)));
  writeFileSync(join(dir, 'Y.npy'), encodeNpy(transposed(y)));
  writeFileSync(join(dir, 'W0.npz'), encodeWeights(w));
  const xs = zeros(2, 4), ys = zeros(2, 3);
  rng.fillNormal(xs.data); rng.fillNormal(ys.data);
  writeFileSync(join(dir, 'Xfew.npy'), encodeNpy(xs));
  writeFileSync(join(dir, 'Yfew.npy'), encodeNpy(ys));
});

after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * THEORY §4.3 (2.8)–(2.11) and §4.4(b) transcribed in numpy (spectral norms, L with the ½): the
 * constants for c_N and each δ in deltas (null: Remark 2.5(b)'s M^{2/N}/(N c_N)), and the closed form.
 */
function reference(x: Mat, y: Mat, w: Mat[], cN: number, deltas: (number | null)[]): { bal: number; L0: number; M: number; at: { delta: number; alpha: number; K: number; B: number; eta: number }[]; closed: number } | null {
  return runNumpy(`
X = np.array(data['x']); Y = np.array(data['y']); W = [np.array(m) for m in data['w']]
N = len(W); cN = data['cN']; e = np.e
P = W[0]
for Wj in W[1:]: P = Wj @ P
R = P @ X - Y
L0 = 0.5 * float((R * R).sum())
bal = max([np.linalg.norm(W[j + 1].T @ W[j + 1] - W[j] @ W[j].T, 2) for j in range(N - 1)] + [0.0])
sv = np.linalg.svd(X, compute_uv=False)
nX = sv[0]; smin = sv[-1]; nY = np.linalg.norm(Y, 2); nXY = np.linalg.norm(X @ Y.T, 2)
M = (np.linalg.norm(R, 'fro') + nY) / smin
def at(d):
    K = M ** (2 / N) + cN * d
    B = 2 * e * N * K ** (N - 1) * nX ** 2 + np.sqrt(e) * N * K ** (N / 2 - 1) * nXY
    a = bal / d
    return {'delta': d, 'alpha': a, 'K': K, 'B': B, 'eta': 2 * (1 - a) * d / (4 * L0 + (1 - a) * d * B)}
n1 = (N + 1) ** 2
ds = M ** (2 / N) / (N * n1); a = bal / ds
closed = 2 * (1 - a) * M ** (2 / N) / (N * (4 * n1 * L0 + (1 - a) * (2 * e * e * M * M * nX ** 2 + e * M * nXY)))
emit({'bal': bal, 'L0': L0, 'M': M, 'closed': closed,
      'at': [at(M ** (2 / N) / (N * cN) if d is None else d) for d in data['deltas']]})
`, { x: toRows(x), y: toRows(y), w: w.map(toRows), cN, deltas }) as never;
}

const close = (got: number, want: number, what: string, tol = 1e-10): void => {
  assert.ok(Math.abs(got - want) <= tol * Math.abs(want), `${what}: ${got} vs ${want}`);
};

describe('dln bound', () => {
  test('on report-sec4 with the train initialisation of --seed 1: every constant equals numpy\'s transcription of (2.8)–(2.11)', async (t) => {
    const b = ok(await bound(['--data', 'report-sec4', '--seed', '1', '--dims', '5,4,4,5', '--json']));
    assert.deepEqual([b.N, b.cN, b.cNChoice, b.deltaChoice], [3, 16, '(N+1)^2', 'remark']);
    close(b.alpha, b.balancedness / b.delta, 'α = bal/δ', 1e-15);
    assert.ok(b.alpha < 1 && b.etaMax > 0);
    const rng = new Rng(1);
    const data = builtinData['report-sec4'](rng);
    const w = initialize([5, 4, 4, 5], { kind: 'gaussian', std: 0.05 }, rng);
    const ref = reference(data.x, data.y, w, 16, [null]);
    if (ref === null) { t.skip('python3 with numpy not available'); return; }
    close(b.balancedness, ref.bal, 'bal(W(0))', 1e-9);
    close(b.L0, ref.L0, 'L(W(0))');
    close(b.M, ref.M, 'M', 1e-9);
    const r = ref.at[0];
    for (const k of ['delta', 'alpha', 'K', 'B'] as const) close(b[k], r[k], k, 1e-9);
    close(b.etaMax, r.eta, 'η_max', 1e-9);
    assert.ok(b.closedForm !== null);
    close(b.closedForm.etaMax, ref.closed, 'closed form', 1e-9);
    assert.ok(b.closedForm.etaMax <= b.etaMax * (1 + 1e-12), 'the closed form is never larger than (2.8) at δ*');
  });

  test('--init-weights, --c-n N-1 and a given --delta on .npy files: c_N = N − 1 and the numpy constants; the text names η_max', async (t) => {
    const [json, text] = await Promise.all([
      bound([...SMALL, '--c-n', 'N-1', '--delta', '2.5', '--json']), bound([...SMALL, '--c-n', 'N-1', '--delta', '2.5']),
    ]);
    const b = ok(json);
    assert.deepEqual([b.N, b.cN, b.cNChoice, b.delta, b.deltaChoice], [3, 2, 'N-1', 2.5, 'given']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^\s+η_max\s+\S+$/m);
    assert.match(text.stdout, /c_N = N-1 = 2/);
    const ref = reference(small.x, small.y, small.w, 2, [2.5]);
    if (ref === null) { t.skip('python3 with numpy not available'); return; }
    for (const k of ['alpha', 'K', 'B'] as const) close(b[k], ref.at[0][k], k, 1e-9);
    close(b.etaMax, ref.at[0].eta, 'η_max', 1e-9);
  });

  test('--delta optimal maximises η_max(δ) over δ > bal(W(0)): no larger value at δ(1 ± 1e-3), nor at Remark 2.5(b)\'s δ', async (t) => {
    const b = ok(await bound([...SMALL, '--delta', 'optimal', '--json']));
    assert.equal(b.deltaChoice, 'optimal');
    assert.ok(b.delta > b.balancedness);
    const ref = reference(small.x, small.y, small.w, 16, [b.delta, b.delta * 0.999, b.delta * 1.001, null]);
    if (ref === null) { t.skip('python3 with numpy not available'); return; }
    close(b.etaMax, ref.at[0].eta, 'η_max at the optimal δ', 1e-9);
    for (const r of ref.at.slice(1)) assert.ok(r.alpha >= 1 || r.eta <= b.etaMax * (1 + 1e-9), `η(${r.delta}) = ${r.eta} > ${b.etaMax}`);
  });

  test('failed premises exit 3 with {error, premise}: δ ≤ bal(W(0)) (alpha-below-one), Σ_XX singular (sigma-xx-singular)', async () => {
    const [alpha, singular] = await Promise.all([
      bound([...SMALL, '--delta', '1e-9', '--json']),
      bound(['--x', 'Xfew.npy', '--y', 'Yfew.npy', '--dims', '4,3,3', '--json']),
    ]);
    fails(alpha, 3, /^dln: premise failed \(alpha-below-one\): α = bal\(W\(0\)\)\/δ = /);
    assert.equal((JSON.parse(alpha.stdout) as { premise: string }).premise, 'alpha-below-one');
    fails(singular, 3, /^dln: premise failed \(sigma-xx-singular\): [^\n]*only m = 2 samples for d_x = 4/);
    const j = JSON.parse(singular.stdout) as { error: string; premise: string };
    assert.deepEqual(Object.keys(j).sort(), ['error', 'exitCode', 'premise']);
    assert.equal(j.premise, 'sigma-xx-singular');
  });

  test('a --delta that is not remark, optimal or a positive number, and an unknown --c-n, exit 2 with one line', async () => {
    const [delta, cn] = await Promise.all([bound([...SMALL, '--delta', '-1']), bound([...SMALL, '--c-n', 'N+1'])]);
    fails(delta, 2, /--delta must be 'remark', 'optimal' or a positive finite number, got '-1'/);
    fails(cn, 2, /--c-n must be one of \(N\+1\)\^2, N-1; got 'N\+1'/);
  });
});
