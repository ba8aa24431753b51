// The report's ▶ links: the playground configuration a figure links to starts the figure's run again,
// with the experiment's losses bit for bit on the same kernels (the WASM ones, the page's).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend, type KernelBackend } from '../../src/linalg/backend.ts';
import { createWasmBackend, readWasmKernels } from '../../src/linalg/backends/wasmBackend.ts';
import { plateaus } from '../../src/experiments/plateaus.ts';
import { mnistPlateaus } from '../../src/experiments/mnist-plateaus.ts';
import { stepSizeBound } from '../../src/experiments/step-size-bound.ts';
import { strictVsNonstrict } from '../../src/experiments/strict-vs-nonstrict.ts';
import { edgeOfStability } from '../../src/experiments/edge-of-stability.ts';
import { invariantDriftExperiment } from '../../src/experiments/invariant-drift.ts';
import { pgdOrigin } from '../../src/experiments/pgd-origin.ts';
import { nrtConstantSteps } from '../../src/experiments/nrt-constant-steps.ts';
import { amgEscape } from '../../src/experiments/amg-escape.ts';
import { mnistDepth } from '../../src/experiments/mnist-depth.ts';
import { nrtDecreasingSteps } from '../../src/experiments/nrt-decreasing-steps.ts';
import { saxeModes } from '../../src/experiments/saxe-modes.ts';
import { flatMinimaThreshold } from '../../src/experiments/flat-minima-threshold.ts';
import { globalMinimum } from '../../src/theory/index.ts';
import type { FigureRun } from '../../src/experiments/types.ts';
import type { Experiment, ExperimentResult } from '../../src/experiments/types.ts';
import { packageRealData } from '../../src/node/realDataFiles.ts';
import { mnistResponse } from '../../src/node/playgroundData.ts';
import { playgroundConfig, playgroundQuery } from '../../src/cli/report/playgroundLink.ts';
import { configFromParams } from '../../src/playground/config.ts';
import { type RealPayload, createSetup } from '../../src/playground/setup.ts';
import { advance, createSession } from '../../src/playground/session.ts';

let previous: KernelBackend;
before(() => {
  const wasm = readWasmKernels();
  if ('reason' in wasm) throw new Error(wasm.reason);
  previous = setBackend(createWasmBackend(wasm.bytes));
});
after(() => { setBackend(previous); });

async function check(e: Experiment<object>, column: string): Promise<void> {
  const result: ExperimentResult = await e.run(e.quick, { quick: true, seed: 1, realData: packageRealData });
  const fig = result.figures.find((f) => f.run !== undefined);
  assert.ok(fig?.run, `${e.name}: a figure with its run`);
  const run = fig.run;
  // The link's query is the page's share URL: it parses back to the same configuration.
  const cfg = configFromParams(new URLSearchParams(playgroundQuery(run)));
  assert.deepEqual(cfg, playgroundConfig(run));
  let real: RealPayload | undefined;
  if (cfg.data.kind === 'real' && cfg.data.name === 'mnist') {
    // What `dln playground` sends the page for this link.
    const d = mnistResponse(`seed=${cfg.seed}&pca=${cfg.data.pca}&train=${cfg.data.train}&center=1`);
    assert.equal(d.code, 200, String(d.body));
    real = JSON.parse(String(d.body)) as RealPayload;
  }
  const s = createSession(cfg, createSetup(cfg, real === undefined ? {} : { real }));
  advance(s, cfg.steps);
  assert.equal(s.step, run.steps);
  const table = result.tables['loss-curves'];
  const col = table.header.indexOf(column);
  assert.ok(col > 0, `${e.name}: column ${column}`);
  const page = new Map(s.trajectory.map((r) => [r.step, r.loss]));
  let compared = 0;
  for (const row of table.rows) {
    const k = row[0] as number, loss = page.get(k);
    if (loss === undefined || row[col] === '') continue;
    assert.ok(Object.is(loss, row[col]), `${e.name}: loss at step ${k}: playground ${loss}, experiment ${String(row[col])}`);
    compared++;
  }
  assert.ok(compared >= 20, `${e.name}: ${compared} losses compared`);
  const last = table.rows.find((r) => r[0] === run.steps);
  if (last !== undefined) assert.ok(Object.is(page.get(run.steps), last[col]), `${e.name}: the final loss`);
}

