import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { InputError } from '../../src/errors.ts';
import { type JobIO, onInterrupts, runJob, startJob } from '../../src/node/jobRunner.ts';

const COUNT = { moduleUrl: new URL('./fixtures/countJob.ts', import.meta.url), exportName: 'countJob' };
type Counted = { counted: number; stopped: boolean };

/** A JobIO writing into a string, whose Ctrl-C the test presses. */
function memoryIO(): { io: JobIO; err: () => string; press: () => void } {
  let err = '';
  const handlers: (() => void)[] = [];
  const io: JobIO = {
    stderr: new Writable({ write(c: Buffer | string, _e, cb) { err += c.toString(); cb(); } }),
    onInterrupt(h) { handlers.push(h); return () => { handlers.splice(handlers.indexOf(h), 1); }; },
  };
  return { io, err: () => err, press: () => { for (const h of [...handlers]) h(); } };
}

const until = async (cond: () => boolean): Promise<void> => { while (!cond()) await new Promise((r) => setTimeout(r, 10)); };

test('runJob returns the job\'s value, shows progress as plain lines off a terminal, and removes its Ctrl-C handler', async () => {
  const m = memoryIO();
  const value = await runJob<Counted>({ ...COUNT, input: { n: 50 } }, { io: m.io, progress: { enabled: true, label: 'count', unit: 'step' }, stopping: 'stopping' });
  assert.deepEqual(value, { counted: 50, stopped: false });
  assert.match(m.err(), /^count: step 50\/50 \(100%\), loss 2\.0000e-2, /m);
  m.press();
  assert.doesNotMatch(m.err(), /Ctrl-C/);
});

test('the first Ctrl-C stops the job after its current step (it returns what it did), the second kills it (null)', async () => {
  const first = memoryIO();
  let posts = 0;
  const running = runJob<Counted>({ ...COUNT, input: { n: 1e6 } }, {
    io: first.io, progress: { enabled: false, label: 'count', unit: 'step' }, stopping: 'stopping after the current count', onPost: () => { posts++; },
  });
  await until(() => posts >= 2);
  first.press();
  const value = await running;
  assert.equal(value?.stopped, true);
  assert.ok(value !== null && value.counted >= 100 && value.counted < 1e6, `counted ${value?.counted}`);
  assert.match(first.err(), /^dln: Ctrl-C: stopping after the current count \(Ctrl-C again quits without saving\)$/m);

  const twice = memoryIO();
  const aborted = runJob<Counted>({ ...COUNT, input: { n: 1e6 } }, { io: twice.io, progress: { enabled: false, label: 'count', unit: 'step' }, stopping: 'stopping' });
  // A job that ignores shouldStop is what the second Ctrl-C is for; here it comes before the first one takes effect.
  twice.press();
  twice.press();
  assert.equal(await aborted, null);
  assert.match(twice.err(), /second Ctrl-C: quitting without saving/);
});

test('an error thrown in the job arrives with its class (InputError), and startJob reports begin, posts and live progress', async () => {
  const m = memoryIO();
  await assert.rejects(runJob({ ...COUNT, input: { n: 5, fail: true } }, { io: m.io, progress: { enabled: true, label: 'count', unit: 'step' }, stopping: 's' }),
    (e: unknown) => e instanceof InputError && e.message === 'count: bad input');
  let total = 0;
  const posts: unknown[] = [];
  const job = startJob<Counted>({ ...COUNT, input: { n: 1e6 } }, { onBegin: (t) => { total = t; }, onPost: (d) => posts.push(d) });
  await until(() => job.live().value > 200);
  assert.equal(total, 1e6);
  assert.ok(job.live().loss > 0 && job.live().loss < 1 / 200);
  job.stop();
  const v = await job.result;
  assert.equal(v.stopped, true);
  assert.deepEqual(posts[0], { k: 0 });
  assert.ok(posts.length >= 2);
});

test('onInterrupts calls the k-th stage on the k-th Ctrl-C and the last one after that', () => {
  const m = memoryIO();
  const seen: string[] = [];
  const off = onInterrupts(m.io, [() => seen.push('stop'), () => seen.push('abort')]);
  m.press(); m.press(); m.press();
  off();
  m.press();
  assert.deepEqual(seen, ['stop', 'abort', 'abort']);
});

test('a job in stages shows each stage under its own label and unit, without a loss; a stage of total 0 shows its time only', async () => {
  const m = memoryIO();
  const value = await runJob<number>({ moduleUrl: COUNT.moduleUrl, exportName: 'stagedJob', input: { n: 40 } }, {
    io: m.io, progress: { enabled: true, label: 'staged', unit: 'step' }, stopping: 's',
  });
  assert.equal(value, 40);
  const lines = m.err().split('\n').filter((l) => l !== '');
  assert.match(lines[0], /^staged \(first stage\): column 0\/40 \(0%\), \d+\.\d s$/);
  assert.ok(lines.some((l) => /^staged \(first stage\): column 40\/40 \(100%\), \d+\.\d s$/.test(l)), m.err());
  assert.match(lines[lines.length - 1], /^staged \(second stage\), \d+\.\d s$/);
  assert.ok(!m.err().includes('loss'), 'stages show no loss');
  const first = lines.findIndex((l) => l.includes('second stage'));
  assert.ok(lines.slice(first).every((l) => l.includes('second stage')), 'the first stage has ended when the second begins');
});

test('a job serves what the parent sends, in order, also what was sent before it started listening', async () => {
  const got: unknown[] = [];
  const job = startJob<number>({ moduleUrl: COUNT.moduleUrl, exportName: 'squareJob', input: null }, { onPost: (d) => { got.push(d); } });
  for (const x of [2, 3]) job.send(x);
  await until(() => got.length === 2);
  job.send(4);
  job.send(null);
  assert.equal(await job.result, 3);
  assert.deepEqual(got, [4, 9, 16]);
});
