import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SweepStore } from '../../src/sweep/index.ts';
import { BIN } from '../helpers/cli.ts';

// Real data in a sweep: read at the Node edge (the threads of `dln sweep`, and of `dln sweep worker`
// on its own machine), every cell rerun alone by its recorded `dln train` command to the same bits.
const root = mkdtempSync(join(tmpdir(), 'dln-sweep-data-'));
const specPath = join(root, 'spec.json');
writeFileSync(specPath, JSON.stringify({
  name: 'real', chunkSize: 2,
  base: { depth: 3, width: 4, initStd: 0.3, steps: 120, pca: 8, trainSamples: 300 },
  axes: { data: ['cars', 'penguins', 'mnist'], seed: '0..1', lrMultiple: [1, 30] },
}));

const started: ChildProcess[] = [];
after(() => { for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); });
const dln = (args: string[]): ChildProcess => {
  const c = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(c);
  return c;
};
function finish(p: ChildProcess): Promise<{ code: number | null; out: string; err: string }> {
  let out = '', err = '';
  p.stdout?.on('data', (d) => { out += d; });
  p.stderr?.on('data', (d) => { err += d; });
  return new Promise((resolve) => p.on('close', (code) => resolve({ code, out, err })));
}
const records = (dir: string) => { const s = SweepStore.open(dir); const r = s.records(); s.close(); return r; };
/** The words of a recorded command (it has no quoting: numbers, names and flags). */
const argv = (command: string | null): string[] => (command ?? "").split(' ').slice(1);

const local = join(root, 'local');

test('a sweep over cars, penguins and mnist records real-data cells that dln train reruns to the same final loss bits', async () => {
  const r = await finish(dln(['sweep', specPath, '--out', local, '--jobs', '1', '--no-progress']));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /12\/12 cells stored/);
  const recs = records(local);
  const byData = (name: string) => recs.filter((c) => c.coords.data === name);
  assert.deepEqual(byData('cars')[0].dims, [5, 4, 4, 4]);
  assert.deepEqual(byData('penguins')[0].dims, [4, 4, 4, 2]);
  assert.deepEqual(byData('mnist')[0].dims, [8, 4, 4, 10]);
  // cars and penguins draw nothing: both seeds see the same data (one global minimum).
  assert.equal(new Set(byData('cars').map((c) => c.lossMin)).size, 1);
  // MNIST's split is drawn from the seed: the two seeds see different training sets.
  assert.equal(new Set(byData('mnist').map((c) => c.lossMin)).size, 2);
  for (const c of recs) assert.ok(Number.isFinite(c.loss) && c.status !== 'failed', `cell ${c.index}: ${c.status} ${c.error ?? ''}`);
  const mnist = byData('mnist')[3], cars = byData('cars')[1];
  assert.match(mnist.command ?? '', /^dln train --data mnist --pca 8 --train-samples 300 --seed 1 --dims 8,4,4,10 /);
  assert.doesNotMatch(cars.command ?? '', /--pca|--train-samples/);
  assert.deepEqual(mnist.config.data, { kind: 'real', name: 'mnist', seed: 1, mnist: { train: 300, test: 9700, pca: 8, center: true } });
  for (const cell of [cars, mnist]) {
    const t = await finish(dln([...argv(cell.command), '--json', '--no-progress']));
    assert.equal(t.code, 0, t.err);
    const summary = JSON.parse(t.out) as { loss: number; steps: number; criticalValue: unknown };
    assert.equal(summary.steps, cell.steps);
    assert.ok(Object.is(summary.loss, cell.loss), `${cell.command}: dln train ends at ${summary.loss}, the sweep at ${cell.loss}`);
    // Where it ended, as dln train's summary says it.
    assert.deepEqual(cell.critical, summary.criticalValue);
  }
});

