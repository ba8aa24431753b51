import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/run.ts';
import { encodeWeights } from '../../src/data/npz.ts';
import { type Mat, zeros } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';
import { type Run, startDln } from '../helpers/cli.ts';

let dir = '';
const SEC4 = ['--data', 'report-sec4'];
const dln = (args: readonly string[]): Promise<Run> => startDln(['hessian', ...SEC4, ...args], dir).done;

/** Gaussian weights of the given widths (std 0.05), written to name. */
function writeWeights(name: string, dims: readonly number[], seed: number): void {
  const rng = new Rng(seed);
  const weights: Mat[] = dims.slice(1).map((d, j) => { const w = zeros(d, dims[j]); rng.fillNormal(w.data, 0.05); return w; });
  writeFileSync(join(dir, name), encodeWeights(weights));
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dln-hessian-'));
  writeWeights('small.npz', [5, 4, 4, 5], 1);   //  56 parameters: no progress display
  writeWeights('dense.npz', [5, 50, 50, 5], 2);  // 3000: the dense path's largest size
  writeWeights('wide.npz', [5, 300, 300, 5], 3); // 93000: Lanczos
});
after(() => { rmSync(dir, { recursive: true, force: true }); });

/** An in-memory CliIO whose Ctrl-C the test presses; main() runs in this process (the work still runs in a worker thread). */
function memoryIO(): { io: CliIO; err: () => string; out: () => string; press: () => void } {
  let out = '', err = '';
  const handlers: (() => void)[] = [];
  const sink = (append: (s: string) => void): Writable => new Writable({ write(c: Buffer | string, _e, cb) { append(c.toString()); cb(); } });
  const io: CliIO = {
    stdout: sink((s) => { out += s; }),
    stderr: sink((s) => { err += s; }),
    env: {},
    onInterrupt(h) { handlers.push(h); return () => { handlers.splice(handlers.indexOf(h), 1); }; },
  };
  return { io, out: () => out, err: () => err, press: () => { for (const h of [...handlers]) h(); } };
}

describe('dln hessian progress', { concurrency: 1, timeout: 300000 }, () => {
  test('small weights show no progress: stderr stays empty', async () => {
    const r = await dln(['--weights', 'small.npz', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal((JSON.parse(r.stdout) as { status: string }).status, 'complete');
  });

  test('large weights show each stage on stderr as plain lines off a terminal; --no-progress silences them', async () => {
    const r = await dln(['--weights', 'dense.npz', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^hessian \(building the dense 3000×3000 Hessian\): column 0\/3000 \(0%\), \d+\.\d s$/m);
    assert.match(r.stderr, /^hessian \(building the dense 3000×3000 Hessian\): column 3000\/3000 \(100%\), \d+\.\d s$/m);
    assert.match(r.stderr, /^hessian \(computing the eigenvalues of the 3000×3000 Hessian\)/m);
    assert.ok(!r.stderr.includes('\x1b'), 'no terminal escape codes');
    const h = JSON.parse(r.stdout) as { status: string; method: string; parameters: number };
    assert.deepEqual([h.status, h.method, h.parameters], ['complete', 'dense', 3000]);
    const quiet = await dln(['--weights', 'dense.npz', '--json', '--no-progress']);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, '');
    assert.equal(quiet.stdout, r.stdout, 'the display changes nothing in the result');
  });
});

describe('dln hessian under Ctrl-C', { concurrency: 1, timeout: 300000 }, () => {
  test('SIGINT during Lanczos: exit 130, the estimates reached are reported with status interrupted', async () => {
    const run = startDln(['hessian', ...SEC4, '--weights', 'wide.npz', '--json'], dir);
    await run.stderrHas('hessian (running Lanczos on Hessian-vector products): iteration');
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /^dln: Ctrl-C: stopping at the next column or iteration \(Ctrl-C again quits without saving\)$/m);
    assert.match(r.stderr, /^dln: warning: Lanczos was stopped after \d+ iterations: λ_min and λ_max are estimates/m);
    const h = JSON.parse(r.stdout) as { status: string; method: string; parameters: number; lanczos: { iterations: number; stopped: boolean; converged: boolean } };
    assert.deepEqual([h.status, h.method, h.parameters, h.lanczos.stopped, h.lanczos.converged], ['interrupted', 'lanczos', 93000, true, false]);
    assert.ok(h.lanczos.iterations >= 1 && h.lanczos.iterations < 200, `iterations ${h.lanczos.iterations}`);
  });

  test('SIGINT while the dense path reduces the Hessian (TypeScript kernels): exit 130, one line saying where it stopped, no result', async () => {
    const run = startDln(['--backend', 'ts', 'hessian', ...SEC4, '--weights', 'dense.npz'], dir);
    await run.stderrHas('hessian (computing the eigenvalues of the 3000×3000 Hessian): column');
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /^dln: stopped while computing the eigenvalues of the 3000×3000 Hessian \(column \d+ of 2999\): the dense path has no partial result, so nothing is reported$/m);
    assert.equal(r.stdout, '');
  });

  test('a second Ctrl-C quits at once: exit 130, nothing on stdout', async () => {
    const m = memoryIO();
    const running = main(['hessian', ...SEC4, '--weights', join(dir, 'wide.npz'), '--json'], m.io);
    while (!m.err().includes('running Lanczos')) await new Promise((r) => setTimeout(r, 10));
    m.press();
    m.press();
    assert.equal(await running, 130);
    assert.match(m.err(), /second Ctrl-C: quitting without saving/);
    assert.equal(m.out(), '');
    assert.deepEqual(readdirSync(dir).sort(), ['dense.npz', 'small.npz', 'wide.npz']);
  });
});