test('plateaus: the link of its figure starts the first curve again (init std 0.05), with the experiment\'s losses bit for bit', async () => {
  await check(plateaus as unknown as Experiment<object>, 'loss_init_std_0.05');
});

test('mnist-plateaus: the link of its loss figure starts run 1 again on the playground\'s MNIST, with the experiment\'s losses bit for bit', async () => {
  await check(mnistPlateaus as unknown as Experiment<object>, 'loss_start_1');
});

/** The experiment's quick run (or the result given), its figure named `figure` with its run, and the playground session that run starts, advanced to its budget. */
async function replay(e: Experiment<object>, figure: string, given?: ExperimentResult): Promise<{ result: ExperimentResult; run: FigureRun; page: Map<number, number>; last: { step: number; loss: number; drift: number } }> {
  const result = given ?? await e.run(e.quick, { quick: true, seed: 1 });
  const fig = result.figures.find((f) => f.name === figure);
  assert.ok(fig?.run, `${e.name}: the figure ${figure} carries its run`);
  const run = fig.run;
  const cfg = configFromParams(new URLSearchParams(playgroundQuery(run)));
  assert.deepEqual(cfg, playgroundConfig(run), `${e.name}: the link parses back to its configuration`);
  const s = createSession(cfg, createSetup(cfg));
  advance(s, cfg.steps);
  const end = s.trajectory[s.trajectory.length - 1];
  return { result, run, page: new Map(s.trajectory.map((r) => [r.step, r.loss])), last: { step: s.step, loss: end.loss, drift: end.drift } };
}

/** The column `name` of a table as a map from its first column (the step) to the non-empty values. */
function column(result: ExperimentResult, table: string, name: string): Map<number, number> {
  const t = result.tables[table];
  const col = t.header.indexOf(name);
  assert.ok(col > 0, `column ${name} of ${table}`);
  return new Map(t.rows.filter((r) => r[col] !== '').map((r) => [r[0] as number, r[col] as number]));
}

function sameLosses(what: string, page: Map<number, number>, want: Map<number, number>, atLeast: number): void {
  let compared = 0;
  for (const [k, loss] of want) {
    const got = page.get(k);
    if (got === undefined) continue;
    assert.ok(Object.is(got, loss), `${what}: loss at step ${k}: playground ${got}, experiment ${loss}`);
    compared++;
  }
  assert.ok(compared >= atLeast, `${what}: ${compared} losses compared`);
}

test('step-size-bound: the doubling curves link GD at 0.9·η_max on the first instance, with the experiment\'s losses bit for bit', async () => {
  const { result, run, page, last } = await replay(stepSizeBound as unknown as Experiment<object>, 'doubling-curves');
  const want = column(result, 'loss-curves', `eta_${(run.eta as number).toExponential(3)}`);
  sameLosses('step-size-bound', page, want, 100);
  assert.equal(last.step, run.steps);
  assert.ok(Object.is(last.loss, want.get(run.steps)), 'the final loss');
});

test('strict-vs-nonstrict: the escape curves link the perturbed strict critical point (relative perturbation), with the experiment\'s losses bit for bit', async () => {
  const { result, run, page, last } = await replay(strictVsNonstrict as unknown as Experiment<object>, 'escape-curves');
  assert.equal(run.init.kind, 'critical');
  const want = column(result, 'loss-curves', run.curve);
  sameLosses('strict-vs-nonstrict', page, want, 1000);
  assert.equal(last.step, run.steps);
  assert.ok(Object.is(last.loss, want.get(run.steps)), 'the final loss');
  // The strict start escapes within the figure: the link shows the escape, not a plateau of the unperturbed point.
  assert.ok(last.loss < 0.5 * (want.get(0) as number));
});

