import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../../src/data/npy.ts';
import { decodeWeights } from '../../src/data/npz.ts';
import { zeros } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';
import { eigvalsh } from '../../src/linalg/eigh.ts';
import { statsFromData } from '../../src/model/stats.ts';
import { hessian } from '../../src/model/hessian.ts';
import { startDln } from '../helpers/cli.ts';

let dir = '';
const DATA = ['--x', 'X.npy', '--y', 'Y.npy'];
const dln = (args: readonly string[]) => startDln(['train', ...args], dir).done;
const read = (...p: string[]): string => readFileSync(join(dir, ...p), 'utf8');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dln-train-sharpness-'));
  const rng = new Rng(5);
  const x = zeros(40, 4), y = zeros(40, 3);
  rng.fillNormal(x.data); rng.fillNormal(y.data);
  writeFileSync(join(dir, 'X.npy'), encodeNpy(x));
  writeFileSync(join(dir, 'Y.npy'), encodeNpy(y));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('dln train --record-sharpness adds sharpness/lambdaMin columns, 2/η and the final sharpness to the summary, and trajectory.png', async () => {
  const r = await dln([...DATA, '--dims', '4,6,5,3', '--lr', '0.01', '--steps', '95', '--record-every', '5', '--record-sharpness', '20', '--lambda-min', '--out', 'run', '--no-progress']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ {2}sharpness {6}\S+ {3}\(2\/η = 2\.000000e\+2\), λ_min \S+$/m);
  const rows = read('run', 'trajectory.csv').trim().split('\n').map((l) => l.split(','));
  assert.deepEqual(rows[0].slice(-2), ['sharpness', 'lambdaMin']);
  const measured = rows.slice(1).filter((c) => c.at(-1) !== 'NaN').map((c) => Number(c[0]));
  assert.deepEqual(measured, [0, 20, 40, 60, 80, 95]);
  const summary = JSON.parse(read('run', 'summary.json')) as { sharpness: number; lambdaMin: number; twoOverEta: number };
  assert.equal(summary.twoOverEta, 200);
  assert.equal(summary.sharpness, Number(rows.at(-1)?.at(-2)));
  // The final sharpness against the dense spectrum of the Hessian at the weights written, from the files.
  const xr = zeros(40, 4), yr = zeros(40, 3), rng = new Rng(5);
  rng.fillNormal(xr.data); rng.fillNormal(yr.data);
  const t = (m: typeof xr) => ({ rows: m.cols, cols: m.rows, data: Float64Array.from({ length: m.data.length }, (_, k) => m.data[(k % m.rows) * m.cols + Math.floor(k / m.rows)]) });
  const stats = statsFromData({ x: t(xr), y: t(yr) });
  const ev = eigvalsh(hessian(decodeWeights(readFileSync(join(dir, 'run', 'weights.npz'))), stats));
  assert.ok(Math.abs(summary.sharpness - ev[ev.length - 1]) <= 1e-8 * ev[ev.length - 1], `${summary.sharpness} vs ${ev[ev.length - 1]}`);
  assert.ok(Math.abs(summary.lambdaMin - ev[0]) <= 1e-8 * ev[ev.length - 1], `${summary.lambdaMin} vs ${ev[0]}`);
  const png = readFileSync(join(dir, 'run', 'trajectory.png'));
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  assert.match(read('run', 'trajectory.svg'), /2\/η = 200/);
});

test('dln train refuses a sharpness period that misses the records, and --lambda-min alone', async () => {
  const bad = await dln([...DATA, '--dims', '4,3', '--lr', '0.01', '--record-every', '10', '--record-sharpness', '15']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^dln: --record-sharpness 15 must be a multiple of --record-every 10 .*\n$/);
  const alone = await dln([...DATA, '--dims', '4,3', '--lr', '0.01', '--lambda-min']);
  assert.equal(alone.code, 2);
  assert.match(alone.stderr, /^dln: --lambda-min needs --record-sharpness/);
});

test('an interrupted run with --record-sharpness resumes to the bytes of an uninterrupted one', { timeout: 60000 }, async () => {
  const LONG = ['--data', 'report-sec5', '--dims', '5,5,5,5', '--init-std', '0.2', '--lr', '1e-4', '--steps', '1500000', '--record-every', '50000', '--record-sharpness', '--lambda-min'];
  const whole = dln([...LONG, '--out', 'whole', '--no-progress']);
  const cut = startDln(['train', ...LONG, '--out', 'cut'], dir);
  // The run takes seconds (not a fraction of one), so that the Ctrl-C 0.3 s after it starts finds it still running.
  await cut.stderrHas('train: step 0/1500000');
  await new Promise((r) => setTimeout(r, 300));
  cut.child.kill('SIGINT');
  const stopped = await cut.done;
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.match(read('cut', 'checkpoint.json'), /"sharpness":\{"vMax":/);
  const resumed = await dln(['--resume', 'cut', '--no-progress']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal((await whole).code, 0);
  assert.equal(read('cut', 'trajectory.csv'), read('whole', 'trajectory.csv'));
  assert.ok(readFileSync(join(dir, 'cut', 'weights.npz')).equals(readFileSync(join(dir, 'whole', 'weights.npz'))));
  const s = (d: string) => JSON.parse(read(d, 'summary.json')) as { sharpness: number; twoOverEta: number };
  assert.ok(Object.is(s('cut').sharpness, s('whole').sharpness) && s('cut').twoOverEta === 20000);
});
