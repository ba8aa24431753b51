// The playground's engine side in Node: sliced runs keep the bits of one run, URLs keep every setting,
// uploads are checked with the CLI's messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/linalg/rng.ts';
import { balancedness, initialize, invariantDrift, invariants, statsFromData } from '../../src/model/index.ts';
import { type Mat, matmul, singularValues, zeros } from '../../src/linalg/index.ts';

/** W_N ⋯ W_1. */
const productOf = (w: readonly Mat[]): Mat => w.slice(1).reduce((p, wj) => matmul(zeros(wj.rows, p.cols), wj, p), w[0]);
import { builtinData, generateData } from '../../src/data/index.ts';
import { gradientFlow, pgd, trainGD } from '../../src/optim/index.ts';
import { decodeWeights } from '../../src/data/npz.ts';
import { exportFiles } from '../../src/playground/exportRun.ts';
import { BIN } from '../helpers/cli.ts';
import { loadDataset } from '../../src/node/dataFiles.ts';
import { type PlaygroundConfig, DEFAULT_CONFIG, configFromParams, configToParams, parseWidths } from '../../src/playground/config.ts';
import { createSetup, datasetFromUploads, resolveEta } from '../../src/playground/setup.ts';
import { advance, createSession, setEta } from '../../src/playground/session.ts';
import { PlateauTracker, nearestCritical, stateText, whereText } from '../../src/playground/status.ts';
import { advance as advanceRun, explainNow } from '../../src/playground/session.ts';
import { PRESETS } from '../../src/playground/presets.ts';

