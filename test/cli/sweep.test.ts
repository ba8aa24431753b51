import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import Database from 'better-sqlite3';
import { SweepStore, STORE_FILE, QUEUE_NAME, connectRedis } from '../../src/sweep/index.ts';
import { BIN } from '../helpers/cli.ts';
const root = mkdtempSync(join(tmpdir(), 'dln-sweep-'));
const specPath = join(root, 'spec.json');
writeFileSync(specPath, JSON.stringify({
  name: 'small', chunkSize: 3,
  base: { data: 'report-sec5', dims: [5, 4, 4, 5], initStd: 0.2, steps: 300 },
  axes: { seed: '0..5', lrMultiple: { from: 1, to: 1e5, count: 4, scale: 'log' } },
}));
// The same cells in chunks of one: results must not depend on the chunking, and kills land between chunks.
const fineSpecPath = join(root, 'fine.json');
writeFileSync(fineSpecPath, JSON.stringify({ ...JSON.parse(readFileSync(specPath, 'utf8')), chunkSize: 1 }));

// Every process a test starts is killed at the end, whatever failed.
const started: ChildProcess[] = [];
after(() => { for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); });
const dln = (args: string[], backend = 'ts'): ChildProcess => {
  const c = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DLN_BACKEND: backend } });
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
const stored = (dir: string): number => {
  if (!existsSync(join(dir, STORE_FILE))) return 0;
  try {
    const db = new Database(join(dir, STORE_FILE), { readonly: true, fileMustExist: true });
    try { return (db.prepare('SELECT COUNT(*) AS n FROM cells').get() as { n: number }).n; } finally { db.close(); }
  } catch { return 0; }
};
const integrity = (dir: string): string => execFileSync('python3', ['-c', `import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
bad=c.execute("select count(*) from cells where record is null or status is null or config is null").fetchone()[0]
print(c.execute('pragma integrity_check').fetchone()[0], bad)`, join(dir, STORE_FILE)]).toString().trim();
async function until(cond: () => boolean, what: string, seconds = 60): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > seconds * 1000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const freePort = (): Promise<number> => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
});

const local = join(root, 'local');

test('a local sweep stores every cell once, readable by Python sqlite3, and exports CSV', async () => {
  const r = await finish(dln(['sweep', specPath, '--out', local, '--jobs', '2', '--no-progress']));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /24\/24 cells stored/);
  const py = execFileSync('python3', ['-c', `import sqlite3,sys,json
c=sqlite3.connect(sys.argv[1])
print(c.execute('pragma integrity_check').fetchone()[0], c.execute('pragma journal_mode').fetchone()[0], c.execute('select count(distinct idx), count(*) from cells').fetchone(), json.loads(c.execute('select config from cells where idx=5').fetchone()[0])['schedule']['kind'])`, join(local, STORE_FILE)]).toString().trim();
  assert.equal(py, "ok wal (24, 24) constant");
  const recs = records(local);
  assert.deepEqual(recs.map((x) => x.index), Array.from({ length: 24 }, (_, i) => i));
  assert.ok(recs.some((x) => x.status === 'diverged') && recs.some((x) => x.status !== 'diverged'));
  const csv = join(root, 'cells.csv');
  assert.equal((await finish(dln(['sweep', 'export', local, '--csv', csv]))).code, 0);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(lines.length, 25);
  assert.match(lines[0], /^index,seed,lrMultiple,status,/);
  const st = await finish(dln(['sweep', 'status', local, '--json']));
  assert.equal(JSON.parse(st.out).pending, 0);
});

test('the calling thread evaluates cells with the kernels of the threads whatever the backend chosen: --jobs 1 on WASM gives the same records', async () => {
  const dir = join(root, 'wasm-main');
  const r = await finish(dln(['sweep', specPath, '--out', dir, '--jobs', '1', '--no-progress'], 'wasm'));
  assert.equal(r.code, 0, r.err);
  const workersSeen = execFileSync('python3', ['-c', `import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(distinct worker) from cells').fetchone()[0])`, join(dir, STORE_FILE)]).toString().trim();
  assert.equal(workersSeen, '1');
  assert.deepEqual(records(dir), records(local));
});

