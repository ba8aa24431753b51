// Cross-check of dln's CLI answers against the independent NumPy reference test/reference/dln_reference.py
// (written from THEORY.md alone) on random cases drawn here with a seed, so dln has not seen them.
//
// Covered: `train` (200 GD steps: final weights and trajectory.csv), `bound` (every field, both c_N,
// δ remark/optimal/value, Gaussian and balanced W(0), failed premises), `critical` (every critical
// value), `critical-point` (dln's points checked by the reference: gradient, loss, product, Theorem 7,
// Hessian) and `hessian` (points built by the reference with random gauges and random free blocks:
// full spectrum, counts, S, Theorem 7, Hessian verdict), `pgd` (its constants and first steps) and the
// library's escape bound (THEORY §6.3). Depth 1–4, d_x > d_y, d_x < d_y, unequal widths, bottlenecks.
//
// The commands run through the CLI's entry point main(argv, io) in this process (a fresh node + tsx per
// command would cost most of the time budget); one train and one failing bound go through bin/dln.js.
// DLN_XCHECK_SEED=<n> draws another set of cases, DLN_XCHECK_KEEP=1 keeps their files; the largest
// relative disagreement per quantity is printed as a diagnostic. Skips when python3 or numpy is missing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import { encodeNpy } from '../../src/data/npy.ts';
import { decodeWeights, encodeWeights } from '../../src/data/npz.ts';
import { type Mat, fromArray } from '../../src/linalg/mat.ts';
import { escapeSteps } from '../../src/theory/escapeSteps.ts';

const BIN = fileURLToPath(new URL('../../bin/dln.js', import.meta.url));
const REFERENCE = fileURLToPath(new URL('./dln_reference.py', import.meta.url));
const SEED = Number(process.env.DLN_XCHECK_SEED ?? 20260611);
const EPS = 2.220446049250313e-16;

const numpyMissing = ((): string | false => {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (r.error !== undefined) return 'python3 is not available';
  if (r.status !== 0) return 'numpy is not available to python3';
  return false;
})();

// ---------------------------------------------------------------------------------------------
// random numbers (a small generator of our own: the reference shares nothing with dln's Rng)

class Gen {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  uniform(): number { // mulberry32
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    const u = 1 - this.uniform(), v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  matrix(rows: number, cols: number, std = 1): number[][] {
    return Array.from({ length: rows }, () => Array.from({ length: cols }, () => std * this.normal()));
  }
}

const mat = (a: number[][]): Mat => fromArray(a.length, a[0].length, a.flat());
const matmul = (a: number[][], b: number[][]): number[][] =>
  a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const transpose = (a: number[][]): number[][] => a[0].map((_, j) => a.map((row) => row[j]));

/** Haar-like orthonormal columns: Gram–Schmidt (twice) on a Gaussian d × k matrix. */
function orthonormalColumns(g: Gen, d: number, k: number): number[][] {
  const cols: number[][] = [];
  while (cols.length < k) {
    let v = Array.from({ length: d }, () => g.normal());
    for (let pass = 0; pass < 2; pass++) {
      for (const c of cols) {
        const dot = c.reduce((s, x, i) => s + x * v[i], 0);
        v = v.map((x, i) => x - dot * c[i]);
      }
    }
    const n = Math.hypot(...v);
    cols.push(v.map((x) => x / n));
  }
  return transpose(cols);
}

/** THEORY §3.5's always-balanced initialisation W_j = s·V_j^{(k)} V_{j−1}^{(k)ᵀ}. */
function balancedInit(g: Gen, dims: number[], k: number, s: number): number[][][] {
  const V = dims.map((d) => orthonormalColumns(g, d, k));
  return dims.slice(1).map((_, j) => matmul(V[j + 1], transpose(V[j])).map((row) => row.map((x) => s * x)));
}

// ---------------------------------------------------------------------------------------------
// files, processes

let dir = '';

interface Run { code: number | null; stdout: string; stderr: string }

/**
 * `dln args…` through the CLI's own entry point main(argv, io), in this process, with stdout and
 * stderr captured (the same code path as bin/dln.js without a fresh node + tsx start per command,
 * which would cost most of the time budget). A few commands also go through bin/dln.js (dlnBin).
 */
async function dln(args: readonly string[]): Promise<Run> {
  let stdout = '', stderr = '';
  const sink = (add: (s: string) => void): Writable => new Writable({ write(chunk: Buffer | string, _enc, cb) { add(chunk.toString()); cb(); } });
  const io = {
    stdout: sink((s) => { stdout += s; }),
    stderr: sink((s) => { stderr += s; }),
    env: process.env,
    onInterrupt: () => () => {},
  };
  const code = await main(args, io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout, stderr };
}

/** `node bin/dln.js args…` as a child process. */
function dlnBin(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the commands one after the other (they share the test's thread). */
async function serially(commands: (readonly string[])[]): Promise<Run[]> {
  const out: Run[] = [];
  for (const c of commands) out.push(await dln(c));
  return out;
}

function json(r: Run, what: string): Record<string, any> {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, any>;
}

/** Runs the reference on a batch of tasks (one python3 process). */
function reference(tasks: Record<string, unknown>[]): Promise<Record<string, any>[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [REFERENCE], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        assert.equal(code, 0, `reference: exit ${code}\n${stderr}`);
        const out = JSON.parse(stdout.replace(/\bNaN\b/g, 'null').replace(/-?Infinity\b/g, 'null')) as { results: Record<string, any>[] };
        out.results.forEach((res, i) => assert.ok(res.error === undefined || res.premise !== undefined, `reference task ${JSON.stringify(tasks[i])}: ${res.error}`));
        resolve(out.results);
      } catch (e) { reject(e); }
    });
    child.stdin.end(JSON.stringify({ tasks }));
  });
}

