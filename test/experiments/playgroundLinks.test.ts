// The report's ▶ links: the playground configuration a figure links to starts the figure's run again,
// with the experiment's losses bit for bit on the same kernels (the WASM ones, the page's).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend, type KernelBackend } from '../../src/linalg/backend.ts';
import { createWasmBackend, readWasmKernels } from '../../src/linalg/backends/wasmBackend.ts';
import { plateaus } from '../../src/experiments/plateaus.ts';
import { mnistPlateaus } from '../../src/experiments/mnist-plateaus.ts';
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
