import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/run.ts';
import { parseNpy } from '../../src/data/npy.ts';
import { encodeWeights } from '../../src/data/npz.ts';
import { type Mat, zeros } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';
import { type Run, startDln } from '../helpers/cli.ts';
import { hasNumpy, python } from '../helpers/numpy.ts';

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
function memoryIO(env: NodeJS.ProcessEnv = {}): { io: CliIO; err: () => string; out: () => string; press: () => void } {
  let out = '', err = '';
  const handlers: (() => void)[] = [];
  const sink = (append: (s: string) => void): Writable => new Writable({ write(c: Buffer | string, _e, cb) { append(c.toString()); cb(); } });
  const io: CliIO = {
    stdout: sink((s) => { out += s; }),
    stderr: sink((s) => { err += s; }),
    env,
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

test('weights whose Hessian does not fit the memory limit are refused before any work: one line with the estimate, the limit and the way out', async () => {
  const m = memoryIO({ DLN_MEMORY_LIMIT: '100M' });
  assert.equal(await main(['hessian', ...SEC4, '--weights', join(dir, 'wide.npz')], m.io), 2);
  // Lanczos: 201 Krylov vectors of 93000 numbers.
  assert.equal(m.err(), `dln: the Hessian of ${join(dir, 'wide.npz')} (93000 parameters, by Lanczos) needs about 155 MB of memory (Krylov vectors 150 MB, workspaces 5.95 MB; mostly Krylov vectors), more than the limit of 100 MB (DLN_MEMORY_LIMIT); use weights of smaller widths, or set DLN_MEMORY_LIMIT higher if the machine has the memory\n`);
  assert.equal(m.out(), '');
});

describe('dln hessian under Ctrl-C', { concurrency: 1, timeout: 300000 }, () => {
  test('SIGINT during Lanczos: exit 130, the estimates reached are reported with status interrupted', async () => {
    const run = startDln(['hessian', ...SEC4, '--weights', 'wide.npz', '--json', '--out', 'wide.json'], dir);
    await run.stderrHas('hessian (running Lanczos on Hessian-vector products): iteration');
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /^dln: Ctrl-C: stopping at the next column or iteration \(Ctrl-C again quits without saving\)$/m);
    assert.match(r.stderr, /^dln: warning: Lanczos was stopped after \d+ iterations: λ_min and λ_max are estimates/m);
    const h = JSON.parse(r.stdout) as { status: string; method: string; parameters: number; lanczos: { iterations: number; stopped: boolean; converged: boolean } };
    assert.deepEqual([h.status, h.method, h.parameters, h.lanczos.stopped, h.lanczos.converged], ['interrupted', 'lanczos', 93000, true, false]);
    assert.ok(h.lanczos.iterations >= 1 && h.lanczos.iterations < 200, `iterations ${h.lanczos.iterations}`);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'wide.json'), 'utf8')), h, '--out holds what was reported');
    rmSync(join(dir, 'wide.json'));
  });

  test('SIGINT while the dense path reduces the Hessian (TypeScript kernels): exit 130, one line saying where it stopped, no result (--json: status stopped), nothing written', async () => {
    const run = startDln(['--backend', 'ts', 'hessian', ...SEC4, '--weights', 'dense.npz', '--eigenvalues', 'all', '--out', 'dense.npy', '--json'], dir);
    await run.stderrHas('hessian (computing the eigenvalues of the 3000×3000 Hessian): column');
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /^dln: stopped while computing the eigenvalues of the 3000×3000 Hessian \(column \d+ of 2999\): the dense path has no partial result, so nothing is reported$/m);
    const json = JSON.parse(r.stdout) as { status: string; stage: string; done: number; total: number };
    assert.deepEqual([json.status, json.stage, json.total], ['stopped', 'eigenvalues', 2999]);
    assert.ok(json.done >= 1 && json.done < 2999 && r.stderr.includes(`(column ${json.done} of 2999)`));
    assert.ok(!readdirSync(dir).some((f) => f.startsWith('dense.npy') || f.startsWith('.dense.npy')), 'nothing written for --out');
  });

  test('a second Ctrl-C quits at once: exit 130, nothing on stdout', async () => {
    const run = startDln(['hessian', ...SEC4, '--weights', 'wide.npz', '--json'], dir);
    await run.stderrHas('hessian (running Lanczos on Hessian-vector products)');
    run.child.kill('SIGINT');
    await run.stderrHas('Ctrl-C again quits without saving');
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /second Ctrl-C: quitting without saving/);
    assert.equal(r.stdout, '');
    assert.deepEqual(readdirSync(dir).sort(), ['dense.npz', 'small.npz', 'wide.npz']);
  });
});