const writeNpy = (name: string, a: number[][]): string => { writeFileSync(join(dir, name), encodeNpy(mat(a))); return join(dir, name); };
const writeW = (name: string, ws: number[][][]): string => { writeFileSync(join(dir, name), encodeWeights(ws.map(mat))); return join(dir, name); };

// ---------------------------------------------------------------------------------------------
// comparisons: the largest relative disagreement per quantity is kept for the diagnostic

const worst = new Map<string, { err: number; where: string }>();

/** |a − b| / scale ≤ tol, recorded under `quantity`. */
function close(quantity: string, where: string, a: number, b: number, scale: number, tol: number): void {
  const err = Math.abs(a - b) / Math.max(Math.abs(scale), Number.MIN_VALUE);
  const w = worst.get(quantity);
  if (w === undefined || err > w.err || Number.isNaN(err)) worst.set(quantity, { err, where });
  assert.ok(err <= tol, `${where}: ${quantity} dln ${a} vs reference ${b} (relative error ${err.toExponential(2)} > ${tol.toExponential(2)})`);
}
const rel = (q: string, where: string, a: number, b: number, tol: number): void => close(q, where, a, b, Math.abs(b), tol);

function closeArrays(quantity: string, where: string, a: readonly number[], b: readonly number[], scale: number, tol: number): void {
  assert.equal(a.length, b.length, `${where}: ${quantity} lengths ${a.length} vs ${b.length}`);
  let k = 0, err = -1;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    if (e > err) { err = e; k = i; }
  }
  if (a.length > 0) close(quantity, `${where} [${k}]`, a[k], b[k], scale, tol);
}

const maxAbs = (a: readonly number[]): number => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

// ---------------------------------------------------------------------------------------------
// the cases

interface Case {
  name: string;
  dims: number[];
  m: number;
  x: string;
  y: string;
}

const g = new Gen(SEED);
const cases: Record<string, Case> = {};

/** X with m samples, Y = A X + noise: distinct eigenvalues of Σ, files one sample per row. */
function makeCase(name: string, dims: number[], m: number, noise = 0.4): Case {
  const dx = dims[0], dy = dims[dims.length - 1];
  const X = g.matrix(dx, m);
  const A = g.matrix(dy, dx);
  const Y = matmul(A, X).map((row) => row.map((v) => v + noise * g.normal()));
  const c = { name, dims, m, x: writeNpy(`${name}-X.npy`, transpose(X)), y: writeNpy(`${name}-Y.npy`, transpose(Y)) };
  cases[name] = c;
  return c;
}

const randomWeights = (dims: number[], std: number): number[][][] => dims.slice(1).map((d, j) => g.matrix(d, dims[j], std));
const at = (name: string): string => join(dir, name);
const dimsArg = (c: Case): string[] => ['--dims', c.dims.join(',')];
const dataArgs = (c: Case): string[] => ['--x', c.x, '--y', c.y];

before(() => { dir = mkdtempSync(join(tmpdir(), 'dln-xcheck-')); });
after(() => {
  const lines = [...worst.entries()].sort(([a], [b]) => a.localeCompare(b))
    .map(([q, w]) => `  ${q.padEnd(34)} ${w.err.toExponential(2)}   (${w.where})`);
  if (lines.length > 0) console.log(`cross-check seed ${SEED}: largest relative disagreement per quantity\n${lines.join('\n')}`);
  if (dir !== '' && process.env.DLN_XCHECK_KEEP === undefined) rmSync(dir, { recursive: true, force: true });
  else if (dir !== '') console.log(`cross-check files kept in ${dir}`);
});

