import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/run.ts';
import { encodeNpy } from '../../src/data/npy.ts';
import { decodeWeights, encodeWeights } from '../../src/data/npz.ts';
import { type Mat, zeros } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';
import { type Run, startDln } from '../helpers/cli.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const start = startDln;

const dln = (args: readonly string[]): Promise<Run> => start(['train', ...args], dir).done;

let dir = '';
let xRows: Mat, yRows: Mat;
const DATA = ['--x', 'X.npy', '--y', 'Y.npy'];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dln-train-'));
  const rng = new Rng(11);
  xRows = zeros(30, 3); yRows = zeros(30, 2);
  rng.fillNormal(xRows.data);
  rng.fillNormal(yRows.data);
  writeFileSync(join(dir, 'X.npy'), encodeNpy(xRows));
  writeFileSync(join(dir, 'Y.npy'), encodeNpy(yRows));
});

after(() => rmSync(dir, { recursive: true, force: true }));

const read = (...p: string[]): string => readFileSync(join(dir, ...p), 'utf8');
const json = (...p: string[]): Record<string, unknown> => JSON.parse(read(...p)) as Record<string, unknown>;
const weightsOf = (...p: string[]): Mat[] => decodeWeights(readFileSync(join(dir, ...p)));

/** Σ_XX = XXᵀ and Σ_YX = YXᵀ in the column convention, from the sample rows (an independent reference). */
function moments(): { sxx: number[][]; syx: number[][] } {
  const m = xRows.rows, dx = xRows.cols, dy = yRows.cols;
  const sxx = Array.from({ length: dx }, () => new Array<number>(dx).fill(0));
  const syx = Array.from({ length: dy }, () => new Array<number>(dx).fill(0));
  for (let s = 0; s < m; s++) {
    for (let i = 0; i < dx; i++) for (let j = 0; j < dx; j++) sxx[i][j] += xRows.data[s * dx + i] * xRows.data[s * dx + j];
    for (let i = 0; i < dy; i++) for (let j = 0; j < dx; j++) syx[i][j] += yRows.data[s * dy + i] * xRows.data[s * dx + j];
  }
  return { sxx, syx };
}

/** An in-memory CliIO whose Ctrl-C the test presses; main() runs in this process. */
function memoryIO(): { io: CliIO; err: () => string; out: () => string; press: () => void; started: () => Promise<void> } {
  let out = '', err = '';
  const handlers: (() => void)[] = [];
  const sink = (append: (s: string) => void): Writable => new Writable({ write(c: Buffer | string, _e, cb) { append(c.toString()); cb(); } });
  const io: CliIO = {
    stdout: sink((s) => { out += s; }),
    stderr: sink((s) => { err += s; }),
    env: {},
    onInterrupt(h) { handlers.push(h); return () => { handlers.splice(handlers.indexOf(h), 1); }; },
  };
  const started = async (): Promise<void> => {
    while (!err.includes('train: step 0/')) await new Promise((r) => setTimeout(r, 10));
  };
  return { io, out: () => out, err: () => err, press: () => { for (const h of [...handlers]) h(); }, started };
}

/** Runs `dln train args…` inside this process (the training still runs in a worker thread). */
async function dlnHere(args: readonly string[]): Promise<Run> {
  const m = memoryIO();
  const code = await main(['train', ...args], m.io);
  return { code, stdout: m.out(), stderr: m.err() };
}

const at = (f: string): string => join(dir, f);

