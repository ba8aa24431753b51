import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../../src/data/npy.ts';
import { decodeWeights } from '../../src/data/npz.ts';
import { zeros } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';
import { type Run, type Started, startDln } from '../helpers/cli.ts';


const start = (args: readonly string[]): Started => startDln(['pgd', ...args], dir);

/** Runs `node bin/dln.js pgd args…` in the test directory. */
const pgd = (args: readonly string[]): Promise<Run> => start(args).done;

interface PgdJson {
  status: string; iterations: number; perturbations: number; loss: number; gradNorm: number; dims: number[]; out?: string;
  weights: number[][][];
  constants: { d: number; beta: number; rho: number; epsilon: number; c: number; delta: number; deltaF: number; chi: number; eta: number; r: number; gThres: number; fThres: number; tThres: number; epsilonInRange: boolean };
}

function ok(r: Run): PgdJson {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PgdJson;
}

/** The constants of THEORY §6.5 recomputed from d, β, ρ, ε, c, δ, Δf. */
function checkConstants(k: PgdJson['constants']): void {
  const near = (a: number, b: number, what: string): void => { assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${what}: ${a} vs ${b}`); };
  const chi = 3 * Math.max(Math.log((k.d * k.beta * k.deltaF) / (k.c * k.epsilon ** 2 * k.delta)), 4);
  near(k.chi, chi, 'χ');
  near(k.eta, k.c / k.beta, 'η');
  near(k.r, (Math.sqrt(k.c) / chi ** 2) * (k.epsilon / k.beta), 'r');
  near(k.gThres, (Math.sqrt(k.c) / chi ** 2) * k.epsilon, 'g_thres');
  near(k.fThres, (k.c / chi ** 3) * Math.sqrt(k.epsilon ** 3 / k.rho), 'f_thres');
  assert.equal(k.tThres, Math.ceil((chi / k.c ** 2) * (k.beta / Math.sqrt(k.rho * k.epsilon))));
}

let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dln-pgd-'));
  const rng = new Rng(8);
  const x = zeros(25, 3), y = zeros(25, 2);
  rng.fillNormal(x.data);
  rng.fillNormal(y.data);
  writeFileSync(join(dir, 'X.npy'), encodeNpy(x));
  writeFileSync(join(dir, 'Y.npy'), encodeNpy(y));
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('dln pgd', () => {
  test('from the origin at depth 2 (THEORY §8.9) it perturbs, escapes and returns the global minimum; --out holds the returned weights', async () => {
    const p = ok(await pgd(['--data', 'ln-pgd', '--dims', '2,2,2', '--init', 'zero', '--epsilon', '1e-3', '--out', 'w2.npz', '--json']));
    assert.equal(p.status, 'returned');
    assert.ok(p.perturbations >= 1);
    assert.ok(p.loss < 1e-20, `loss ${p.loss}`);
    assert.deepEqual([p.constants.d, p.constants.epsilon, p.constants.c, p.constants.delta, p.constants.deltaF], [8, 1e-3, 0.5, 0.1, 0.625]);
    checkConstants(p.constants);
    const w = decodeWeights(readFileSync(join(dir, 'w2.npz')));
    assert.deepEqual(w.map((m) => Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)))), p.weights);
  });

  test('from the origin at depth 3 it returns the origin itself (a non-strict saddle is ε-second-order stationary)', async () => {
    const p = ok(await pgd(['--data', 'ln-pgd', '--dims', '2,2,2,2', '--init', 'zero', '--epsilon', '1e-3', '--json']));
    assert.equal(p.status, 'returned');
    assert.equal(p.perturbations, 1);
    assert.equal(p.loss, 0.625);
    assert.equal(p.iterations, p.constants.tThres);
    assert.ok(p.weights.flat(2).every((v) => v === 0));
    assert.equal(p.out, undefined);
  });

  test('on report-sec4 and on .npy files: the JSON fields and constants, a loss below half of L(W(0)) − L_OLS, and --max-iterations', async () => {
    const [sec4, capped] = await Promise.all([
      pgd(['--data', 'report-sec4', '--seed', '1', '--dims', '5,4,4,5', '--epsilon', '1', '--json']),
      pgd(['--x', 'X.npy', '--y', 'Y.npy', '--dims', '3,4,2', '--epsilon', '1e-2', '--max-iterations', '7', '--json']),
    ]);
    const a = ok(sec4);
    assert.equal(a.status, 'returned');
    assert.deepEqual(a.dims, [5, 4, 4, 5]);
    assert.ok(a.constants.epsilonInRange);
    checkConstants(a.constants);
    assert.ok(a.loss < 0.5 * a.constants.deltaF, 'left the plateau of the small start');
    assert.ok(a.gradNorm <= 1, 'ε-first-order stationary');
    const b = ok(capped);
    assert.deepEqual([b.status, b.iterations], ['max-iterations', 7]);
    assert.deepEqual(b.weights.map((w) => [w.length, w[0].length]), [[4, 3], [2, 4]]);
    checkConstants(b.constants);
  });

  test('a --delta outside (0, 1) or a missing --epsilon is one line and exit 2, with no file written', async () => {
    const [delta, eps] = await Promise.all([
      pgd(['--data', 'ln-pgd', '--dims', '2,2,2', '--epsilon', '1e-3', '--delta', '1.5', '--out', 'bad.npz']),
      pgd(['--data', 'ln-pgd', '--dims', '2,2,2', '--out', 'bad.npz']),
    ]);
    for (const [r, msg] of [[delta, /--delta must be a number strictly between 0 and 1, got '1\.5'/], [eps, /--epsilon/]] as const) {
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^dln: [^\n]+\n$/);
      assert.match(r.stderr, msg);
    }
    assert.equal(existsSync(join(dir, 'bad.npz')), false);
  });

  test('progress goes to stderr as plain lines off a terminal, and --no-progress leaves stderr empty', async () => {
    const args = ['--data', 'ln-pgd', '--dims', '2,2,2,2', '--init', 'zero', '--epsilon', '1e-3', '--json'];
    const [shown, quiet] = await Promise.all([pgd(args), pgd([...args, '--no-progress'])]);
    const p = ok(shown);
    assert.match(shown.stderr, /^pgd: step 0\/1000000 \(0%\), \d+\.\d s$/m);
    assert.match(shown.stderr, new RegExp(`^pgd: step ${p.iterations}/1000000 \\(\\d+%\\), loss 6\\.2500e-1, \\d+\\.\\d s\n$`, 'm'));
    assert.deepEqual(ok(quiet), p);
    assert.equal(quiet.stderr, '');
  });

  test('SIGINT stops after the current iteration: status interrupted, the iterate reached in the JSON and in --out, exit 130', { timeout: 60000 }, async () => {
    // A step η = c/β far too small to get anywhere: the run would go on for minutes.
    const cut = start(['--x', 'X.npy', '--y', 'Y.npy', '--dims', '3,4,2', '--beta', '1e6', '--rho', '1e3', '--epsilon', '1e-3', '--max-iterations', '100000000', '--out', 'cut.npz', '--json']);
    await cut.stderrHas('pgd: step 0/100000000');
    await new Promise((r) => setTimeout(r, 200));
    cut.child.kill('SIGINT');
    const r = await cut.done;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /^dln: Ctrl-C: stopping after the current iteration/m);
    const p = JSON.parse(r.stdout) as PgdJson;
    assert.equal(p.status, 'interrupted');
    assert.ok(p.iterations > 0 && p.iterations < 100000000, `stopped at iteration ${p.iterations}`);
    assert.ok(Number.isFinite(p.loss) && Number.isFinite(p.gradNorm));
    checkConstants(p.constants);
    const w = decodeWeights(readFileSync(join(dir, 'cut.npz')));
    assert.deepEqual(w.map((m) => Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)))), p.weights);
  });
  test('a run that uses its iterations is converged by dln train\'s rule (gradient at rounding level), and max-iterations otherwise', async () => {
    const args = ['--data', 'ln-pgd', '--dims', '2,2,2', '--init', 'zero', '--epsilon', '1e-3', '--seed', '3', '--json', '--no-progress'];
    const long = ok(await pgd([...args, '--max-iterations', '1500']));
    // From the origin PGD escapes and reaches the global minimum L* = 0 well within 1500 iterations.
    assert.equal(long.iterations, 1500);
    assert.ok(long.loss < 1e-25 && long.gradNorm < 1e-12, `loss ${long.loss}, gradient ${long.gradNorm}`);
    assert.equal(long.status, 'converged');
    const short = ok(await pgd([...args, '--max-iterations', '20']));
    assert.ok(short.loss > 0.6, `still near the origin: loss ${short.loss}`);
    assert.equal(short.status, 'max-iterations');
    const text = await pgd(args.filter((a) => a !== '--json').concat('--max-iterations', '1500'));
    assert.match(text.stdout, /^converged after 1500 iterations and 1 perturbation\n/);
  });
});