test('cross-check against the NumPy reference', { skip: numpyMissing, timeout: 120_000 }, async (t) => {
  const selfCheck = await reference([{ op: 'self-check', seed: SEED % 1000 }]);
  assert.equal(selfCheck[0].ok, true, 'the reference fails its own checks (python3 test/reference/dln_reference.py --self-check)');

  // ---- cases -----------------------------------------------------------------------------
  const A = makeCase('d1', [5, 3], 9);                         // depth 1
  const B = makeCase('n2wide', [6, 4, 3], 14);                 // depth 2, d_x > d_y
  const C = makeCase('n3narrow', [3, 4, 4, 5], 10);            // depth 3, d_x < d_y
  const D = makeCase('n3bottleneck', [5, 2, 4, 4], 12);        // bottleneck r_max = 2 < d_y
  const E = makeCase('n4unequal', [6, 5, 3, 4, 3], 15);        // depth 4, unequal widths
  const F = makeCase('n3null', [5, 3, 3, 2], 11);              // THEORY §9's Σ_XY-blind direction
  const G2 = makeCase('origin2', [4, 4, 4], 8);                // origin at depth 2 and 3
  const G3 = makeCase('origin3', [4, 3, 3, 4], 8);
  const H = makeCase('singular', [6, 3, 2], 4);                // m < d_x: Σ_XX singular
  const J = makeCase('n4wide', [4, 6, 5, 6, 3], 13);           // depth 4, hidden layers wider than the ends

  // initial weights (written with encodeWeights)
  const wA = writeW('d1-W0.npz', randomWeights(A.dims, 0.3));
  const wC = writeW('n3narrow-W0.npz', balancedInit(g, C.dims, 3, 0.8));      // balanced, for bound and train
  const wE = writeW('n4unequal-W0.npz', randomWeights(E.dims, 0.25));         // Gaussian
  const wD = writeW('n3bottleneck-W0.npz', randomWeights(D.dims, 0.4));
  const wB = writeW('n2wide-W0.npz', randomWeights(B.dims, 0.2));
  const wEbal = writeW('n4unequal-Wbal.npz', balancedInit(g, E.dims, 2, 1.1));
  const wH = writeW('singular-W0.npz', randomWeights(H.dims, 0.3));
  const zeros = (dims: number[]): number[][][] => dims.slice(1).map((d, j) => Array.from({ length: d }, () => new Array(dims[j]).fill(0)));
  const wG2 = writeW('origin2.npz', zeros(G2.dims));
  const wG3 = writeW('origin3.npz', zeros(G3.dims));

  // ---- reference, first pass: points it builds itself, and everything that needs no dln output
  const built: { c: Case; file: string; subset: number[]; kind: string; expect: string }[] = [
    { c: B, file: at('B-glob.npz'), subset: [1, 2, 3], kind: 'global', expect: 'global-minimum' },
    { c: B, file: at('B-13.npz'), subset: [1, 3], kind: 'auto', expect: 'strict-saddle' },
    { c: D, file: at('D-1s.npz'), subset: [1], kind: 'strict', expect: 'strict-saddle' },
    { c: D, file: at('D-glob.npz'), subset: [1, 2], kind: 'global', expect: 'global-minimum' },
    { c: D, file: at('D-24.npz'), subset: [2, 4], kind: 'auto', expect: 'strict-saddle' },
    { c: E, file: at('E-12ns.npz'), subset: [1, 2], kind: 'non-strict', expect: 'non-strict-saddle' },
    { c: E, file: at('E-empty-s.npz'), subset: [], kind: 'strict', expect: 'strict-saddle' },
    { c: E, file: at('E-1-outer.npz'), subset: [1], kind: 'outer', expect: 'strict-saddle' },
    { c: C, file: at('C-glob.npz'), subset: [1, 2, 3], kind: 'global', expect: 'global-minimum' },
    { c: J, file: at('J-12-outer.npz'), subset: [1, 2], kind: 'outer', expect: 'strict-saddle' },
    { c: J, file: at('J-1ns.npz'), subset: [1], kind: 'non-strict', expect: 'non-strict-saddle' },
    { c: J, file: at('J-glob.npz'), subset: [1, 2, 3], kind: 'global', expect: 'global-minimum' },
  ];
  const pass1: Record<string, unknown>[] = [];
  built.forEach((b, i) => pass1.push({ op: 'build', x: b.c.x, y: b.c.y, dims: b.c.dims, subset: b.subset, kind: b.kind, seed: SEED + i, out: b.file }));
  pass1.push({ op: 'null-direction', x: F.x, y: F.y, dims: F.dims, seed: SEED, out: at('F-null.npz') });
  pass1.push({ op: 'null-direction', x: F.x, y: F.y, dims: F.dims, seed: SEED + 1, out: at('F-general.npz'), general: true });
  const trainStarts = [{ c: A, w: wA }, { c: C, w: wC }, { c: E, w: wE }];
  trainStarts.forEach((tr) => pass1.push({ op: 'stable-lr', x: tr.c.x, y: tr.c.y, weights: tr.w, steps: 200 }));
  const pass1Out = await reference(pass1);
  const lrs = pass1Out.slice(pass1Out.length - trainStarts.length).map((r) => r.lr as number);

  const hessianPoints: { c: Case; file: string; expect: string | null }[] = [
    ...built.map((b) => ({ c: b.c, file: b.file, expect: b.expect })),
    { c: F, file: at('F-null.npz'), expect: 'non-strict-saddle' },
    { c: F, file: at('F-general.npz'), expect: 'strict-saddle' },
    { c: G2, file: wG2, expect: 'strict-saddle' },
    { c: G3, file: wG3, expect: 'non-strict-saddle' },
    { c: A, file: wA, expect: 'not-critical' },
    { c: E, file: wE, expect: 'not-critical' },
  ];
  const bounds: { c: Case; w: string; cN: string; delta: string; premise?: string; norm?: string }[] = [
    { c: E, w: wE, cN: '(N+1)^2', delta: 'optimal', norm: 'frobenius' },
    { c: D, w: wD, cN: 'N-1', delta: '2.5', norm: 'frobenius' },
    { c: A, w: wA, cN: '(N+1)^2', delta: 'remark' },
    { c: B, w: wB, cN: '(N+1)^2', delta: 'remark' },
    { c: B, w: wB, cN: 'N-1', delta: 'optimal' },
    { c: C, w: wC, cN: '(N+1)^2', delta: 'remark' },
    { c: C, w: wC, cN: 'N-1', delta: 'remark' },
    { c: E, w: wE, cN: '(N+1)^2', delta: 'optimal' },
    { c: E, w: wE, cN: '(N+1)^2', delta: 'remark' },       // Gaussian W(0): α ≥ 1 with Remark 2.5(b) δ
    { c: E, w: wE, cN: 'N-1', delta: '0.05', premise: 'alpha-below-one' },
    { c: E, w: wEbal, cN: '(N+1)^2', delta: 'remark' },
    { c: E, w: wEbal, cN: 'N-1', delta: 'optimal' },
    { c: H, w: wH, cN: '(N+1)^2', delta: 'remark', premise: 'sigma-xx-singular' },
  ];
  // step sizes for which 200 steps are monotone (an unstable run would amplify rounding differences)
  interface TrainRun { c: Case; w: string; lr: number; name: string; power?: [number, number] }
  const trains: TrainRun[] = trainStarts.map((tr, i) => ({ ...tr, lr: lrs[i], name: tr.c.name }));
  // and one decreasing schedule η_k = c/(k+b)^p (THEORY §4.7), c = b^p·η so that η_0 is the stable step
  trains.push({ c: C, w: wC, lr: 3 ** 0.6 * lrs[1], name: 'n3narrow-power', power: [3, 0.6] });
  const criticals = [A, B, C, D, E, F, J];
  const pgdCase = { c: B, w: wB, epsilon: 1e-3, beta: 40, rho: 25, deltaF: 9, c0: 0.5, delta: 0.1, iterations: 7 };

  const refTasks: Record<string, unknown>[] = [
    ...hessianPoints.map((h) => ({ op: 'classify', x: h.c.x, y: h.c.y, weights: h.file, fd: h.c === E })),
    ...bounds.map((b) => ({ op: 'bound', x: b.c.x, y: b.c.y, weights: b.w, cN: b.cN, delta: b.delta, norm: b.norm ?? 'spectral' })),
    ...trains.map((tr) => ({ op: 'train', x: tr.c.x, y: tr.c.y, weights: tr.w, lr: tr.lr, steps: 200, recordEvery: 10, power: tr.power })),
    ...criticals.map((c) => ({ op: 'critical', x: c.x, y: c.y, dims: c.dims })),
    { op: 'critical', x: H.x, y: H.y, dims: H.dims },
    { op: 'train', x: pgdCase.c.x, y: pgdCase.c.y, weights: pgdCase.w, lr: pgdCase.c0 / pgdCase.beta, steps: pgdCase.iterations, recordEvery: 1 },
    { op: 'pgd-constants', d: 4 * 6 + 3 * 4, beta: pgdCase.beta, rho: pgdCase.rho, epsilon: pgdCase.epsilon, c: pgdCase.c0, delta: pgdCase.delta, deltaF: pgdCase.deltaF },
  ];

  // ---- dln: every command, while the reference works on the same files in its own process
  const dlnCp: { c: Case; subset: number[]; kind?: string; gauge: string; file: string }[] = [
    { c: B, subset: [2], gauge: 'random', file: at('dln-B-2.npz') },
    { c: B, subset: [1, 2, 3], gauge: 'random', file: at('dln-B-glob.npz') },
    { c: C, subset: [1], kind: 'non-strict', gauge: 'random', file: at('dln-C-1ns.npz') },
    { c: D, subset: [1], kind: 'non-strict', gauge: 'random', file: at('dln-D-1ns.npz') },
    { c: D, subset: [], kind: 'strict', gauge: 'identity', file: at('dln-D-empty.npz') },
    { c: E, subset: [1, 2], kind: 'strict', gauge: 'random', file: at('dln-E-12s.npz') },
    { c: E, subset: [1, 3], gauge: 'random', file: at('dln-E-13.npz') },
  ];
  const refRun = reference(refTasks);  // python works while dln does
  const hessRuns = await serially(hessianPoints.map((h) => ['hessian', ...dataArgs(h.c), '--weights', h.file, '--eigenvalues', 'all', '--json']));
  const extremeRuns = await serially([0, 5].map((i) => ['hessian', ...dataArgs(hessianPoints[i].c), '--weights', hessianPoints[i].file, '--json']));
  const boundRuns = await serially(bounds.map((b) => ['bound', ...dataArgs(b.c), '--init-weights', b.w, '--c-n', b.cN, '--delta', b.delta,
    ...(b.norm ? ['--balancedness-norm', b.norm] : []), '--json']));
  const trainArgs = (tr: TrainRun): string[] => ['train', ...dataArgs(tr.c), ...dimsArg(tr.c), '--init-weights', tr.w,
    '--lr', String(tr.lr), '--steps', '200', '--record-every', '10', '--out', at(`train-${tr.name}`), '--no-progress', '--json',
    ...(tr.power ? ['--schedule', 'power', '--power-b', String(tr.power[0]), '--power-p', String(tr.power[1])] : [])];
  // the first run and the singular-Σ_XX bound go through bin/dln.js, the rest in process
  const trainRuns = [await dlnBin(trainArgs(trains[0])), ...await serially(trains.slice(1).map(trainArgs))];
  boundRuns[bounds.length - 1] = await dlnBin(['bound', ...dataArgs(H), '--init-weights', wH, '--json']);
  const criticalRuns = await serially([...criticals, H].map((c) => ['critical', ...dataArgs(c), ...dimsArg(c), '--json']));
  const cpRuns = await serially(dlnCp.map((p) => ['critical-point', ...dataArgs(p.c), ...dimsArg(p.c), '--subset', p.subset.length ? p.subset.join(',') : 'none',
    ...(p.kind ? ['--kind', p.kind] : []), '--gauge', p.gauge, '--seed', String(SEED % 100000), '--out', p.file, '--json']));
  const pgdRun = await dln(['pgd', ...dataArgs(pgdCase.c), '--init-weights', pgdCase.w, '--epsilon', String(pgdCase.epsilon), '--beta', String(pgdCase.beta),
    '--rho', String(pgdCase.rho), '--delta-f', String(pgdCase.deltaF), '--max-iterations', String(pgdCase.iterations), '--json']);
  const ref = await refRun;
  let k = 0;
  const refHess = hessianPoints.map(() => ref[k++]);
  const refBound = bounds.map(() => ref[k++]);
  const refTrain = trains.map(() => ref[k++]);
  const refCrit = [...criticals, H].map(() => ref[k++]);
  const refPgdSteps = ref[k++];
  const refPgdConst = ref[k++];

  // ---- hessian --------------------------------------------------------------------------------
  await t.test('hessian: spectrum, counts, S, Theorem 7 and Hessian verdicts', () => {
    hessianPoints.forEach((h, i) => {
      const where = `${h.c.name} ${h.file}`;
      const got = json(hessRuns[i], where), want = refHess[i];
      const p = want.parameters as number;
      const ev = want.eigenvalues as number[];
      const scale = Math.max(maxAbs(ev), want.hessianTermScale);  // round-off in H is ε times its terms
      if (h.expect !== null) assert.equal(want.theorem7 === 'not-critical' ? 'not-critical' : want.theorem7, h.expect, `${where}: the reference's own verdict`);
      if (want.hessianFdRelErr !== undefined) {
        assert.ok(want.hessianFdRelErr < 1e-6, `${where}: reference Hessian vs finite differences ${want.hessianFdRelErr}`);
        assert.ok(want.gradientFdRelErr < 1e-6, `${where}: reference gradient vs finite differences ${want.gradientFdRelErr}`);
      }
      assert.equal(got.parameters, p);
      rel('hessian.loss', where, got.loss, want.loss, 1e3 * EPS * p);
      close('hessian.gradNorm', where, got.gradNorm, want.gradNorm, Math.max(want.gradNorm, want.gradScale), 1e3 * EPS * p);
      closeArrays('hessian.eigenvalues', where, got.eigenvalues, ev, scale, 1e3 * EPS * p);
      assert.equal(got.critical, want.critical, `${where}: critical`);
      assert.equal(got.negative, want.negative, `${where}: negative count (reference λ_min/max|λ| = ${want.lambdaMinOverMax})`);
      assert.equal(got.zero, want.zero, `${where}: zero count`);
      assert.equal(got.theorem7, want.theorem7, `${where}: Theorem 7`);
      assert.equal(got.hessianVerdict, want.hessianVerdict, `${where}: Hessian verdict`);
      assert.equal(got.agree, want.agree, `${where}: agree`);
      if (want.critical) {
        assert.deepEqual(got.subset, want.subset, `${where}: S`);
        assert.equal(got.rank, want.rank, `${where}: rank`);
        assert.equal(got.rMax, want.rMax);
        rel('hessian.criticalValue', where, got.criticalValue, want.criticalValue, 1e4 * EPS * p);
        if (want.tightened !== null && got.tightened !== undefined && got.tightened !== null) assert.equal(got.tightened, want.tightened, `${where}: tightened`);
        assert.ok(want.productErr < 1e-10, `${where}: reference product vs U_SU_SᵀΣ_YXΣ_XX⁻¹ ${want.productErr}`);
      }
    });
  });

  await t.test('hessian --eigenvalues extreme: λ_min and λ_max', () => {
    [0, 5].forEach((i, q) => {
      const got = json(extremeRuns[q], hessianPoints[i].file), want = refHess[i];
      const ev = want.eigenvalues as number[];
      const scale = Math.max(maxAbs(ev), want.hessianTermScale);
      close('hessian.extreme λ_min', hessianPoints[i].file, got.eigenvalues.min, ev[0], scale, 1e3 * EPS * ev.length);
      close('hessian.extreme λ_max', hessianPoints[i].file, got.eigenvalues.max, ev[ev.length - 1], scale, 1e3 * EPS * ev.length);
      assert.equal(got.hessianVerdict, want.hessianVerdict);
      assert.equal(got.theorem7, want.theorem7);
    });
  });

  // ---- bound ----------------------------------------------------------------------------------
  await t.test('bound: M, K, B, α, δ, η_max, closed form, failed premises', async () => {
    const atDlnDelta: { i: number; b: (typeof bounds)[number]; delta: number }[] = [];
    bounds.forEach((b, i) => {
      const where = `${b.c.name} ${b.w.slice(dir.length + 1)} c_N=${b.cN} δ=${b.delta}${b.norm ? ` ${b.norm}` : ''}`;
      const want = refBound[i];
      const run = boundRuns[i];
      if (b.premise !== undefined || want.premise !== undefined) {
        assert.equal(want.premise, b.premise ?? want.premise, `${where}: reference premise`);
        assert.equal(run.code, 3, `${where}: exit ${run.code}\n${run.stdout}${run.stderr}`);
        assert.equal(JSON.parse(run.stdout).premise, want.premise, `${where}: premise`);
        return;
      }
      const got = json(run, where);
      const tol = 1e3 * EPS * b.c.dims.length * b.c.m;
      assert.equal(got.balancednessNorm, b.norm ?? 'spectral');
      for (const q of ['L0', 'M', 'sigmaMinX', 'normX', 'normXY', 'normY', 'cN']) rel(`bound.${q}`, where, got[q], want[q], tol);
      close('bound.balancedness', where, got.balancedness, want.balancedness, Math.max(want.balancedness, want.weightScale), 1e3 * EPS * b.c.dims.length * Math.max(...b.c.dims));
      if (b.delta === 'optimal') {
        // a maximiser: η_max is flat there, δ itself is known only to the search's precision
        rel('bound.etaMax (optimal δ)', where, got.etaMax, want.etaMax, 1e-9);
        rel('bound.delta (optimal)', where, got.delta, want.delta, 1e-4);
        atDlnDelta.push({ i, b, delta: got.delta });
      } else {
        for (const q of ['delta', 'K', 'B', 'etaMax']) rel(`bound.${q}`, where, got[q], want[q], tol);
        close('bound.alpha', where, got.alpha, want.alpha, Math.max(want.alpha, want.weightScale / want.delta), 1e3 * EPS * b.c.dims.length * Math.max(...b.c.dims));
      }
      if (want.closedForm === null) assert.equal(got.closedForm, null, `${where}: closed form`);
      else {
        assert.notEqual(got.closedForm, null, `${where}: closed form missing`);
        rel('bound.closedForm.etaMax', where, got.closedForm.etaMax, want.closedForm.etaMax, tol);
        rel('bound.closedForm.delta', where, got.closedForm.delta, want.closedForm.delta, tol);
      }
    });
    // with δ 'optimal', K, B, α and η_max at the δ dln chose
    const again = await reference(atDlnDelta.map(({ b, delta }) => ({ op: 'bound', x: b.c.x, y: b.c.y, weights: b.w, cN: b.cN, delta, norm: b.norm ?? 'spectral' })));
    atDlnDelta.forEach(({ i, b }, q) => {
      const got = JSON.parse(boundRuns[i].stdout), want = again[q];
      const where = `${b.c.name} c_N=${b.cN} δ=optimal (at dln's δ)`;
      const tol = 1e3 * EPS * b.c.dims.length * b.c.m;
      for (const f of ['K', 'B', 'etaMax']) rel(`bound.${f} (at the optimal δ)`, where, got[f], want[f], tol);
      close('bound.alpha (at the optimal δ)', where, got.alpha, want.alpha, Math.max(want.alpha, want.weightScale / want.delta), tol);
    });
  });

  // ---- critical values ------------------------------------------------------------------------
  await t.test('critical: every critical value, S, rank, global minimum', () => {
    [...criticals, H].forEach((c, i) => {
      const want = refCrit[i];
      if (c === H) {
        assert.equal(criticalRuns[i].code, 3, `${c.name}: singular Σ_XX exit ${criticalRuns[i].code}`);
        return;
      }
      const got = json(criticalRuns[i], c.name);
      const scale = want.trSigmaYY as number;
      const tol = 1e4 * EPS * c.m * c.dims[0];
      assert.equal(got.rMax, want.rMax);
      closeArrays('critical.eigenvalues', c.name, got.eigenvalues, want.eigenvalues, scale, tol);
      rel('critical.trSigmaYY', c.name, got.trSigmaYY, want.trSigmaYY, tol);
      close('critical.lossOLS', c.name, got.lossOLS, want.lossOLS, scale, tol);
      const key = (s: number[]): string => s.join(',');
      const mine = new Map((want.criticalPoints as { subset: number[]; rank: number; loss: number }[]).map((p) => [key(p.subset), p]));
      assert.equal(got.criticalPoints.length, mine.size, `${c.name}: number of critical values`);
      let prev = -Infinity;
      for (const p of got.criticalPoints as { subset: number[]; rank: number; loss: number }[]) {
        const w = mine.get(key(p.subset));
        assert.ok(w !== undefined, `${c.name}: S = {${key(p.subset)}} is not a critical index set`);
        assert.equal(p.rank, w.rank);
        close('critical.loss', `${c.name} S={${key(p.subset)}}`, p.loss, w.loss, scale, tol);
        assert.ok(p.loss >= prev - tol * scale, `${c.name}: not sorted by loss`);
        prev = p.loss;
      }
      // Assumption 1 (THEORY §5.1) needs rank Σ_XY = d_y: with d_x < d_y, S is ambiguous and dln says so
      if (c.dims[0] < c.dims[c.dims.length - 1] - 1) assert.ok(got.warnings.length > 0, `${c.name}: no warning that S is ambiguous`);
      else assert.deepEqual(got.warnings, [], `${c.name}: warnings`);
      assert.deepEqual(got.globalMinimum.subset, want.globalMinimum.subset);
      close('critical.globalMinimum', c.name, got.globalMinimum.loss, want.globalMinimum.loss, scale, tol);
      closeArrays('critical.plateaus', c.name, got.plateaus, want.plateaus, scale, tol);
    });
  });

  // ---- critical-point: dln's points, checked by the reference -----------------------------------
  await t.test('critical-point: dln\'s weights are the critical points they claim to be', async () => {
    const checks = await reference(dlnCp.map((p) => ({ op: 'classify', x: p.c.x, y: p.c.y, weights: p.file, fd: p.c === D })));
    dlnCp.forEach((p, i) => {
      const where = `${p.c.name} S={${p.subset.join(',')}} ${p.kind ?? ''} ${p.gauge}`;
      const got = json(cpRuns[i], where), want = checks[i];
      const size = want.parameters as number;
      const crit = refCrit[criticals.indexOf(p.c)];
      const closedForm = (crit.criticalPoints as { subset: number[]; loss: number }[]).find((q) => q.subset.join(',') === p.subset.join(','))!.loss;
      assert.equal(want.critical, true, `${where}: the reference finds relative gradient ${want.relativeGradient}`);
      close('critical-point.loss', where, got.loss, closedForm, crit.trSigmaYY, 1e4 * EPS * size);
      close('critical-point.lossAtWeights', where, got.lossAtWeights, want.loss, crit.trSigmaYY, 1e4 * EPS * size);
      close('critical-point.weights loss vs closed form', where, want.loss, closedForm, crit.trSigmaYY, 1e4 * EPS * size);
      assert.ok(got.relativeGradient < 1e-12, `${where}: dln's relative gradient ${got.relativeGradient}`);
      close('critical-point.product vs U_SU_SᵀOLS', where, want.productErr, 0, 1, 1e5 * EPS * size);
      if (want.eckartYoungErr !== undefined) close('critical-point.product vs Eckart–Young', where, want.eckartYoungErr, 0, 1, 1e5 * EPS * size);
      assert.deepEqual(want.subset, p.subset, `${where}: S of the written product`);
      assert.equal(got.theorem7, want.theorem7, `${where}: Theorem 7`);
      assert.equal(got.expected, want.theorem7, `${where}: expected type`);
      assert.equal(want.hessianVerdict, want.theorem7, `${where}: the reference's Hessian disagrees with Theorem 7`);
      if (p.kind !== undefined) assert.equal(want.theorem7, p.kind === 'strict' ? 'strict-saddle' : 'non-strict-saddle', `${where}: kind`);
      if (want.hessianFdRelErr !== undefined) assert.ok(want.hessianFdRelErr < 1e-6);
    });
  });

  // ---- train ----------------------------------------------------------------------------------
  await t.test('train: 200 GD steps agree with a NumPy GD loop (weights and trajectory.csv)', () => {
    trains.forEach((tr, i) => {
      const where = `${tr.name} η=${tr.lr}${tr.power ? `/(k+${tr.power[0]})^${tr.power[1]}` : ''}`;
      const got = json(trainRuns[i], where), want = refTrain[i];
      assert.equal(got.steps, 200);
      const W = decodeWeights(readFileSync(join(dir, `train-${tr.name}`, 'weights.npz')));
      const Wref = want.weights as number[][][];
      W.forEach((w, j) => {
        const flat = Wref[j].flat();
        closeArrays('train.final weights', `${where} W${j + 1}`, Array.from(w.data), flat, maxAbs(flat), 1e-12);
      });
      const csv = readFileSync(join(dir, `train-${tr.name}`, 'trajectory.csv'), 'utf8').trim().split('\n');
      const head = csv[0].split(',');
      const rows = csv.slice(1).map((l) => l.split(',').map(Number));
      const traj = want.trajectory as Record<string, any>[];
      assert.equal(rows.length, traj.length, `${where}: trajectory rows`);
      const col = (n: string): number => { const c = head.indexOf(n); assert.ok(c >= 0, `trajectory.csv has no column ${n}`); return c; };
      rows.forEach((r, s) => {
        const w = traj[s];
        assert.equal(r[col('step')], w.step);
        rel('train.trajectory loss', `${where} step ${w.step}`, r[col('loss')], w.loss, 1e-12);
        // near a minimum ∇L is a cancellation: its rounding is relative to the size of its terms
        close('train.trajectory grad_norm', `${where} step ${w.step}`, r[col('grad_norm')], w.grad_norm, Math.max(w.grad_norm, w.gradScale), 1e-11);
        close('train.trajectory balancedness', `${where} step ${w.step}`, r[col('balancedness')], w.balancedness, Math.max(w.balancedness, w.weightScale), 1e-11);
        close('train.trajectory drift', `${where} step ${w.step}`, r[col('drift')], w.drift, Math.max(w.drift, w.weightScale), 1e-11);
        const sv = w.sv as number[];
        sv.forEach((v, q) => close('train.trajectory singular values', `${where} step ${w.step} sv${q + 1}`, r[col(`sv${q + 1}`)], v, sv[0], 1e-11));
      });
      rel('train.final loss', where, got.loss, traj[traj.length - 1].loss, 1e-12);
    });
  });

  // ---- pgd and the escape bound ------------------------------------------------------------------
  await t.test('pgd constants and first steps; escape bound', async () => {
    const got = json(pgdRun, 'pgd');
    const cst = got.constants, want = refPgdConst;
    for (const q of ['chi', 'eta', 'r', 'gThres', 'fThres']) rel(`pgd.${q}`, 'pgd', cst[q], want[q], 1e-13);
    assert.equal(cst.tThres, want.tThres);
    assert.equal(cst.epsilonInRange, want.epsilonInRange);
    assert.equal(cst.d, 4 * 6 + 3 * 4);
    // far from stationarity no perturbation happens: the first steps are plain GD with η = c/β
    assert.equal(got.perturbations, 0);
    const steps = refPgdSteps.trajectory as { loss: number }[];
    rel('pgd.loss after plain steps', 'pgd', got.loss, steps[steps.length - 1].loss, 1e-12);
    const Wp = got.weights as number[][][];
    const Wr = refPgdSteps.weights as number[][][];
    Wp.forEach((w, j) => closeArrays('pgd.weights after plain steps', `W${j + 1}`, w.flat(), Wr[j].flat(), maxAbs(Wr[j].flat()), 1e-12));

    // escape bound (THEORY §6.3) on the Hessians of strict saddles, random offsets, η = 1/(2β)
    const strictPoints = hessianPoints.filter((_, i) => refHess[i].hessianVerdict === 'strict-saddle' && refHess[i].parameters <= 60);
    const hessians = await reference(strictPoints.map((h) => ({ op: 'hessian-matrix', x: h.c.x, y: h.c.y, weights: h.file })));
    const tasks: Record<string, unknown>[] = [];
    const inputs: { H: number[][]; offset: number[]; eta: number; eps: number }[] = [];
    strictPoints.forEach((h, i) => {
      const H = hessians[i].hessian as number[][];
      const beta = maxAbs(refHess[hessianPoints.indexOf(h)].eigenvalues as number[]);
      for (const scale of [1e-6, 1e-2]) {
        const offset = Array.from({ length: H.length }, () => scale * g.normal());
        const eps = 1e-3 * beta;
        inputs.push({ H, offset, eta: 0.5 / beta, eps });
        tasks.push({ op: 'escape', hessian: H, offset, eta: 0.5 / beta, epsilon: eps });
      }
    });
    const want2 = await reference(tasks);
    inputs.forEach((inp, i) => {
      const e = escapeSteps(fromArray(inp.H.length, inp.H.length, inp.H.flat()), inp.offset, inp.eta, inp.eps);
      assert.equal(e.steps, want2[i].steps, `escape bound ${i}: dln ${e.steps} vs reference ${want2[i].steps}`);
    });
    assert.ok(inputs.length >= 4);
  });
});