test('edge-of-stability: every setting\'s figure links its first step size (W(0) right after the data), ending at the experiment\'s final loss bit for bit', async () => {
  const e = edgeOfStability as unknown as Experiment<object>;
  const result = await e.run(e.quick, { quick: true, seed: 1 });
  const linked = result.figures.filter((f) => f.run !== undefined);
  assert.deepEqual(linked.map((f) => f.name), ['eos-N2-std0p1', 'eos-N2-std0p3', 'eos-N3-std0p1', 'eos-N3-std0p3']);
  const t = result.tables.runs, h = (n: string) => t.header.indexOf(n);
  for (const f of linked) {
    const { run, last } = await replay(e, f.name, result);
    const row = t.rows.find((r) => r[h('N')] === run.dims.length - 1 && r[h('init_std')] === (run.init as { std: number }).std && Object.is(r[h('eta')], run.eta));
    assert.ok(row !== undefined, `${f.name}: the run's row`);
    assert.equal(row[h('c')], 1.5, `${f.name}: the first step size`);
    assert.equal(last.step, row[h('steps')]);
    assert.ok(Object.is(last.loss, row[h('loss_final')]), `${f.name}: final loss: playground ${last.loss}, experiment ${String(row[h('loss_final')])}`);
  }
});

test('invariant-drift: the drift figure links depth 2 at its smallest step, ending at the experiment\'s loss and drift at time T bit for bit', async () => {
  const { result, run, last } = await replay(invariantDriftExperiment as unknown as Experiment<object>, 'drift-vs-eta');
  const t = result.tables.drift, h = (n: string) => t.header.indexOf(n);
  const row = t.rows.find((r) => r[h('N')] === 2 && Object.is(r[h('eta')], run.eta));
  assert.ok(row !== undefined, 'the run\'s row');
  assert.equal(last.step, row[h('steps')]);
  assert.ok(Object.is(last.loss, row[h('loss_at_T')]), `loss at T: playground ${last.loss}, experiment ${String(row[h('loss_at_T')])}`);
  assert.ok(Object.is(last.drift, row[h('drift')]), `drift at T: playground ${last.drift}, experiment ${String(row[h('drift')])}`);
});

test('pgd-origin: the window figure links the first depth-2 PGD run from the origin (its β, ρ, Δf and seed), returning at the experiment\'s iteration and loss bit for bit', async () => {
  const { result, run, last } = await replay(pgdOrigin as unknown as Experiment<object>, 'pgd-window');
  assert.equal(run.optimizer?.kind, 'pgd');
  const t = result.tables.runs, h = (n: string) => t.header.indexOf(n);
  const row = t.rows.find((r) => r[h('N')] === 2 && r[h('run')] === 1);
  assert.ok(row !== undefined);
  assert.equal(last.step, row[h('iterations')]);
  assert.ok(Object.is(last.loss, row[h('final_loss')]), `final loss: playground ${last.loss}, experiment ${String(row[h('final_loss')])}`);
  assert.ok(last.loss <= 1e-12, 'the run escaped the strict saddle');
});

test('nrt-constant-steps and nrt-decreasing-steps: every depth\'s figure links its run at the bound (constant, and c/(k+1)^p), with the experiment\'s losses bit for bit', async () => {
  for (const e of [nrtConstantSteps, nrtDecreasingSteps] as unknown as Experiment<object>[]) {
    const result = await e.run(e.quick, { quick: true, seed: 1 });
    const linked = result.figures.filter((f) => f.run !== undefined);
    assert.deepEqual(linked.map((f) => f.name), ['curves-N2', 'curves-N3', 'curves-N5'], `${e.name}: one link per depth`);
    for (const f of linked) {
      const { run, page, last } = await replay(e, f.name, result);
      assert.equal(run.optimizer?.kind, e === (nrtDecreasingSteps as unknown) ? 'power' : undefined);
      const N = run.dims.length - 1;
      const want = column(result, `loss-curves-N${N}`, e === (nrtDecreasingSteps as unknown) ? run.curve : 'loss_1x_eta_max');
      sameLosses(`${e.name} N = ${N}`, page, want, 100);
      assert.equal(last.step, run.steps);
      assert.ok(Object.is(last.loss, want.get(run.steps)), `${e.name} N = ${N}: the final loss`);
    }
  }
});

test('amg-escape: the escape curves link GD\'s perturbed strict critical point, with the experiment\'s losses bit for bit; Adam\'s strict curve starts from the same point', async () => {
  const { result, run, page, last } = await replay(amgEscape as unknown as Experiment<object>, 'escape-curves');
  assert.equal(run.curve, 'GD, strict');
  const want = column(result, 'loss-curves', run.curve);
  sameLosses('amg-escape', page, want, 500);
  assert.equal(last.step, run.steps);
  assert.ok(Object.is(last.loss, want.get(run.steps)), 'the final loss');
  assert.ok(Object.is(column(result, 'loss-curves', 'Adam, strict').get(0), want.get(0)), 'the same start for both optimizers');
});