describe('dln train outputs', { concurrency: 2 }, () => {
  test('--out writes config.json, trajectory.csv, weights.npz and summary.json, and prints where they went', async () => {
    const r = await dln([...DATA, '--dims', '3,4,2', '--lr', '1e-2', '--steps', '25', '--record-every', '10', '--out', 'run1', '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(join(dir, 'run1')).sort(), ['config.json', 'summary.json', 'trajectory.csv', 'weights.npz']);
    assert.match(r.stdout, /^max-steps after 25 steps/);
    assert.match(r.stdout, /results in\s+run1$/m);
    const config = json('run1', 'config.json') as { dln: string; command: string; settings: Record<string, unknown> };
    assert.equal(config.dln, VERSION);
    assert.equal(config.command, 'dln train --x X.npy --y Y.npy --dims 3,4,2 --lr 1e-2 --steps 25 --record-every 10 --out run1 --no-progress');
    assert.deepEqual(config.settings.dims, [3, 4, 2]);
    assert.deepEqual(config.settings.schedule, { kind: 'constant', lr: 0.01 });
    assert.deepEqual(config.settings.init, { kind: 'gaussian', std: 0.05 });
    assert.equal(config.settings.seed, 1);
    const csv = read('run1', 'trajectory.csv').trim().split('\n');
    assert.equal(csv[0], 'step,loss,grad_norm,balancedness,drift,sv1,sv2');
    assert.deepEqual(csv.slice(1).map((l) => Number(l.split(',')[0])), [0, 10, 20, 25]);
    const w = weightsOf('run1', 'weights.npz');
    assert.deepEqual(w.map((m) => [m.rows, m.cols]), [[4, 3], [2, 4]]);
    const summary = json('run1', 'summary.json');
    assert.equal(summary.status, 'max-steps');
    assert.equal(summary.steps, 25);
    for (const k of ['loss', 'gradNorm', 'balancedness', 'seconds']) assert.equal(typeof summary[k], 'number', k);
    assert.equal(summary.loss, Number(csv[csv.length - 1].split(',')[1]), 'summary loss is the last recorded loss');
  });

  test('--json prints the summary on stdout while progress lines go to stderr', async () => {
    const r = await dln([...DATA, '--dims', '3,2', '--lr', '1e-2', '--steps', '40', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(summary.status, 'max-steps');
    assert.equal(summary.steps, 40);
    for (const k of ['loss', 'gradNorm', 'balancedness', 'seconds']) assert.equal(typeof summary[k], 'number', k);
    assert.match(r.stderr, /^train: step 0\/40 \(0%\)/m);
    assert.match(r.stderr, /^train: step 40\/40 \(100%\), loss \d\.\d{4}e[+-]\d+, \d+\.\d s$/m);
  });

  test('the same seed and command give identical bits; another seed gives other weights', async () => {
    const args = (out: string, seed: string) => ['--data', 'report-sec5', '--dims', '5,3,5', '--lr', '1e-3', '--steps', '200', '--seed', seed, '--out', out, '--no-progress'];
    const [a, b, c] = await Promise.all([dln(args('same1', '3')), dln(args('same2', '3')), dln(args('other', '4'))]);
    for (const r of [a, b, c]) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '', '--no-progress leaves stderr empty');
    }
    assert.ok(readFileSync(join(dir, 'same1', 'weights.npz')).equals(readFileSync(join(dir, 'same2', 'weights.npz'))), 'weights.npz bytes');
    assert.equal(read('same1', 'trajectory.csv'), read('same2', 'trajectory.csv'));
    const [w1, w2, w3] = [weightsOf('same1', 'weights.npz'), weightsOf('same2', 'weights.npz'), weightsOf('other', 'weights.npz')];
    w1.forEach((w, j) => assert.deepEqual(w.data, w2[j].data));
    assert.notDeepEqual(w1[0].data, w3[0].data);
    assert.deepEqual((json('same1', 'config.json').settings as { data: unknown }).data, { kind: 'builtin', name: 'report-sec5', seed: 3 });
  });

  test('--schedule power takes steps η_k = lr/(k+b)^p (two steps of a depth-1 network from zero, checked by hand)', async () => {
    const r = await dlnHere(['--x', at('X.npy'), '--y', at('Y.npy'), '--dims', '3,2', '--init', 'zero', '--lr', '0.01', '--schedule', 'power', '--power-b', '4', '--power-p', '0.5', '--steps', '2', '--out', at('power'), '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    const { sxx, syx } = moments();
    // W(k+1) = W(k) − η_k (W(k)Σ_XX − Σ_YX), W(0) = 0.
    let w = [[0, 0, 0], [0, 0, 0]];
    for (let k = 0; k < 2; k++) {
      const eta = 0.01 / Math.pow(k + 4, 0.5);
      w = w.map((row, i) => row.map((v, j) => v - eta * (row.reduce((s, wv, p) => s + wv * sxx[p][j], 0) - syx[i][j])));
    }
    const [got] = weightsOf('power', 'weights.npz');
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) {
      assert.ok(Math.abs(got.data[i * 3 + j] - w[i][j]) <= 1e-13 * Math.abs(w[i][j]), `W[${i}][${j}] = ${got.data[i * 3 + j]} vs ${w[i][j]}`);
    }
  });

  test('a depth-1 network trained by GD converges to the least-squares loss and stops at --grad-tol', async () => {
    const r = await dlnHere(['--x', at('X.npy'), '--y', at('Y.npy'), '--dims', '3,2', '--lr', '5e-3', '--steps', '20000', '--grad-tol', '1e-10', '--json', '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { status: string; steps: number; loss: number; lossOLS: number; gradNorm: number };
    assert.equal(s.status, 'converged');
    assert.ok(s.steps < 20000 && s.gradNorm <= 1e-10);
    assert.ok(Math.abs(s.loss - s.lossOLS) <= 1e-12 * s.lossOLS, `${s.loss} vs ${s.lossOLS}`);
  });

  test('--init-weights starts from the file: with --steps 0 the written weights are the same bits', async () => {
    const rng = new Rng(5);
    const w = [zeros(4, 3), zeros(2, 4)];
    for (const m of w) rng.fillNormal(m.data);
    writeFileSync(join(dir, 'W0.npz'), encodeWeights(w));
    const r = await dlnHere(['--x', at('X.npy'), '--y', at('Y.npy'), '--init-weights', at('W0.npz'), '--lr', '1e-3', '--steps', '0', '--out', at('fromw'), '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(join(dir, 'fromw', 'weights.npz')).equals(readFileSync(join(dir, 'W0.npz'))));
    assert.deepEqual((json('fromw', 'config.json').settings as { dims: number[] }).dims, [3, 4, 2]);
  });

  test('--flow integrates the gradient flow to --t-end and records times', async () => {
    const r = await dlnHere(['--x', at('X.npy'), '--y', at('Y.npy'), '--dims', '3,3,2', '--init', 'balanced', '--init-scale', '0.5', '--flow', '--t-end', '0.5', '--json', '--out', at('flow'), '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { status: string; t: number; steps: number };
    assert.equal(s.status, 'end-time');
    assert.equal(s.t, 0.5);
    assert.match(read('flow', 'trajectory.csv'), /^step,t,loss,/);
    assert.equal((json('flow', 'config.json').settings as { method: string }).method, 'flow');
  });
});

describe('dln train under Ctrl-C', { concurrency: 2, timeout: 60000 }, () => {
  const LONG = ['--data', 'report-sec5', '--dims', '5,5,5,5', '--init-std', '0.2', '--lr', '1e-4', '--steps', '150000', '--record-every', '5000'];

  test('SIGINT stops the run, writes what was recorded with a checkpoint, and --resume ends with the bits of an uninterrupted run', async () => {
    const whole = start(['train', ...LONG, '--out', 'whole', '--no-progress'], dir).done;
    const cut = start(['train', ...LONG, '--out', 'cut'], dir);
    await cut.stderrHas('train: step 0/150000');
    await new Promise((r) => setTimeout(r, 200));
    cut.child.kill('SIGINT');
    const stopped = await cut.done;
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, /^dln: Ctrl-C: stopping after the current step/m);
    assert.match(stopped.stdout, /^interrupted after \d+ steps/);
    const partial = json('cut', 'summary.json') as { status: string; steps: number };
    assert.equal(partial.status, 'interrupted');
    assert.ok(partial.steps > 0 && partial.steps < 150000, `interrupted at step ${partial.steps}`);
    assert.deepEqual(readdirSync(join(dir, 'cut')).sort(), ['checkpoint.json', 'config.json', 'summary.json', 'trajectory.csv', 'weights.npz']);

    const resumed = await dln(['--resume', 'cut', '--no-progress', '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((JSON.parse(resumed.stdout) as { status: string }).status, 'max-steps');
    const full = await whole;
    assert.equal(full.code, 0, full.stderr);
    assert.ok(readFileSync(join(dir, 'cut', 'weights.npz')).equals(readFileSync(join(dir, 'whole', 'weights.npz'))), 'weights.npz bytes');
    weightsOf('cut', 'weights.npz').forEach((w, j) => assert.deepEqual(w.data, weightsOf('whole', 'weights.npz')[j].data));
    assert.equal(read('cut', 'trajectory.csv'), read('whole', 'trajectory.csv'));
    assert.ok(!existsSync(join(dir, 'cut', 'checkpoint.json')), 'a finished run keeps no checkpoint');
    const config = json('cut', 'config.json') as { resumed: { atStep: number }[] };
    assert.deepEqual(config.resumed.map((e) => e.atStep), [partial.steps]);
    assert.ok(!readdirSync(dir).some((f) => f.includes('staging') || f.includes('.old-')), 'no staging leftovers');
  });

  test('SIGINT stops a --flow run with a checkpoint, and --resume ends with the bytes of an uninterrupted flow (weights.npz, trajectory.csv)', async () => {
    // About 1 s of Runge–Kutta steps, bounded by the step budget (the end time is out of reach).
    const FLOW = ['--data', 'report-sec5', '--dims', '5,5,5,5', '--init-std', '0.2', '--flow', '--t-end', '1e5', '--rtol', '1e-12', '--atol', '1e-14', '--steps', '30000', '--record-every', '2000'];
    const whole = start(['train', ...FLOW, '--out', 'flow-whole', '--no-progress'], dir).done;
    const cut = start(['train', ...FLOW, '--out', 'flow-cut'], dir);
    await cut.stderrHas('train: t 0.000/');
    await new Promise((r) => setTimeout(r, 200));
    cut.child.kill('SIGINT');
    const stopped = await cut.done;
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stdout, /^interrupted after \d+ steps \(t = /);
    const partial = json('flow-cut', 'summary.json') as { status: string; steps: number };
    assert.equal(partial.status, 'interrupted');
    assert.ok(partial.steps > 0 && partial.steps < 30000, `interrupted at step ${partial.steps}`);
    assert.deepEqual(readdirSync(join(dir, 'flow-cut')).sort(), ['checkpoint.json', 'config.json', 'summary.json', 'trajectory.csv', 'weights.npz']);

    const resumed = await dln(['--resume', 'flow-cut', '--no-progress', '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const full = await whole;
    assert.equal(full.code, 0, full.stderr);
    const [a, b] = [json('flow-cut', 'summary.json'), json('flow-whole', 'summary.json')];
    // Out of steps with L − L* far below 1e-6·(L(0) − L*) (L* = 0 here): converged by the loss test of THEORY §15.2.
    assert.deepEqual([a.status, a.steps, a.t, a.loss], ['converged', 30000, b.t, b.loss]);
    assert.equal(b.status, 'converged');
    assert.deepEqual(JSON.parse(resumed.stdout).t, b.t);
    assert.ok(readFileSync(join(dir, 'flow-cut', 'weights.npz')).equals(readFileSync(join(dir, 'flow-whole', 'weights.npz'))), 'weights.npz bytes');
    assert.equal(read('flow-cut', 'trajectory.csv'), read('flow-whole', 'trajectory.csv'));
    assert.ok(!existsSync(join(dir, 'flow-cut', 'checkpoint.json')), 'a finished run keeps no checkpoint');
    assert.deepEqual((json('flow-cut', 'config.json') as { resumed: { atStep: number }[] }).resumed.map((e) => e.atStep), [partial.steps]);
  });

  test('Ctrl-C without --out prints the interrupted summary and exits 130', async () => {
    const m = memoryIO();
    const running = main(['train', ...LONG, '--steps', '10000000', '--json'], m.io);
    await m.started();
    m.press();
    assert.equal(await running, 130);
    const s = JSON.parse(m.out()) as { status: string; steps: number };
    assert.equal(s.status, 'interrupted');
    assert.ok(s.steps > 0 && s.steps < 10000000);
  });

  test('a second Ctrl-C quits at once: exit code 130 and no output directory', async () => {
    const m = memoryIO();
    const out = join(dir, 'twice');
    const running = main(['train', ...LONG, '--steps', '10000000', '--out', out], m.io);
    await m.started();
    m.press();
    m.press();
    assert.equal(await running, 130);
    assert.match(m.err(), /second Ctrl-C: quitting without saving/);
    assert.equal(m.out(), '');
    assert.ok(!existsSync(out));
    assert.ok(!readdirSync(dir).some((f) => f.startsWith('.twice')), 'no staging directory');
  });

  test('--resume refuses a finished run, other settings, and data files changed since', async () => {
    const run = dlnHere;
    const r0 = await run(['--x', at('X.npy'), '--y', at('Y.npy'), '--dims', '3,2', '--lr', '1e-3', '--steps', '5', '--out', at('done'), '--no-progress']);
    assert.equal(r0.code, 0, r0.stderr);
    const finished = await run(['--resume', join(dir, 'done')]);
    assert.equal(finished.code, 2);
    assert.match(finished.stderr, /^dln: --resume .*done: nothing to resume \(the run ended with status max-steps\)\n$/);
    const extra = await run(['--resume', join(dir, 'done'), '--lr', '1']);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /^dln: --resume continues a run with the settings in its config.json; --lr cannot be given with it\n$/);
    // Interrupt a run, then change its data file.
    writeFileSync(join(dir, 'X2.npy'), encodeNpy(xRows));
    const m = memoryIO();
    const cut = main(['train', '--x', join(dir, 'X2.npy'), '--y', join(dir, 'Y.npy'), '--dims', '3,2', '--lr', '1e-4', '--steps', '10000000', '--out', join(dir, 'changed')], m.io);
    await m.started();
    m.press();
    assert.equal(await cut, 130);
    writeFileSync(join(dir, 'X2.npy'), encodeNpy(zeros(30, 3)));
    const changed = await run(['--resume', join(dir, 'changed')]);
    assert.equal(changed.code, 2);
    assert.match(changed.stderr, /^dln: .*X2\.npy has changed since the run started \(its SHA-256 differs\)\n$/);
  });
});
