// Cross-check of the NRT constants against formulas written independently in NumPy (THEORY §4.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { toRows, zeros } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';
import { initGaussian } from '../../src/model/init.ts';
import { balancedness } from '../../src/model/invariants.ts';
import { boundData } from '../../src/theory/boundData.ts';
import { nrtBound } from '../../src/theory/nrtBound.ts';

const script = String.raw`
import json, sys, math
import numpy as np
d = json.load(sys.stdin)
X = np.array(d["x"]); Y = np.array(d["y"]); W = [np.array(w) for w in d["w"]]
N = len(W)
P = W[0]
for Wj in W[1:]:
    P = Wj @ P
R = Y - P @ X
L0 = 0.5 * np.sum(R * R)
smin = np.linalg.svd(X, compute_uv=False)[-1]
M = (np.linalg.norm(R, "fro") + np.linalg.norm(Y, 2)) / smin
bal = max(np.linalg.norm(W[j + 1].T @ W[j + 1] - W[j] @ W[j].T, 2) for j in range(N - 1))
nx, nxy = np.linalg.norm(X, 2), np.linalg.norm(X @ Y.T, 2)
def bound(delta):
    K = M ** (2 / N) + (N + 1) ** 2 * delta
    B = 2 * math.e * N * K ** (N - 1) * nx ** 2 + math.sqrt(math.e) * N * K ** (N / 2 - 1) * nxy
    a = bal / delta
    return K, B, a, 2 * (1 - a) * delta / (4 * L0 + (1 - a) * delta * B)
out = {"L0": L0, "M": M, "bal": bal}
K, B, a, eta = bound(d["delta"])
out.update(K=K, B=B, alpha=a, eta=eta)
grid = bal + np.logspace(-6, 6, 200001) * max(bal, M ** (2 / N) / (N * (N + 1) ** 2))
etas = bound(grid)[3]
i = int(np.argmax(etas))
out.update(gridDelta=float(grid[i]), gridEta=float(etas[i]))
print(json.dumps(out))
`;

function python(input: unknown): Record<string, number> | null {
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return JSON.parse(r.stdout) as Record<string, number>;
}

test('M, K_δ, B_δ, α and η_max agree with an independent NumPy evaluation of (2.8)–(2.11); the optimised δ beats NumPy\'s fine grid', (t) => {
  const rng = new Rng(77);
  const x = zeros(4, 9), y = zeros(3, 9);
  rng.fillNormal(x.data); rng.fillNormal(y.data);
  const w = initGaussian([4, 5, 4, 3], rng, 0.3);
  const bd = boundData({ x, y });
  const delta = balancedness(w) + 0.9;
  const given = nrtBound(bd, w, { delta });
  const ref = python({ x: toRows(x), y: toRows(y), w: w.map(toRows), delta });
  if (ref === null) { t.skip('python3 with numpy is not available'); return; }
  const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
  assert.ok(rel(given.L0, ref.L0) < 1e-12);
  assert.ok(rel(given.M, ref.M) < 1e-12);
  assert.ok(rel(given.balancedness, ref.bal) < 1e-12);
  assert.ok(rel(given.K, ref.K) < 1e-12);
  assert.ok(rel(given.B, ref.B) < 1e-12);
  assert.ok(rel(given.alpha, ref.alpha) < 1e-12);
  assert.ok(rel(given.etaMax, ref.eta) < 1e-12);
  const opt = nrtBound(bd, w, { delta: 'optimal' });
  assert.ok(opt.etaMax >= ref.gridEta * (1 - 1e-12), `optimised ${opt.etaMax} < grid ${ref.gridEta}`);
  assert.ok(rel(opt.etaMax, ref.gridEta) < 1e-6);
  assert.ok(rel(opt.delta, ref.gridDelta) < 1e-3);
  t.diagnostic(`η_max(δ=${delta.toPrecision(4)}) = ${given.etaMax.toExponential(6)}; optimised δ ${opt.delta.toPrecision(6)} → ${opt.etaMax.toExponential(6)} (NumPy grid ${ref.gridEta.toExponential(6)})`);
});