test('mnist-depth: the loss figure links the 50-16-10 network on the playground\'s MNIST, with the experiment\'s checkpoint losses bit for bit', async () => {
  const e = mnistDepth as unknown as Experiment<object>;
  const result = await e.run(e.quick, { quick: true, seed: 1, realData: packageRealData });
  const fig = result.figures.find((f) => f.name === 'mnist-depth-loss');
  assert.ok(fig?.run);
  const run = fig.run;
  assert.equal(run.curve, '50-16-10');
  const cfg = configFromParams(new URLSearchParams(playgroundQuery(run)));
  assert.deepEqual(cfg, playgroundConfig(run));
  const d = mnistResponse(`seed=${cfg.seed}&pca=50&train=8000&center=1`);
  assert.equal(d.code, 200, String(d.body));
  const s = createSession(cfg, createSetup(cfg, { real: JSON.parse(String(d.body)) as RealPayload }));
  advance(s, cfg.steps);
  assert.equal(s.step, run.steps);
  const page = new Map(s.trajectory.map((r) => [r.step, r.loss]));
  const t = result.tables.curves, h = (n: string) => t.header.indexOf(n);
  const want = new Map(t.rows.filter((r) => r[h('widths')] === run.curve).map((r) => [r[h('iteration')] as number, r[h('train_loss')] as number]));
  sameLosses('mnist-depth', page, want, 8);
  assert.ok(Object.is(page.get(run.steps), want.get(run.steps)), 'the final loss');
});

test('saxe-modes: the aligned-modes and random-start figures link N = 3 on the playground\'s saxe data (aligned, then Gaussian std a₀/√5), with the experiment\'s losses bit for bit', async () => {
  const e = saxeModes as unknown as Experiment<object>;
  const result = await e.run(e.quick, { quick: true, seed: 1 });
  assert.deepEqual(result.figures.filter((f) => f.run !== undefined).map((f) => f.name), ['aligned-modes', 'random-start']);
  for (const [figure, col, init] of [['aligned-modes', 'loss_aligned', 'aligned'], ['random-start', 'loss_random', 'gaussian']] as const) {
    const { run, page, last } = await replay(e, figure, result);
    assert.deepEqual([run.dims, run.data, run.init.kind], [[5, 5, 5, 5], { name: 'saxe', m: 40 }, init]);
    const want = column(result, 'loss-curves', col);
    sameLosses(`saxe-modes ${figure}`, page, want, 1000);
    assert.equal(last.step, run.steps);
    assert.ok(Object.is(last.loss, want.get(run.steps)), `${figure}: the final loss`);
  }
  // The aligned run learns every mode within its horizon: its loss falls by orders of magnitude.
  const aligned = column(result, 'loss-curves', 'loss_aligned');
  assert.ok((aligned.get(0) as number) > 100 * Math.max(...[...aligned.values()].slice(-5)));
});

test('flat-minima-threshold: the between-thresholds figure links its first step on the first instance (report-sec5, 5-5-5), with the experiment\'s excess losses L − L* bit for bit to the last iteration', async () => {
  const e = flatMinimaThreshold as unknown as Experiment<object>;
  const result = await e.run(e.quick, { quick: true, seed: 1 });
  const fig = result.figures.find((f) => f.name === 'between-thresholds');
  assert.ok(fig?.run, 'the figure carries its run');
  const run = fig.run;
  assert.deepEqual([run.dims, run.data, run.recordEvery], [[5, 5, 5], { name: 'report-sec5' }, 1]);
  const cfg = configFromParams(new URLSearchParams(playgroundQuery(run)));
  assert.deepEqual(cfg, playgroundConfig(run));
  const setup = createSetup(cfg), s = createSession(cfg, setup);
  advance(s, cfg.steps);
  const minLoss = globalMinimum(setup.stats, run.dims).loss;
  const page = new Map(s.trajectory.map((r) => [r.step, r.loss - minLoss]));
  const want = column(result, 'between-thresholds', `excess_eta_${(run.eta as number).toPrecision(4)}`);
  sameLosses('flat-minima-threshold', page, want, 50);
  assert.ok(Object.is(page.get(s.step), want.get(s.step)), `the last iteration (${s.step})`);
  assert.equal(Math.max(...want.keys()), s.step);
});
