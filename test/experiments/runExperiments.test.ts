import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError } from '../../src/errors.ts';
import { type ExperimentTask, runExperiments } from '../../src/node/runExperiments.ts';
import { smoke } from '../../src/experiments/smoke.ts';
import { useBackend } from '../../src/linalg/backends/selectBackend.ts';

test('a task that throws ends failed with its error class and message, and the next task still runs to done', async () => {
  const tasks: ExperimentTask[] = [{ name: 'no-such', quick: true, seed: 1 }, { name: 'smoke', quick: true, seed: 1 }];
  const order: string[] = [];
  const ends = await runExperiments(tasks, { jobs: 1, onStart: (t) => order.push(`start ${t.name}`), onEnd: (e) => order.push(`${e.state} ${e.task.name}`) }).done;
  assert.deepEqual(order, ['start no-such', 'failed no-such', 'start smoke', 'done smoke']);
  const [bad, good] = ends;
  assert.equal(bad.state, 'failed');
  assert.ok(bad.state === 'failed' && bad.error instanceof ArgumentError && /^unknown experiment 'no-such'/.test(bad.error.message));
  assert.ok(good.state === 'done');
  // The same kernels as the worker (DLN_BACKEND, else the fastest available, one BLAS thread).
  useBackend(undefined, { threads: 1 });
  const direct = await smoke.run(smoke.quick, { quick: true, seed: 1 });
  assert.deepEqual(good.outcome.result.tables, direct.tables, 'a worker computes what a direct call computes');
  assert.deepEqual(good.outcome.result.figures.map((f) => f.name), ['loss', 'singular-values']);
  assert.ok(good.outcome.result.figures.every((f) => f.svg.startsWith('<svg') && f.png.length > 1000));
});

test('abort() kills the running task (it ends aborted) and never starts the others', async () => {
  const tasks: ExperimentTask[] = [{ name: 'smoke-long', quick: false, seed: 1 }, { name: 'smoke', quick: true, seed: 1 }];
  const pool = runExperiments(tasks, {
    jobs: 1,
    onProgress: () => pool.abort(),
  });
  const ends = await pool.done;
  assert.deepEqual(ends.map((e) => e.state), ['aborted', 'not-started']);
  assert.deepEqual(pool.running(), []);
});

test('stopStarting() before the first start settles at once with every task not started', async () => {
  const pool = runExperiments([{ name: 'smoke', quick: true, seed: 1 }], { jobs: 2 });
  pool.stopStarting();
  assert.deepEqual((await pool.done).map((e) => e.state), ['not-started']);
});