test('a malformed spec gets one clear line naming the field, exit code 2', async () => {
  const bad = join(root, 'bad.json');
  writeFileSync(bad, JSON.stringify({ base: { data: 'report-sec5', lr: -1 }, axes: { seed: '3..1' } }));
  const r = await finish(dln(['sweep', bad, '--out', join(root, 'bad')]));
  assert.equal(r.code, 2);
  assert.match(r.err, /base\.lr: must be a finite number > 0; axes\.seed: range 3\.\.1 is empty/);
  assert.equal(r.err.trim().split('\n').length, 1);
});

test('killed between cells, the store has no torn rows and resume ends bit-identical to the uninterrupted run', async () => {
  const dir = join(root, 'killed');
  const p = dln(['sweep', fineSpecPath, '--out', dir, '--jobs', '1', '--no-progress']);
  const done = finish(p);
  await until(() => stored(dir) >= 1, 'the first chunk');
  p.kill('SIGKILL');
  await done;
  const n = stored(dir);
  assert.ok(n >= 1 && n < 24, `${n} cells stored at the kill`);
  assert.equal(integrity(dir), 'ok 0');
  const r = await finish(dln(['sweep', 'resume', dir, '--no-progress']));
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(records(dir), records(local));
});

test('Ctrl-C finishes the running chunk, exits 130 naming dln sweep resume, and resume completes the sweep', async () => {
  const dir = join(root, 'interrupted');
  const p = dln(['sweep', fineSpecPath, '--out', dir, '--jobs', '1', '--no-progress']);
  const done = finish(p);
  await until(() => stored(dir) >= 1, 'the first chunk');
  p.kill('SIGINT');
  const r = await done;
  assert.equal(r.code, 130, r.err);
  assert.match(r.err, /interrupted with \d+\/24 cells stored; continue with: dln sweep resume /);
  assert.equal(integrity(dir), 'ok 0');
  assert.equal((await finish(dln(['sweep', 'resume', dir, '--no-progress']))).code, 0);
  assert.deepEqual(records(dir), records(local));
});

const hasRedis = (() => { try { execFileSync('redis-server', ['--version']); return true; } catch { return false; } })();