const bits = (a: Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

test('a run taken in uneven slices has the bits of one trainGD run from the CLI\'s W(0)', () => {
  const cfg: PlaygroundConfig = { ...DEFAULT_CONFIG, steps: 3000 };
  const s = createSession(cfg, createSetup(cfg));
  for (const n of [1, 7, 100, 999, 5000]) advance(s, n);
  assert.equal(s.step, 3000);
  assert.equal(s.status, 'max-steps');
  // The CLI's order: one generator, built-in data first, then W(0).
  const rng = new Rng(cfg.seed);
  const stats = statsFromData(builtinData['report-sec4'](rng));
  const w = initialize(cfg.dims, { kind: 'gaussian', std: 0.05 }, rng);
  const r = trainGD(stats, w, { schedule: { kind: 'constant', lr: cfg.eta }, maxSteps: 3000, recordEvery: cfg.recordEvery });
  r.weights.forEach((wj, j) => assert.equal(bits(s.weights[j].data), bits(wj.data), `W${j + 1}`));
  assert.deepEqual(s.trajectory.map((t) => t.loss), r.trajectory.map((t) => t.loss));
});

test('advance tells onRecord each GD record it returns, while the session\'s weights are that record\'s step\'s (the worker posts progress from there)', () => {
  for (const optimizer of ['gd', 'power'] as const) {
    const cfg: PlaygroundConfig = { ...DEFAULT_CONFIG, optimizer, steps: 400, recordEvery: 10 };
    const s = createSession(cfg, createSetup(cfg));
    const seen: { step: number; loss: number }[] = [], returned: { step: number; loss: number }[] = [];
    const at = new Map<number, string[]>();
    let calls = 0;
    // Slices cut by a stop rule at uneven counts, some of them just before a record.
    for (const n of [9, 10, 1, 37, 100, 1000]) {
      const got = advance(s, 1e9, Infinity, (r) => { seen.push({ step: r.step, loss: r.loss }); at.set(r.step, s.weights.map((w) => bits(w.data))); }, () => ++calls % n === 0);
      returned.push(...got.map((r) => ({ step: r.step, loss: r.loss })));
    }
    assert.equal(s.status, 'max-steps', optimizer);
    assert.deepEqual(seen, returned, `${optimizer}: onRecord saw the records advance returned`);
    assert.deepEqual(seen.map((r) => r.step), Array.from({ length: 41 }, (_, k) => 10 * k), optimizer);
    // The weights at a record's call equal an uninterrupted run's after that many steps.
    const rng = new Rng(cfg.seed);
    const stats = statsFromData(builtinData['report-sec4'](rng));
    const w0 = initialize(cfg.dims, { kind: 'gaussian', std: 0.05 }, rng);
    const schedule = optimizer === 'gd' ? { kind: 'constant' as const, lr: cfg.eta } : { kind: 'power' as const, c: cfg.eta, b: cfg.powerB, p: cfg.powerP };
    for (const k of [0, 10, 170, 400]) {
      const r = trainGD(stats, w0.map((w) => ({ rows: w.rows, cols: w.cols, data: w.data.slice() })), { schedule, maxSteps: k, recordEvery: cfg.recordEvery });
      assert.deepEqual(at.get(k), r.weights.map((w) => bits(w.data)), `${optimizer}: weights at the record of step ${k}`);
    }
  }
});

test('reset starts again from the same W(0); η changes are recorded', () => {
  const setup = createSetup(DEFAULT_CONFIG);
  const a = createSession(DEFAULT_CONFIG, setup);
  advance(a, 50);
  setEta(a, 1e-5);
  advance(a, 50);
  assert.deepEqual(a.etaChanges, [{ step: 50, eta: 1e-5 }]);
  const b = createSession(DEFAULT_CONFIG, setup);
  setup.w0.forEach((w, j) => assert.equal(bits(b.weights[j].data), bits(w.data)));
  assert.notEqual(bits(a.weights[0].data), bits(b.weights[0].data));
});

test('a configuration survives the URL bit for bit, and bad values are named', () => {
  const cfg: PlaygroundConfig = {
    ...DEFAULT_CONFIG, dims: [10, 3, 7, 4], data: { kind: 'builtin', name: 'nrt', m: 40, dx: 10, dy: 4, rank: 2 },
    init: { kind: 'critical', subset: [1, 3], strict: false, perturb: 0.1 + 0.2 }, optimizer: 'power', etaMode: 'bound', eta: 1 / 3, powerB: 2.5, powerP: 0.75, seed: 4294967295,
  };
  assert.deepEqual(configFromParams(configToParams(cfg)), cfg);
  for (const p of PRESETS) assert.deepEqual(configFromParams(configToParams(p.cfg)), p.cfg, p.id);
  assert.throws(() => configFromParams(new URLSearchParams('eta=-1')), { name: 'InputError', message: "eta must be a positive finite number, got '-1'" });
  assert.throws(() => configFromParams(new URLSearchParams('opt=adam')), { message: "opt must be one of gd, power, flow, pgd; got 'adam'" });
  assert.throws(() => parseWidths('5,65,5'), { message: 'width 65: the page trains widths up to 64 at interactive speed (use dln train for wider networks)' });
  assert.throws(() => parseWidths('2,2,2,2,2,2,2,2,2,2,2,2'), /11 layers: the page trains at most 10/);
  assert.equal(parseWidths('32,32,32,32,32,32,32,32,32,32,32').length, 11);
});

test('a relative perturbation of a critical point and PGD\'s β, ρ, Δf survive the URL; the relative perturbation has std perturb·‖W_h‖_F/√(d_h d_{h−1}) per layer', () => {
  const cfg: PlaygroundConfig = {
    ...DEFAULT_CONFIG, dims: [5, 4, 4, 5], init: { kind: 'critical', subset: [1, 2, 3], strict: true, perturb: 0.01, relative: true },
    optimizer: 'pgd', epsilon: 1e-4, pgd: { beta: 8, rho: 0.1 + 0.2, deltaF: 0 }, seed: 3,
  };
  const params = configToParams(cfg);
  assert.deepEqual(configFromParams(params), cfg);
  assert.equal(params.get('perturbRel'), '1');
  assert.deepEqual(configFromParams(new URLSearchParams('opt=pgd&beta=')).pgd, undefined, 'an empty β is the default');
  assert.throws(() => configFromParams(new URLSearchParams('opt=pgd&rho=0')), { message: "rho must be a positive finite number, got '0'" });
  // W(0) − W_S is σ_h times the normals the generator draws after the data, layer by layer.
  const s = createSetup(cfg), zero = createSetup({ ...cfg, init: { ...cfg.init, perturb: 0 } as PlaygroundConfig['init'] });
  const rng = new Rng(3);
  builtinData['report-sec4'](rng);
  s.w0.forEach((w, h) => {
    const cp = zero.w0[h].data, norm = Math.hypot(...cp), sigma = (0.01 * norm) / Math.sqrt(w.rows * w.cols);
    for (let i = 0; i < cp.length; i++) assert.ok(Math.abs(w.data[i] - cp[i] - sigma * rng.normal()) <= 1e-15 * (1 + Math.abs(cp[i])), `layer ${h + 1}, entry ${i}`);
  });
});

test('uploads get the CLI\'s messages and a size cap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dln-pg-'));
  try {
    const bad = new TextEncoder().encode('a,b\n1,2\n3\n');
    const good = new TextEncoder().encode('1\n2\n');
    writeFileSync(join(dir, 'X.csv'), bad);
    writeFileSync(join(dir, 'Y.csv'), good);
    let cli = '';
    try { loadDataset(join(dir, 'X.csv'), join(dir, 'Y.csv')); } catch (e) { cli = (e as Error).message; }
    assert.ok(cli.length > 0);
    assert.throws(() => datasetFromUploads({ x: { name: join(dir, 'X.csv'), bytes: bad }, y: { name: join(dir, 'Y.csv'), bytes: good } }), { name: 'DataError', message: cli });
    const huge = new Uint8Array(16 * 1024 * 1024 + 1);
    assert.throws(() => datasetFromUploads({ x: { name: 'X.npy', bytes: huge }, y: { name: 'Y.csv', bytes: good } }), /X\.npy: 16\.0 MiB is more than the page accepts \(16 MiB\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the page\'s Theorem 2.4 bound is dln bound\'s on the same data and W(0), to the bit', () => {
  // This process computes on the TypeScript kernels, as dln --backend ts does.
  const cfg = configFromParams(new URLSearchParams('?dims=5,5,5,5&data=report-sec5&init=gaussian&std=0.05&seed=1'));
  const info = createSetup(cfg).info;
  assert.ok('etaMax' in info.bound, JSON.stringify(info.bound));
  const r = spawnSync(process.execPath, [BIN, '--backend', 'ts', 'bound', '--data', 'report-sec5', '--dims', '5,5,5,5', '--init', 'gaussian', '--init-std', '0.05', '--seed', '1', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const cli = JSON.parse(r.stdout) as { etaMax: number; M: number; K: number; B: number; alpha: number; delta: number };
  if (!('etaMax' in info.bound)) return;
  for (const k of ['etaMax', 'M', 'K', 'B', 'alpha', 'delta'] as const) assert.ok(Object.is(info.bound[k], cli[k]), `${k}: page ${info.bound[k]}, dln bound ${cli[k]}`);
});

test('η as a multiple of the bound or of 2/λ_max(0), and the status line\'s plateau', () => {
  const setup = createSetup(DEFAULT_CONFIG);
  const info = setup.info;
  assert.ok('etaMax' in info.bound);
  if (!('etaMax' in info.bound)) return;
  assert.equal(resolveEta({ ...DEFAULT_CONFIG, etaMode: 'bound', eta: 0.5 }, info.bound, info.lambdaMax0), 0.5 * info.bound.etaMax);
  assert.equal(resolveEta({ ...DEFAULT_CONFIG, etaMode: 'sharpness', eta: 0.5 }, info.bound, info.lambdaMax0), 1 / info.lambdaMax0);
  // Near W(0) ≈ 0 the loss sits at the rank-0 critical value ½ tr Σ_YY.
  const top = info.critical[info.critical.length - 1];
  assert.equal(top.rank, 0);
  assert.equal(nearestCritical(info, top.loss * 1.001)?.loss, top.loss);
  const t = new PlateauTracker();
  assert.equal(t.update(info, 0, top.loss * 1.001)?.steps, 0);
  assert.deepEqual(t.update(info, 500, top.loss * 0.999), { value: top.loss, rank: 0, steps: 500 });
  assert.equal(t.update(info, 600, top.loss * 2), null);
});

test('a gradient flow taken in slices has the bits of one gradientFlow run', () => {
  const cfg: PlaygroundConfig = { ...DEFAULT_CONFIG, dims: [5, 3, 5], data: { kind: 'builtin', name: 'report-sec5' }, init: { kind: 'gaussian', std: 0.3 }, optimizer: 'flow', tEnd: 3, steps: 400 };
  const setup = createSetup(cfg);
  const s = createSession(cfg, setup);
  for (const n of [1, 2, 30, 5, 1000]) advance(s, n);
  const w = setup.w0.map((m) => ({ rows: m.rows, cols: m.cols, data: m.data.slice() }));
  const r = gradientFlow(setup.stats, w, { tEnd: 3, maxSteps: 400, recordEvery: cfg.recordEvery });
  assert.equal(s.step, r.steps);
  assert.ok(Object.is(s.t, r.t));
  r.weights.forEach((wj, j) => assert.equal(bits(s.weights[j].data), bits(wj.data), `W${j + 1}`));
});

/** Writes an export's files into a new folder under dir. */
function writeExport(dir: string, files: Record<string, Uint8Array | string>): void {
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
}

test('perturbed GD paused and stepped in slices has the bits of one dln pgd run, and dln pgd --config replays its export bit for bit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dln-pg-pgd-'));
  try {
    // The preset 'PGD at the origin, depth 2' (its first perturbation is at the origin, t = 0), and a
    // random start on files data (the perturbations then continue the generator's recorded state).
    const cases: [string, PlaygroundConfig, number[]][] = [
      ['pgd2', PRESETS.find((p) => p.id === 'pgd2')!.cfg, [1, 3, 250, 4000, 1e9]],
      ['files', { ...DEFAULT_CONFIG, dims: [5, 3, 5], data: { kind: 'builtin', name: 'report-sec4', m: 60 }, init: { kind: 'gaussian', std: 0.1 }, optimizer: 'pgd', epsilon: 1e-2, steps: 3000, seed: 9 }, [17, 700, 1]],
      // pgd-origin's constants (β = 4N, ρ = 6N, Δf = 1) given in the URL: the export hands them to dln pgd.
      ['constants', { ...PRESETS.find((p) => p.id === 'pgd2')!.cfg, pgd: { beta: 8, rho: 12, deltaF: 1 }, seed: 1200 }, [5, 2000, 1e9]],
    ];
    for (const [name, cfg, slices] of cases) {
      const setup = createSetup(cfg);
      const s = createSession(cfg, setup);
      for (const n of slices) advance(s, n);
      const w = setup.w0.map((m) => ({ rows: m.rows, cols: m.cols, data: m.data.slice() }));
      const one = pgd(setup.stats, w, { rng: Rng.fromState(setup.rngState), epsilon: cfg.epsilon, ...cfg.pgd, maxIterations: s.status === 'paused' ? s.step : cfg.steps });
      assert.equal(one.iterations, s.step, name);
      one.weights.forEach((wj, j) => assert.equal(bits(s.weights[j].data), bits(wj.data), `${name}: W${j + 1} as one uninterrupted pgd run`));
      // Every record carries GD's measures; the last one's are those of the final iterate.
      for (const rec of s.trajectory) {
        assert.ok([rec.gradNorm, rec.balancedness, rec.drift, ...rec.singularValues].every(Number.isFinite), `${name}: step ${rec.step}: ${JSON.stringify(rec)}`);
        assert.equal(rec.singularValues.length, Math.min(cfg.dims[0], cfg.dims[cfg.dims.length - 1]));
      }
      // A run that ended records its last iterate (a paused one records it when it goes on).
      const end = s.trajectory.at(-1)!;
      if (s.status !== 'paused') {
        assert.equal(end.step, s.step);
        assert.ok(Object.is(end.gradNorm, one.gradNorm), `${name}: gradient norm ${end.gradNorm} vs ${one.gradNorm}`);
        const sv = singularValues(productOf(one.weights));
        end.singularValues.forEach((v, i) => assert.ok(Math.abs(v - sv[i]) <= 8 * Number.EPSILON * sv[0], `${name}: σ${i + 1} ${v} vs ${sv[i]}`));
        const bal = balancedness(one.weights), drift = invariantDrift(one.weights, invariants(setup.w0));
        assert.ok(Math.abs(end.balancedness - bal) <= 1e-12 * Math.max(1, bal) && Math.abs(end.drift - drift) <= 1e-12 * Math.max(1, drift), `${name}: balancedness ${end.balancedness} vs ${bal}, drift ${end.drift} vs ${drift}`);
      }
      const out = join(dir, name);
      writeExport(out, await exportFiles(s, 'ts', 'test'));
      const r = spawnSync(process.execPath, [BIN, '--backend', 'ts', 'pgd', '--config', 'config.json', '--out', 'again.npz', '--json', '--no-progress'], { cwd: out, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const again = decodeWeights(readFileSync(join(out, 'again.npz')));
      again.forEach((wj, j) => assert.equal(bits(wj.data), bits(s.weights[j].data), `${name}: dln pgd --config W${j + 1}`));
      const json = JSON.parse(r.stdout) as { iterations: number; status: string };
      assert.equal(json.iterations, s.step, name);
      // dln pgd names the run as the export's summary does (finalStatus: a run that used its iterations at rounding level is converged).
      const exported = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { status: string };
      assert.equal(json.status, exported.status, name);
      assert.ok(json.status === (s.status === 'paused' ? 'max-iterations' : s.status) || json.status === 'converged', `${name}: ${json.status}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the status line places the loss as dln train does: the global minimum and converged, a plateau, or no critical value', () => {
  const cases = [
    // The default run ends at the global minimum with its gradient at rounding level (dln train says converged).
    { id: 'plateaus', steps: 20000, kind: 'global-minimum', state: 'stopped: converged', where: /^at the global minimum for these widths: critical value 490\.038 \(rank 4 ≤ 4 = min width\)$/ },
    { id: 'plateaus', steps: 300, kind: 'neither', state: 'paused', where: /^at no critical value: nearest 2489\.21 \(S = \{1,2,3\}, rank 3\), off by 6\.27e\+1$/ },
    { id: 'nonstrict', steps: 3000, kind: 'plateau', state: 'paused', where: /^on a plateau: the saddle value 221\.\d+ \(S = \{1,2\}, rank 2\); the global minimum is 218\.\d+$/ },
  ] as const;
  for (const c of cases) {
    const cfg = PRESETS.find((p) => p.id === c.id)!.cfg;
    const s = createSession(cfg, createSetup(cfg));
    advanceRun(s, c.steps);
    const x = explainNow(s)!;
    assert.equal(x.kind, c.kind, `${c.id} after ${c.steps}`);
    assert.equal(stateText(false, s.status, x), c.state);
    assert.match(whereText(x, null), c.where);
    if (c.id !== 'plateaus') continue;
    // The CLI's classification of the same run (on the same kernels), field by field.
    const r = spawnSync(process.execPath, [BIN, '--backend', 'ts', 'train', '--data', 'report-sec4', '--dims', '5,4,4,5', '--init', 'gaussian', '--init-std', '0.05', '--lr', '2e-5', '--steps', String(c.steps), '--seed', '1', '--json', '--no-progress'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const cli = JSON.parse(r.stdout) as { status: string; criticalValue: Record<string, unknown> };
    // Field by field (not through explanationJson, which both sides use).
    assert.deepEqual(cli.criticalValue, { kind: x.kind, nearest: x.nearest.loss, subset: x.nearest.subset, rank: x.nearest.rank, gap: x.gap, globalMinimum: x.globalMinimum, rMax: x.rMax, gradientAtRounding: x.gradientAtRounding });
    assert.equal(`stopped: ${cli.status}`, c.state === 'paused' ? 'stopped: max-steps' : c.state);
  }
  const x = explainNow(createSession(DEFAULT_CONFIG, createSetup(DEFAULT_CONFIG)))!;
  assert.match(whereText(x, { value: x.nearest.loss, steps: 1234 }), / for 1,234 steps$/);
  // Out of steps above rounding level, but with L − L* ≤ 1e-6·(L(0) − L*): converged, as dln train and a sweep say (finalStatus).
  const near = { ...x, gradientAtRounding: false, globalMinimum: 0.1 };
  assert.equal(stateText(false, 'max-steps', near, { lossInit: 10, loss: 0.1 + 9e-6 }), 'stopped: converged');
  assert.equal(stateText(false, 'max-steps', near, { lossInit: 10, loss: 0.1 + 2e-5 }), 'stopped: max-steps');
  assert.equal(stateText(false, 'max-steps', near), 'stopped: max-steps');
});

test('saxe data with the aligned start: the URL keeps it, W(0) is `dln train --data saxe --init aligned`\'s to the bit, and the product is a₀^N U_kV_kᵀ of Σ_YX', () => {
  const cfg = configFromParams(new URLSearchParams('dims=5,5,5,5&data=saxe&m=30&init=aligned&scale=0.3&seed=7'));
  assert.deepEqual([cfg.data, cfg.init], [{ kind: 'builtin', name: 'saxe', m: 30 }, { kind: 'aligned', scale: 0.3 }]);
  assert.deepEqual(configFromParams(configToParams(cfg)), cfg);
  const setup = createSetup(cfg);
  assert.equal(setup.dataset.x.cols, 30);
  const rng = new Rng(7), data = generateData('saxe', rng, { samples: 30 });
  const w = initialize(cfg.dims, { kind: 'aligned', scale: 0.3 }, rng, statsFromData(data).syx);
  w.forEach((wj, j) => assert.equal(bits(setup.w0[j].data), bits(wj.data), `W${j + 1}`));
  // P = 0.027·UVᵀ: PᵀP = 0.027²·I, and Σ_YXᵀP = 0.027·V diag(s) Vᵀ is symmetric with trace 0.027·Σs.
  const p = productOf(setup.w0), syx = setup.stats.syx;
  const tn = (a: Mat, b: Mat): Mat => { const out = zeros(a.cols, b.cols); for (let i = 0; i < a.cols; i++) for (let j = 0; j < b.cols; j++) for (let k = 0; k < a.rows; k++) out.data[i * b.cols + j] += a.data[k * a.cols + i] * b.data[k * b.cols + j]; return out; };
  const ptp = tn(p, p), sp = tn(syx, p), c = 0.3 ** 3;
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 5; j++) {
      assert.ok(Math.abs(ptp.data[i * 5 + j] - (i === j ? c * c : 0)) < 1e-14, `PᵀP[${i}][${j}]`);
      assert.ok(Math.abs(sp.data[i * 5 + j] - sp.data[j * 5 + i]) < 1e-12, `Σ_YXᵀP symmetric at ${i},${j}`);
    }
  }
  assert.ok(Math.abs([0, 1, 2, 3, 4].reduce((t, i) => t + sp.data[i * 6], 0) - c * 8) < 1e-12);
  assert.throws(() => configFromParams(new URLSearchParams('init=aligned&scale=x')), { name: 'InputError', message: "scale must be a finite number, got 'x'" });
});