test('a real-data setting on a sweep without that data is named by its field', async () => {
  const bad = join(root, 'bad.json');
  writeFileSync(bad, JSON.stringify({ base: { data: 'cars', lr: 1e-3, pca: 5 }, axes: { seed: [0, 1], trainSamples: [100, 200] } }));
  const r = await finish(dln(['sweep', bad, '--out', join(root, 'bad')]));
  assert.equal(r.code, 2);
  assert.match(r.err, /base\.pca: applies to data mnist only \(this sweep's data: cars\); axes\.trainSamples: applies to data mnist only/);
  assert.equal(r.err.trim().split('\n').length, 1);
});

test('axes over a generator\'s settings: each cell reruns alone with dln train --samples/--rank/--condition to the same bits', async () => {
  const spec = join(root, 'gen.json'), dir = join(root, 'gen');
  writeFileSync(spec, JSON.stringify({
    name: 'gen', base: { data: 'nrt', depth: 3, width: 8, initStd: 0.3, steps: 200, lrMultiple: 20, seed: 1 },
    axes: { condition: { from: 1, to: 100, count: 3, scale: 'log' }, samples: [12, 40], rank: [2, 4] },
  }));
  const r = await finish(dln(['sweep', spec, '--out', dir, '--jobs', '1', '--no-progress']));
  assert.equal(r.code, 0, r.err);
  const recs = records(dir);
  assert.equal(recs.length, 12);
  assert.equal(new Set(recs.map((c) => c.lossInit)).size, 12, 'every data setting gives its own data');
  const cell = recs[9];
  assert.match(cell.command ?? '', /^dln train --data nrt --samples 12 --rank 4 --condition 100 --seed 1 /);
  const t = await finish(dln([...argv(cell.command), '--json', '--no-progress']));
  assert.equal(t.code, 0, t.err);
  assert.ok(Object.is((JSON.parse(t.out) as { loss: number }).loss, cell.loss));
  const plot = await finish(dln(['sweep', 'plot', dir, '--x', 'condition', '--y', 'samples', '--facet', 'rank']));
  assert.equal(plot.code, 0, plot.err);
  assert.match(plot.out, /phase-diagram\.svg/);
  assert.match(plot.out, /where-it-ended\.svg/);
  // Where the cells ended: in status, in the CSV, and in a column Python's sqlite3 reads.
  const st = await finish(dln(['sweep', 'status', dir]));
  const kinds = new Map<string, number>();
  for (const c of recs) kinds.set(c.critical?.kind ?? 'none', (kinds.get(c.critical?.kind ?? 'none') ?? 0) + 1);
  assert.match(st.out, /\n {2}ended (at the global minimum|on a plateau|at no critical value|diverged or failed) \d+/);
  const stJson = JSON.parse((await finish(dln(['sweep', 'status', dir, '--json']))).out) as { ended: Record<string, number> };
  assert.deepEqual(stJson.ended, Object.fromEntries(kinds));
  const csv = join(root, 'gen.csv');
  assert.equal((await finish(dln(['sweep', 'export', dir, '--csv', csv]))).code, 0);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  const header = lines[0].split(','), row = lines[10].split(',');
  assert.equal(row[header.indexOf('critical_kind')], recs[9].critical?.kind ?? '');
  assert.equal(Number(row[header.indexOf('critical_gap')]), recs[9].critical?.gap);
  const py = execFileSync('python3', ['-c', `import sqlite3,sys
print(sqlite3.connect(sys.argv[1]).execute('select critical_kind from cells where idx=9').fetchone()[0])`, join(dir, 'sweep.sqlite')]).toString().trim();
  assert.equal(py, recs[9].critical?.kind);
});

test('dln train refuses a generator setting its data set does not take, naming the flag', async () => {
  const a = await finish(dln(['train', '--data', 'report-sec5', '--rank', '2', '--dims', '5,5', '--lr', '0.01', '--steps', '1']));
  assert.equal(a.code, 2);
  assert.match(a.err, /--data report-sec5: --rank: report-sec5 takes samples, noise/);
  const b = await finish(dln(['train', '--data', 'cars', '--noise', '1', '--dims', '5,4', '--lr', '0.01', '--steps', '1']));
  assert.equal(b.code, 2);
  assert.match(b.err, /--noise sets a built-in generator/);
  // The settings are recorded in config.json, and --config replays them.
  const out = join(root, 'nrt-run'), again = join(root, 'nrt-again');
  const c = await finish(dln(['train', '--data', 'nrt', '--samples', '20', '--rank', '3', '--condition', '5', '--dims', '10,8,8', '--lr', '0.05', '--steps', '40', '--out', out, '--json', '--no-progress']));
  assert.equal(c.code, 0, c.err);
  assert.deepEqual((JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { settings: { data: unknown } }).settings.data, { kind: 'builtin', name: 'nrt', seed: 1, params: { samples: 20, rank: 3, condition: 5 } });
  const d = await finish(dln(['train', '--config', join(out, 'config.json'), '--out', again, '--json', '--no-progress']));
  assert.equal(d.code, 0, d.err);
  assert.ok(Object.is((JSON.parse(d.out) as { loss: number }).loss, (JSON.parse(c.out) as { loss: number }).loss));
});

test('dln data export writes a generator with its settings, and numpy sees the map asked for', async () => {
  const x = join(root, 'nrt-x.npy'), y = join(root, 'nrt-y.npy');
  const r = await finish(dln(['data', 'export', 'nrt', '--rank', '2', '--condition', '10', '--samples', '100', '--x', x, '--y', y]));
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(execFileSync('python3', ['-c', `import numpy as np,sys,json
X=np.load(sys.argv[1]); Y=np.load(sys.argv[2])
print(json.dumps([X.shape[0], X.shape[1], Y.shape[1]] + np.linalg.svd(np.linalg.lstsq(X, Y, rcond=None)[0], compute_uv=False).tolist()))`, x, y]).toString()) as number[];
  assert.deepEqual(s.slice(0, 3), [100, 10, 8]);
  assert.ok(Math.abs(s[3] - 2) <= 1e-12 && Math.abs(s[4] - 0.2) <= 1e-12 && s[5] <= 1e-12, s.join(', '));
});

const hasRedis = (() => { try { execFileSync('redis-server', ['--version']); return true; } catch { return false; } })();
const freePort = (): Promise<number> => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
});
async function until(cond: () => boolean, what: string, seconds = 30): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > seconds * 1000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('through Redis a worker reads the real data on its side and stores the local bits', { skip: hasRedis ? false : 'redis-server is not installed (apt-get install -y redis-server)' }, async () => {
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  started.push(redis);
  const url = `redis://127.0.0.1:${port}/0`;
  let worker: ChildProcess | undefined;
  try {
    await until(() => { try { execFileSync('redis-cli', ['-p', String(port), 'ping']); return true; } catch { return false; } }, 'redis-server');
    worker = dln(['sweep', 'worker', '--queue', url, '--jobs', '1']);
    const dir = join(root, 'queued');
    const r = await finish(dln(['sweep', specPath, '--out', dir, '--queue', url, '--no-progress']));
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(records(dir), records(local));
  } finally {
    worker?.kill('SIGKILL');
    redis.kill('SIGTERM');
  }
});