test('through Redis with two workers, a worker SIGKILLed and the coordinator killed and resumed, every cell is stored once with the local bits', { skip: hasRedis ? false : 'redis-server is not installed (apt-get install -y redis-server)' }, async () => {
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  started.push(redis);
  const url = `redis://127.0.0.1:${port}/0`;
  const workers: ChildProcess[] = [];
  try {
    await until(() => { try { execFileSync('redis-cli', ['-p', String(port), 'ping']); return true; } catch { return false; } }, 'redis-server', 20);
    const worker = () => { const w = dln(['sweep', 'worker', '--queue', url, '--jobs', '1', '--lock-seconds', '2']); workers.push(w); return w; };
    // Two workers, a clean distributed run, once both can compute (they say so when their threads have loaded dln).
    const w1 = worker(), w2 = worker();
    const ready = [w1, w2].map((w) => { let text = ''; w.stderr?.on('data', (d) => { text += d; }); return () => text.includes('taking chunks'); });
    await until(() => ready.every((r) => r()), 'both workers');
    const q1 = join(root, 'queued');
    const r1 = await finish(dln(['sweep', specPath, '--out', q1, '--queue', url, '--no-progress']));
    assert.equal(r1.code, 0, r1.err);
    assert.deepEqual(records(q1), records(local));
    const workersSeen = execFileSync('python3', ['-c', `import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(distinct worker) from cells').fetchone()[0])`, join(q1, STORE_FILE)]).toString().trim();
    assert.equal(workersSeen, '2', 'both workers took chunks');
    // Kill a worker mid-sweep and the coordinator; resume with a fresh worker.
    const q2 = join(root, 'queued-killed');
    const coord = dln(['sweep', fineSpecPath, '--out', q2, '--queue', url, '--no-progress']);
    const coordDone = finish(coord);
    await until(() => stored(q2) >= 1, 'the first stored chunk');
    w1.kill('SIGKILL');
    coord.kill('SIGKILL');
    await coordDone;
    worker();
    const r2 = await finish(dln(['sweep', 'resume', q2, '--queue', url, '--no-progress']));
    assert.equal(r2.code, 0, r2.err);
    assert.deepEqual(records(q2), records(local));
    // A chunk from a newer sweep format is refused with a clear message.
    const conn = await connectRedis(url);
    const q = new Queue(QUEUE_NAME, { connection: conn });
    await q.add('chunk', { sweep: 'future', chunk: 0, format: 999, dln: '99.0.0', spec: {}, cells: [0] }, { jobId: 'future-0' });
    let job = await q.getJob('future-0');
    for (let i = 0; i < 100 && (job?.failedReason ?? '') === ''; i++) { await new Promise((r) => setTimeout(r, 100)); job = await q.getJob('future-0'); }
    assert.match(job?.failedReason ?? '', /sweep format 999.*newer than this worker's dln .*update dln on this machine/);
    await q.close();
    conn.disconnect();
  } finally {
    for (const w of workers) w.kill('SIGKILL');
    redis.kill('SIGTERM');
  }
});

test('Redis killed mid-sweep: coordinator and worker each say so in one line and exit 2, nothing stored is lost, and resume completes with the local bits', { skip: hasRedis ? false : 'redis-server is not installed (apt-get install -y redis-server)' }, async () => {
  const slowSpec = join(root, 'slow.json');
  writeFileSync(slowSpec, JSON.stringify({
    name: 'slow', chunkSize: 1,
    base: { data: 'report-sec5', dims: [5, 4, 4, 5], initStd: 0.2, steps: 20000 },
    axes: { seed: '0..29', lrMultiple: [0.5, 1, 3] },
  }));
  const ref = join(root, 'slow-local');
  assert.equal((await finish(dln(['sweep', slowSpec, '--out', ref, '--jobs', '1', '--no-progress']))).code, 0);
  const port = await freePort();
  const redisUp = async (): Promise<ChildProcess> => {
    const r = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    started.push(r);
    await until(() => { try { execFileSync('redis-cli', ['-p', String(port), 'ping']); return true; } catch { return false; } }, 'redis-server', 20);
    return r;
  };
  const url = `redis://127.0.0.1:${port}/0`;
  let redis = await redisUp();
  try {
    const w = finish(dln(['sweep', 'worker', '--queue', url, '--jobs', '1', '--redis-grace', '2']));
    const dir = join(root, 'redis-lost');
    const coord = finish(dln(['sweep', slowSpec, '--out', dir, '--queue', url, '--no-progress', '--redis-grace', '2']));
    await until(() => stored(dir) >= 1, 'the first stored chunk');
    redis.kill('SIGKILL');
    const [c, wr] = await Promise.all([coord, w]);
    const n = stored(dir);
    assert.ok(n >= 1 && n < 90, `${n} of 90 cells stored when Redis went away`);
    assert.equal(c.code, 2, c.err);
    const cLines = c.err.trim().split('\n');
    assert.equal(cLines.length, 1, c.err);
    assert.ok(cLines[0].startsWith(`dln: lost the connection to Redis at ${url} (`), c.err);
    assert.ok(cLines[0].endsWith(`); ${n}/90 cells are stored in ${dir}; once Redis is back: dln sweep resume ${dir} --queue ${url}`), c.err);
    assert.equal(wr.code, 2, wr.err);
    const lines = wr.err.trim().split('\n');
    assert.match(lines[0], /^dln sweep worker .*: taking chunks from /);
    assert.equal(lines.length, 2, wr.err);
    assert.match(lines[1], new RegExp(`^dln: lost the connection to Redis at ${url.replace(/[./]/g, '\\$&')} \\(unreachable for 2 s\\)$`));
    assert.equal(integrity(dir), 'ok 0');
    // Redis back (empty: it kept nothing), one worker, resume.
    redis = await redisUp();
    const w2 = dln(['sweep', 'worker', '--queue', url, '--jobs', '1']);
    const r = await finish(dln(['sweep', 'resume', dir, '--queue', url, '--no-progress']));
    w2.kill('SIGTERM');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(records(dir), records(ref));
  } finally {
    redis.kill('SIGKILL');
  }
});