describe('dln hessian --eigenvalues all', { concurrency: 1, timeout: 120000 }, () => {
  test('text mode summarises the spectrum: the count, the counts by sign at the tolerance, the 5 smallest and largest; not the full list', async () => {
    const [text, json] = await Promise.all([dln(['--weights', 'small.npz', '--eigenvalues', 'all']), dln(['--weights', 'small.npz', '--eigenvalues', 'all', '--json'])]);
    assert.equal(text.code, 0, text.stderr);
    const h = JSON.parse(json.stdout) as { eigenvalues: number[]; tolerance: number; negative: number; zero: number; hessianVerdict: string };
    const ev = h.eigenvalues, tol = h.tolerance;
    assert.equal(ev.length, 56);
    const negative = ev.filter((v) => v < -tol).length, zero = ev.filter((v) => Math.abs(v) <= tol).length;
    assert.deepEqual([h.negative, h.zero], [negative, zero]);
    const lines = text.stdout.split('\n');
    assert.ok(lines.includes(`  Hessian eigenvalues     56 (dense): ${negative} negative, ${zero} zero (|λ| ≤ ${tol.toExponential(2)}), ${56 - negative - zero} positive`), text.stdout);
    const shown = (label: string): number[] => {
      const line = lines.find((l) => l.startsWith(`    ${label}`));
      assert.ok(line !== undefined, `no line '${label}' in ${text.stdout}`);
      return line.slice(26).split(/ {2}/).map(Number);
    };
    // 7 significant digits on the terminal
    const close = (a: number[], b: number[]): void => { a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-6 * Math.abs(b[i]), `${v} vs ${b[i]}`)); };
    close(shown('5 smallest'), ev.slice(0, 5));
    close(shown('5 largest'), ev.slice(51));
    assert.match(text.stdout, /^ {4}full list {13}with --json, or --out FILE\.json \/ FILE\.npy$/m);
    assert.match(text.stdout, new RegExp(`^  Hessian verdict {9}${h.hessianVerdict}: `, 'm'));
    // The full list is not printed: no more numbers than the summary holds.
    assert.ok((text.stdout.match(/-?\d+\.\d+(e[-+]\d+)?/g) ?? []).length < 25, text.stdout);
  });

  test('--out FILE.npy holds every eigenvalue, ascending, bit for bit those of --json; numpy reads a vector', async () => {
    const [r, json] = await Promise.all([dln(['--weights', 'small.npz', '--eigenvalues', 'all', '--out', 'spectrum.npy']), dln(['--weights', 'small.npz', '--eigenvalues', 'all', '--json'])]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}eigenvalues in {10}spectrum\.npy$/m);
    assert.doesNotMatch(r.stdout, /full list/);
    const npy = parseNpy(readFileSync(join(dir, 'spectrum.npy')), 'spectrum.npy');
    assert.deepEqual(npy.shape, [56]);
    assert.deepEqual(Array.from(npy.data), (JSON.parse(json.stdout) as { eigenvalues: number[] }).eigenvalues);
    if (hasNumpy()) {
      const out = JSON.parse(python(`
import numpy as np, sys, json
a = np.load(sys.argv[1])
print(json.dumps({'shape': list(a.shape), 'dtype': str(a.dtype), 'sorted': bool(np.all(np.diff(a) >= 0))}))`, join(dir, 'spectrum.npy'))) as unknown;
      assert.deepEqual(out, { shape: [56], dtype: 'float64', sorted: true });
    }
    // An existing file is not replaced without --force, and stays as it was.
    const before = readFileSync(join(dir, 'spectrum.npy'));
    const again = await dln(['--weights', 'small.npz', '--eigenvalues', 'all', '--out', 'spectrum.npy']);
    assert.equal(again.code, 2);
    assert.equal(again.stderr, 'dln: --out spectrum.npy already exists (dln does not overwrite files; add --force to replace it)\n');
    assert.ok(readFileSync(join(dir, 'spectrum.npy')).equals(before));
    rmSync(join(dir, 'spectrum.npy'));
  });

  test('--out FILE.json holds the fields of --json; a .npy without --eigenvalues all, another extension or an input file is exit 2 before any work', async () => {
    const [r, json] = await Promise.all([dln(['--weights', 'small.npz', '--out', 'result.json']), dln(['--weights', 'small.npz', '--json'])]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}result in {15}result\.json$/m);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')), JSON.parse(json.stdout));
    rmSync(join(dir, 'result.json'));
    const cases: [string[], string][] = [
      [['--out', 'e.npy'], 'dln: --out e.npy: a .npy file holds every eigenvalue, which needs --eigenvalues all; or give a .json file\n'],
      [['--out', 'e.txt'], 'dln: --out e.txt: give a .json file (the result) or a .npy file (the eigenvalues)\n'],
    ];
    for (const [args, message] of cases) {
      const bad = await dln(['--weights', 'small.npz', ...args]);
      assert.deepEqual([bad.code, bad.stderr, bad.stdout], [2, message, '']);
    }
    writeFileSync(join(dir, 'w.json'), '{}');
    const input = await dln(['--weights', 'w.json', '--out', 'w.json', '--force']);
    assert.equal(input.code, 2);
    assert.match(input.stderr, /^dln: --out w\.json is one of this command's input files; write the result to another file\n$/);
    assert.equal(readFileSync(join(dir, 'w.json'), 'utf8'), '{}');
    rmSync(join(dir, 'w.json'));
    assert.ok(!existsSync(join(dir, 'e.npy')) && !existsSync(join(dir, 'e.txt')));
  });
});
