import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, type Run, dlnHere, workDir } from '../helpers/cli.ts';
// The cases of dln's hardening catalogue (inputs that once crashed, overwrote or stalled), one or more
// tests each: 1 widths too large for memory, 2 --steps too many to record, 3 --out FILE over a user's
// file, 4 reproduce --out over a user's folder, 5–6 an unwritable output folder found only after the
// work, 7 an .npz as data, 8 messages with internal names, 9 --help examples that fail (helpExamples.test.ts),
// 10 the README's claims, 11 the permissions of output folders.
import { encodeNpy } from '../../src/data/npy.ts';
import { encodeNpz } from '../../src/data/npz.ts';
import { type Mat, zeros } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';

/** Runs `node bin/dln.js args…` in cwd with extra environment. */
function dln(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'dln-hardening-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

/** Exit 2, exactly one line on stderr matching each pattern, nothing written into dir. */
function refused(r: Run, ...patterns: RegExp[]): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|at .*\.ts:\d+/);
  for (const p of patterns) assert.match(lines[0], p);
  assert.deepEqual(readdirSync(dir), []);
}

const train = ['train', '--data', 'report-sec4', '--lr', '1e-5', '--no-progress'];

test('case 1: a network too large for the memory limit is refused before any work, naming size, estimate, limit and way out', async () => {
  refused(await dln([...train, '--dims', '5,100000,5', '--steps', '10', '--out', 'run'], dir, { DLN_MEMORY_LIMIT: '20M' }),
    /--dims 5,100000,5/, /needs about \d+(\.\d+)? MB of memory \(weights 8\.00 MB/, /limit of 20\.0 MB \(DLN_MEMORY_LIMIT\)/, /use smaller widths/);
  refused(await dln([...train, '--dims', '5,1000000000,5', '--steps', '10'], dir),
    /--dims 5,1000000000,5/, /needs an array of 2\.00e\+10 numbers/, /use smaller widths/);
  refused(await dln([...train, '--dims', '5,4,5', '--steps', '10'], dir, { DLN_MEMORY_LIMIT: 'lots' }), /DLN_MEMORY_LIMIT must be a size such as 8G/);
});

test('case 2: --steps 1e15 is refused as more steps than dln runs; 10⁹ steps are refused for their trajectory.csv on disk (with --record-every as the way out), GD and flow alike; in memory they fit', async () => {
  refused(await dln([...train, '--dims', '5,4,5', '--steps', '1e15', '--out', 'run'], dir), /--steps must be an integer in 0\.\.1000000000 \(the most steps dln runs\), got '1e15'/);
  // 100 features in and out: a record of 10⁹ steps is ~2.6 kB of trajectory.csv, terabytes in all, more than any disk here holds.
  const files = mkdtempSync(join(tmpdir(), 'dln-wide-data-'));
  try {
    const rng = new Rng(5), x: Mat = zeros(200, 100), y: Mat = zeros(200, 100);
    rng.fillNormal(x.data); rng.fillNormal(y.data);
    writeFileSync(join(files, 'X.npy'), encodeNpy(x));
    writeFileSync(join(files, 'Y.npy'), encodeNpy(y));
    const data = ['--x', join(files, 'X.npy'), '--y', join(files, 'Y.npy'), '--dims', '100,100', '--no-progress'];
    refused(await dln(['train', ...data, '--lr', '1e-5', '--steps', '1e9', '--record-every', '1', '--out', 'run'], dir),
      /1000000000 steps records 100000000[12] rows into trajectory\.csv, about \d+(\.\d+)? TB, more than the .* free on the disk of/, /--record-every \d+ or more/);
    const flow = ['train', ...data, '--flow', '--t-end', '1e-3', '--steps', '1e9', '--record-every', '1'];
    refused(await dln([...flow, '--out', 'run'], dir), /gradient flow for 1000000000 steps records 100000000[12] rows into trajectory\.csv/, /--record-every \d+ or more/);
    // The records kept in memory are bounded (decimated), so without --out the run is not refused: it ends at t_end.
    const r = await dln([...flow, '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { status: string }).status, 'end-time');
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
  assert.deepEqual(readdirSync(dir), []);
});

test('case 1: --dims 5,30000,5 trains (wide layers cost their parameters) and 5,10000,5 is not refused', async () => {
  const r = await dln([...train, '--dims', '5,30000,5', '--steps', '3', '--record-every', '1', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { steps: number; balancedness: number; drift: number };
  assert.equal(s.steps, 3);
  assert.ok(Number.isFinite(s.balancedness) && s.balancedness > 0 && Number.isFinite(s.drift));
});

test('the summary names the critical value the loss reached and says converged at rounding level', async () => {
  const r = await dln(['train', '--data', 'report-sec4', '--dims', '5,4,4,5', '--init', 'gaussian', '--init-std', '0.05', '--lr', '2e-5',
    '--steps', '3000', '--seed', '1', '--no-progress', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { status: string; loss: number; criticalValue: { kind: string; rank: number; rMax: number; nearest: number; gradientAtRounding: boolean } };
  assert.equal(s.status, 'converged');
  assert.equal(s.criticalValue.kind, 'global-minimum');
  assert.equal(s.criticalValue.rank, 4);
  assert.ok(Math.abs(s.loss - s.criticalValue.nearest) <= 1e-9 * s.loss);
  const text = await dln(['train', '--data', 'report-sec4', '--dims', '5,4,4,5', '--init', 'gaussian', '--init-std', '0.05', '--lr', '2e-5',
    '--steps', '200', '--seed', '1', '--no-progress'], dir);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^max-steps after 200 steps/);
  assert.match(text.stdout, /where {10}(on a plateau|at no critical value)/);
});

test('case 7: an .npz given as data needs --x-key/--y-key unless it holds one array, and the message lists its arrays', async () => {
  const files = mkdtempSync(join(tmpdir(), 'dln-npz-'));
  try {
    const rng = new Rng(4), x: Mat = zeros(40, 3), y: Mat = zeros(40, 2);
    rng.fillNormal(x.data); rng.fillNormal(y.data);
    writeFileSync(join(files, 'D.npz'), encodeNpz({ X: x, Y: y }));
    writeFileSync(join(files, 'one.npz'), encodeNpz({ inputs: x }));
    writeFileSync(join(files, 'Y.npy'), encodeNpy(y));
    const critical = ['critical', '--dims', '3,2,2'];
    const expectOneLine = (r: Run, re: RegExp): void => {
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1);
      assert.match(r.stderr, re);
    };
    expectOneLine(await dln([...critical, '--x', 'D.npz', '--y', 'Y.npy'], files), /D\.npz holds the arrays X, Y: say which is the data with --x-key NAME/);
    expectOneLine(await dln([...critical, '--x', 'D.npz', '--x-key', 'Z', '--y', 'Y.npy'], files), /D\.npz has no array 'Z' \(it holds the arrays X, Y\)/);
    expectOneLine(await dln([...critical, '--x', 'one.npz', '--y', 'Y.npy', '--y-key', 'Y'], files), /--y-key chooses an array of an \.npz file, but Y\.npy is a \.npy file/);
    const both = await dln([...critical, '--x', 'D.npz', '--x-key', 'X', '--y', 'D.npz', '--y-key', 'Y', '--json'], files);
    assert.equal(both.code, 0, both.stderr);
    const single = await dln([...critical, '--x', 'one.npz', '--y', 'Y.npy', '--json'], files);
    assert.equal(single.code, 0, single.stderr);
    // The same arrays, chosen by key or as the only one: the same critical values (to rounding).
    const losses = (r: Run): number[] => (JSON.parse(r.stdout) as { criticalPoints: { loss: number }[] }).criticalPoints.map((c) => c.loss);
    const a = losses(single), b = losses(both);
    assert.equal(a.length, b.length);
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-12 * Math.abs(b[i]), `${v} vs ${b[i]}`));
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
});

test('case 3: an --out file never overwrites what dln did not write: existing files need --force, inputs never, a path under a file is refused', async () => {
  const files = mkdtempSync(join(tmpdir(), 'dln-out-'));
  try {
    const rng = new Rng(5), x: Mat = zeros(30, 3), y: Mat = zeros(30, 2);
    rng.fillNormal(x.data); rng.fillNormal(y.data);
    const xBytes = encodeNpy(x);
    writeFileSync(join(files, 'X.npy'), xBytes);
    writeFileSync(join(files, 'Y.npy'), encodeNpy(y));
    writeFileSync(join(files, 'mine.npz'), 'the user\'s own file');
    const cp = ['critical-point', '--x', 'X.npy', '--y', 'Y.npy', '--dims', '3,2,2', '--subset', '1'];
    const once = (r: Run, re: RegExp): void => {
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1);
      assert.match(r.stderr, re);
    };
    once(await dln([...cp, '--out', 'X.npy', '--force'], files), /--out X\.npy is one of this command's input files; write the result to another file/);
    once(await dln([...cp, '--out', 'mine.npz'], files), /--out mine\.npz already exists \(dln does not overwrite files; add --force to replace it\)/);
    // Root ignores permissions, so an unwritable place is made honestly: a path whose folder is a regular file.
    once(await dln([...cp, '--out', 'Y.npy/W.npz'], files), /a part of the path is a file, not a folder/);
    once(await dln(['pgd', '--x', 'X.npy', '--y', 'Y.npy', '--dims', '3,2,2', '--epsilon', '1e-3', '--out', 'Y.npy', '--no-progress'], files), /one of this command's input files/);
    assert.deepEqual(readdirSync(files).sort(), ['X.npy', 'Y.npy', 'mine.npz']);
    assert.equal(Buffer.compare(readFileSync(join(files, 'X.npy')), Buffer.from(xBytes)), 0);
    assert.equal(readFileSync(join(files, 'mine.npz'), 'utf8'), 'the user\'s own file');
    const forced = await dln([...cp, '--out', 'mine.npz', '--force', '--json'], files);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(readFileSync(join(files, 'mine.npz'), 'utf8'), 'the user\'s own file');
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
});

/** Every file and folder under root with its content (folders as '/'), to show that a command changed nothing. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel))) {
      const p = join(rel, name), st = statSync(join(root, p));
      out[p] = st.isDirectory() ? '/' : readFileSync(join(root, p), 'base64');
      if (st.isDirectory()) walk(p);
    }
  };
  walk('');
  return out;
}

/** Exit 2 with exactly one line on stderr matching each pattern, no stack trace, and root unchanged since `before`. */
function refusedHere(r: Run, root: string, before: Record<string, string>, ...patterns: RegExp[]): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|EACCES|at .*\.ts:\d+/);
  for (const p of patterns) assert.match(lines[0], p);
  assert.deepEqual(tree(root), before);
}

test('case 4: reproduce --out refuses a folder it did not create, and recognises its own report (finished or stopped before the report)', async () => {
  const w = workDir('rep-out'), root = w.work;
  try {
    mkdirSync(join(root, 'mysite'));
    writeFileSync(join(root, 'mysite', 'index.html'), '<p>my own page</p>');
    writeFileSync(join(root, 'mysite', 'summary.json'), '{"mine": true}\n');
    const before = tree(root);
    refusedHere(await dlnHere(['reproduce', '--only', 'smoke', '--quick', '--out', 'mysite', '--no-progress'], root), root, before,
      /^dln: --out mysite is not empty and holds no report of dln reproduce; choose another directory$/);
    // Its own report: a later run with other experiments writes into it.
    const first = await dlnHere(['reproduce', '--only', 'smoke', '--quick', '--out', 'rep', '--no-progress'], root);
    assert.equal(first.code, 0, first.stderr);
    const second = await dlnHere(['reproduce', '--only', 'smoke-long', '--quick', '--out', 'rep', '--no-progress', '--json'], root);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout), {
      report: join(root, 'rep', 'index.html'), experiments: ['smoke', 'smoke-long'], verdicts: { agrees: 2, order: 0, differs: 0, other: 0 }, failed: 0, notStarted: [],
    });
    assert.deepEqual(readdirSync(join(root, 'rep')).sort(), ['index.html', 'smoke', 'smoke-long', 'summary.json']);
    // A run stopped before its report was written left only experiment folders: still its own.
    rmSync(join(root, 'rep', 'index.html'));
    rmSync(join(root, 'rep', 'summary.json'));
    const third = await dlnHere(['reproduce', '--only', 'smoke', '--quick', '--out', 'rep', '--no-progress'], root);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stderr, /smoke: up to date, skipped/);
    // Without a report's summary.json, a user's file beside those folders makes it not dln's own.
    rmSync(join(root, 'rep', 'index.html'));
    rmSync(join(root, 'rep', 'summary.json'));
    writeFileSync(join(root, 'rep', 'notes.txt'), 'mine');
    const withNotes = tree(root);
    refusedHere(await dlnHere(['reproduce', '--only', 'smoke', '--quick', '--out', 'rep'], root), root, withNotes, /--out rep is not empty and holds no report of dln reproduce/);
  } finally {
    w.remove();
  }
});

test('cases 5 and 6: an output folder under a file is refused before any work by experiment, reproduce, train and sweep', async () => {
  const w = workDir('out-dir'), root = w.work;
  try {
    writeFileSync(join(root, 'file'), 'not a folder');
    const before = tree(root);
    const underFile = /: a part of the path is a file, not a folder; choose another path$/;
    for (const args of [
      ['experiment', 'smoke', '--quick', '--out', 'file/pl'],
      ['reproduce', '--only', 'smoke', '--quick', '--out', 'file/rep'],
      ['train', '--data', 'report-sec4', '--dims', '5,4,5', '--lr', '1e-5', '--steps', '10', '--out', 'file/run', '--no-progress'],
      ['sweep', 'divergence-phase', '--quick', '--out', 'file/sw', '--no-progress'],
    ]) refusedHere(await dlnHere(args, root), root, before, /^dln: --out (\S+\/)?file\/\S+: /, underFile);
    refusedHere(await dlnHere(['experiment', 'smoke', '--quick', '--out', 'file'], root), root, before, /^dln: --out file: exists and is not a folder/);
  } finally {
    w.remove();
  }
});

test('cases 5 and 6: an output folder under a read-only folder is refused before any work (not after it, not as EACCES)',
  { skip: process.getuid?.() === 0 ? 'root writes into any folder' : false }, async () => {
    const w = workDir('ro'), root = w.work;
    try {
      mkdirSync(join(root, 'ro'));
      chmodSync(join(root, 'ro'), 0o555);
      const before = tree(root);
      for (const args of [
        ['experiment', 'smoke-long', '--out', 'ro/pl'],
        ['reproduce', '--only', 'smoke-long', '--out', 'ro/rep'],
        ['train', '--data', 'report-sec4', '--dims', '5,4,5', '--lr', '1e-5', '--steps', '10', '--out', 'ro/run', '--no-progress'],
        ['sweep', 'divergence-phase', '--quick', '--out', 'ro/sw', '--no-progress'],
      ]) refusedHere(await dlnHere(args, root), root, before, /^dln: --out (\S+\/)?ro\/\S+: the folder \S+\/ro is not writable; choose another path$/);
    } finally {
      chmodSync(join(root, 'ro'), 0o755);
      w.remove();
    }
  });

test('with --json, exit codes 2 and 3 put one {error, exitCode} object on stdout for every command that takes --json; text mode keeps stdout empty', async () => {
  const w = workDir('json-errors'), root = w.work;
  try {
    const bad: [string[], RegExp][] = [
      [['train', '--data', 'report-sec4', '--dims', '5,4,5', '--no-progress'], /--lr is required/],
      [['train', '--data', 'report-sec4', '--dims', '5,4,5', '--lr', '1e-5', '--bogus'], /unknown option '--bogus'/],
      [['experiment', 'no-such'], /unknown experiment 'no-such'/],
      [['reproduce', '--only', 'no-such'], /unknown experiment 'no-such'/],
      [['critical', '--data', 'report-sec4', '--dims', '4,4,5'], /\S/],
      [['critical-point', '--data', 'report-sec4', '--dims', '5,4,4,5', '--subset', '9', '--out', 'cp.npz'], /\S/],
      [['hessian', '--data', 'report-sec4', '--weights', 'missing.npz'], /missing\.npz/],
      [['bound', '--data', 'report-sec5', '--dims', '5,5,5,5', '--delta', '-1'], /--delta must be/],
      [['pgd', '--data', 'ln-pgd', '--dims', '2,2,2', '--epsilon', '-1', '--no-progress'], /--epsilon/],
      [['minima', '--data', 'no-such', '--dims', '5,5,5,5'], /no-such/],
      [['data', 'export', 'no-such', '--x', 'X.npy', '--y', 'Y.npy'], /no-such/],
      [['sweep', 'no-such.json', '--no-progress'], /no-such\.json/],
      [['sweep', 'resume', 'no-such', '--no-progress'], /no-such/],
      [['sweep', 'status', 'no-such'], /no-such/],
    ];
    for (const [args, message] of bad) {
      const text = await dlnHere(args, root);
      assert.equal(text.code, 2, `${args.join(' ')}: ${text.stderr}`);
      assert.equal(text.stdout, '', args.join(' '));
      assert.equal(text.stderr.trimEnd().split('\n').length, 1, text.stderr);
      const json = await dlnHere([...args, '--json'], root);
      assert.equal(json.code, 2, `${args.join(' ')} --json: ${json.stderr}`);
      assert.equal(json.stderr, text.stderr, 'the same line on stderr');
      const j = JSON.parse(json.stdout) as { error: string; exitCode: number };
      assert.deepEqual(Object.keys(j), ['error', 'exitCode'], args.join(' '));
      assert.equal(j.exitCode, 2);
      assert.equal(`dln: ${j.error}\n`, text.stderr);
      assert.match(j.error, message, args.join(' '));
    }
    const alpha = await dlnHere(['bound', '--data', 'report-sec5', '--dims', '5,5,5,5', '--init', 'gaussian', '--init-std', '0.2', '--delta', '1e-9', '--json'], root);
    assert.equal(alpha.code, 3, alpha.stderr);
    assert.match(alpha.stderr, /^dln: premise failed \(alpha-below-one\): [^\n]+\n$/);
    const j = JSON.parse(alpha.stdout) as { error: string; exitCode: number; premise: string };
    assert.deepEqual(Object.keys(j), ['error', 'exitCode', 'premise']);
    assert.equal(j.exitCode, 3);
    assert.equal(j.premise, 'alpha-below-one');
    // --json of sweep export names a file, and playground takes no --json: no JSON on stdout there.
    const exp = await dlnHere(['sweep', 'export', 'no-such', '--json', 'cells.json'], root);
    assert.equal(exp.code, 2, exp.stderr);
    assert.equal(exp.stdout, '');
    const pg = await dlnHere(['playground', '--json'], root);
    assert.equal(pg.code, 2, pg.stderr);
    assert.equal(pg.stdout, '');
    assert.deepEqual(readdirSync(root), []);
  } finally {
    w.remove();
  }
});

/** Samples-as-rows float16 .npy bytes of small integers (exact in float16), as numpy writes them. */
function float16Npy(rows: number, cols: number, values: (i: number) => number): Uint8Array {
  let header = `{'descr': '<f2', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const bytes = new Uint8Array(10 + header.length + 2 * rows * cols), view = new DataView(bytes.buffer);
  bytes.set([0x93, ...Buffer.from('NUMPY'), 1, 0]);
  view.setUint16(8, header.length, true);
  bytes.set(Buffer.from(header, 'latin1'), 10);
  for (let i = 0; i < rows * cols; i++) {
    const v = values(i), a = Math.abs(v);
    assert.ok(Number.isInteger(v) && a < 2048);
    const e = a === 0 ? 0 : Math.floor(Math.log2(a));
    const bits = a === 0 ? 0 : ((v < 0 ? 1 : 0) << 15) | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
    view.setUint16(10 + header.length + 2 * i, bits, true);
  }
  return bytes;
}

test('case 8: messages name no internal function and say what to do (Σ_XX singular, too many index sets)', async () => {
  const w = workDir('messages'), root = w.work;
  try {
    const rng = new Rng(8), few: Mat = zeros(3, 5), fewY: Mat = zeros(3, 5), wide: Mat = zeros(40, 25), wideY: Mat = zeros(40, 25);
    for (const m of [few, fewY, wide, wideY]) rng.fillNormal(m.data);
    writeFileSync(join(root, 'Xfew.npy'), encodeNpy(few));
    writeFileSync(join(root, 'Yfew.npy'), encodeNpy(fewY));
    writeFileSync(join(root, 'X25.npy'), encodeNpy(wide));
    writeFileSync(join(root, 'Y25.npy'), encodeNpy(wideY));
    const before = tree(root);
    const internal = /\b(nrtBound|criticalValues|estimateTrainMemory|lossAndGrad|trainGD|gradientFlow)\b/;
    const singular = await dlnHere(['bound', '--x', 'Xfew.npy', '--y', 'Yfew.npy', '--dims', '5,4,5'], root);
    assert.equal(singular.code, 3, singular.stderr);
    assert.equal(singular.stderr.trimEnd().split('\n').length, 1);
    assert.match(singular.stderr, /^dln: premise failed \(sigma-xx-singular\): Σ_XX = XXᵀ is singular/);
    assert.match(singular.stderr, /only m = 3 samples for d_x = 5 features\); the step-size bound of Theorem 2\.4 needs Σ_XX invertible \(σ_min\(X\) > 0, THEORY §4\.1\): give at least 5 samples\n$/);
    assert.doesNotMatch(singular.stderr, internal);
    const many = await dlnHere(['critical', '--x', 'X25.npy', '--y', 'Y25.npy', '--dims', '25,25,25'], root);
    refusedHere(many, root, before, /33554432 index sets/, /use smaller widths/);
    assert.doesNotMatch(many.stderr, internal);
  } finally {
    w.remove();
  }
});

test('case 10: the README states which commands take --json, as their --help does, and a float16 .npy is read', async () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
  const sentence = /`--json` \(the result as JSON on stdout\) is taken by every command that prints a result: ([^;]+); not by ([^.]+)\./.exec(readme);
  assert.ok(sentence !== null, 'the README says which commands take --json');
  const program = (await import('../../src/cli/main.ts')).createProgram({ io: {} as never, argv: [], exitCode: 0 });
  const leaves: { path: string; json: boolean }[] = [];
  const walk = (cmd: typeof program, path: string[]): void => {
    for (const sub of cmd.commands) {
      if (sub.name() === 'help') continue;
      if (sub.commands.length > 0) walk(sub, [...path, sub.name()]);
      else leaves.push({ path: [...path, sub.name()].join(' '), json: sub.options.some((o) => o.long === '--json' && !o.required && !o.optional) });
    }
  };
  walk(program, []);
  const named = (text: string): Set<string> => {
    const out = new Set<string>();
    for (const part of text.replace(/\([^)]*\)/g, '').split(/,\s*|\s+and\s+|\s+or\s+/)) {
      const words = part.trim().replace(/^and /, '').split(' ');
      // "sweep run, resume and status": a group's name carries over to the names after it.
      out.add(words.length === 1 && out.size > 0 && [...out].at(-1)!.startsWith('sweep ') && !leaves.some((l) => l.path === words[0]) ? `sweep ${words[0]}` : words.join(' '));
    }
    return out;
  };
  const takes = named(sentence[1]), not = named(sentence[2]);
  for (const leaf of leaves) assert.ok(leaf.json ? takes.has(leaf.path) : not.has(leaf.path), `${leaf.path} (--json: ${leaf.json}) in the README: takes ${[...takes].join('|')}; not ${[...not].join('|')}`);
  assert.equal(takes.size + not.size, leaves.length);

  const w = workDir('float16'), root = w.work;
  try {
    writeFileSync(join(root, 'X16.npy'), float16Npy(30, 3, (i) => ((i * 7919) % 17) - 8));
    writeFileSync(join(root, 'Y16.npy'), float16Npy(30, 2, (i) => ((i * 104729) % 13) - 6));
    const r = await dlnHere(['critical', '--x', 'X16.npy', '--y', 'Y16.npy', '--dims', '3,2,2', '--json'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.ok((JSON.parse(r.stdout) as { criticalPoints: unknown[] }).criticalPoints.length > 0);
  } finally {
    w.remove();
  }
});

test('case 11: output folders get ordinary permissions (0777 under the umask), and an existing empty --out keeps its mode', async () => {
  const w = workDir('modes'), root = w.work;
  try {
    const probe = join(root, 'probe');
    mkdirSync(probe);
    const ordinary = statSync(probe).mode & 0o777;
    assert.notEqual(ordinary, 0o700, 'the test needs a umask that lets others read folders');
    mkdirSync(join(root, 'mine'));
    chmodSync(join(root, 'mine'), 0o750);
    const trainArgs = ['train', '--data', 'report-sec4', '--dims', '5,4,5', '--lr', '1e-5', '--steps', '10', '--no-progress'];
    for (const out of ['new/run', 'mine']) {
      const r = await dlnHere([...trainArgs, '--out', out], root);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal(statSync(join(root, 'new')).mode & 0o777, ordinary);
    assert.equal(statSync(join(root, 'new', 'run')).mode & 0o777, ordinary);
    assert.equal(statSync(join(root, 'mine')).mode & 0o777, 0o750);
    const e = await dlnHere(['experiment', 'smoke', '--quick', '--out', 'exp', '--no-progress'], root);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(statSync(join(root, 'exp')).mode & 0o777, ordinary);
  } finally {
    w.remove();
  }
});

/** Runs dln as a user who cannot write into folders of mode 0555: the test's own user, or, for root (who writes anywhere), nobody through setpriv. */
function dlnUnprivileged(args: readonly string[], cwd: string): Promise<Run> {
  if (process.getuid?.() !== 0) return dln(args, cwd);
  return new Promise((resolve, reject) => {
    const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args],
      { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: cwd } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const noSetpriv = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status !== 0;

test('a sweep folder the user cannot write (status, export, resume) and a data export whose second file cannot be written: one line, exit 2, nothing written',
  { skip: noSetpriv ? 'root writes anywhere, and setpriv is missing' : false }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'dln-unwritable-'));
    try {
      chmodSync(root, 0o755);
      mkdirSync(join(root, 'w'));
      mkdirSync(join(root, 'ro'));
      if (process.getuid?.() === 0) chownSync(join(root, 'w'), 65534, 65534);
      writeFileSync(join(root, 'grid.json'), JSON.stringify({ name: 'g', base: { data: 'report-sec5', width: 5, lr: 1e-3, steps: 5 }, axes: { seed: [1] } }));
      const made = await dln(['sweep', 'run', 'grid.json', '--out', 'ro/sw', '--jobs', '1', '--no-progress'], root);
      assert.equal(made.code, 0, made.stderr);
      chmodSync(join(root, 'ro', 'sw'), 0o555);
      chmodSync(join(root, 'ro'), 0o555);
      const before = tree(root);
      for (const [args, message] of [
        [['sweep', 'status', 'ro/sw'], /^dln: ro\/sw\/sweep\.sqlite cannot be opened for writing \(SQLITE_READONLY\w*\), which SQLite needs even to read it: run as the owner of \S+\/ro\/sw or copy that folder somewhere writable$/],
        [['sweep', 'export', 'ro/sw', '--csv', 'w/cells.csv'], /^dln: ro\/sw\/sweep\.sqlite cannot be opened for writing/],
        [['sweep', 'resume', 'ro/sw', '--no-progress'], /^dln: ro\/sw\/sweep\.sqlite cannot be opened for writing/],
        // Before, X.npy was written and then Y.npy failed with "cannot write ro/Y.npy": half an export.
        [['data', 'export', 'report-sec4', '--x', 'w/X.npy', '--y', 'ro/Y.npy'], /^dln: --y ro\/Y\.npy: the folder \S+\/ro is not writable; choose another path$/],
      ] as [string[], RegExp][]) refusedHere(await dlnUnprivileged(args, root), root, before, message);
    } finally {
      chmodSync(join(root, 'ro'), 0o755);
      chmodSync(join(root, 'ro', 'sw'), 0o755);
      rmSync(root, { recursive: true, force: true });
    }
  });

test('case 3: dln sweep export --csv/--json refuses an existing file unless --force, and the sweep\'s own files', async () => {
  const w = workDir('sweep-export'), root = w.work;
  try {
    writeFileSync(join(root, 'grid.json'), JSON.stringify({ name: 'g', base: { data: 'report-sec5', width: 5, lr: 1e-3, steps: 5 }, axes: { seed: [1, 2] } }));
    assert.equal((await dlnHere(['sweep', 'run', 'grid.json', '--out', 'sw', '--jobs', '1', '--no-progress'], root)).code, 0);
    writeFileSync(join(root, 'cells.csv'), 'my own notes\n');
    const before = tree(root);
    // Before, the user's cells.csv was replaced without a word.
    refusedHere(await dlnHere(['sweep', 'export', 'sw', '--csv', 'cells.csv'], root), root, before,
      /^dln: --csv cells\.csv already exists \(dln does not overwrite files; add --force to replace it\)$/);
    refusedHere(await dlnHere(['sweep', 'export', 'sw', '--json', 'sw/sweep.sqlite', '--force'], root), root, before,
      /^dln: --json sw\/sweep\.sqlite is one of this command's input files; write the result to another file$/);
    const forced = await dlnHere(['sweep', 'export', 'sw', '--csv', 'cells.csv', '--force'], root);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readFileSync(join(root, 'cells.csv'), 'utf8').trim().split('\n').length, 3);
  } finally {
    w.remove();
  }
});

test('dln sweep run with a bad or unreachable --queue makes no sweep directory (a rerun with the right URL is not refused as "already exists")', async () => {
  const w = workDir('sweep-queue'), root = w.work;
  try {
    writeFileSync(join(root, 'grid.json'), JSON.stringify({ name: 'g', base: { data: 'report-sec5', width: 5, lr: 1e-3, steps: 5 }, axes: { seed: [1] } }));
    const before = tree(root);
    refusedHere(await dlnHere(['sweep', 'run', 'grid.json', '--out', 'sw', '--queue', 'notaurl', '--no-progress'], root), root, before,
      /^dln: --queue notaurl is not a URL; write redis:\/\/HOST:PORT\/DB$/);
    // Port 1 on the loopback: nothing listens there.
    refusedHere(await dlnHere(['sweep', 'run', 'grid.json', '--out', 'sw', '--queue', 'redis://127.0.0.1:1/0', '--no-progress'], root), root, before,
      /^dln: cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0 \(.+\); start redis-server there, or check --queue$/);
  } finally {
    w.remove();
  }
});

test('a sweep spec named "../x" cannot put its default folder (sweeps/NAME) outside sweeps/; a problem found in its cells names the file', async () => {
  const w = workDir('sweep-name'), root = w.work;
  try {
    mkdirSync(join(root, 'here'));
    writeFileSync(join(root, 'here', 'grid.json'), JSON.stringify({ name: '../../escaped', base: { data: 'report-sec5', width: 5, lr: 1e-3, steps: 5 }, axes: { seed: [1] } }));
    const before = tree(root);
    // A problem found in the cells names the file, as a problem found in parsing does (before: "dln: sweep spec: widths …").
    writeFileSync(join(root, 'here', 'depth.json'), JSON.stringify({ name: 'd', base: { data: 'report-sec5', widths: [4, 4], lr: 1e-3, steps: 5 }, axes: { depth: [2] } }));
    const withDepth = tree(root);
    refusedHere(await dlnHere(['sweep', 'run', 'depth.json', '--out', 'sw', '--no-progress'], join(root, 'here')), root, withDepth,
      /^dln: depth\.json: sweep spec: widths \[4,4\] give depth 3, but depth is 2$/);
    rmSync(join(root, 'here', 'depth.json'));
    // Before, the sweep was written to ../escaped beside the working folder.
    refusedHere(await dlnHere(['sweep', 'run', 'grid.json', '--jobs', '1', '--no-progress'], join(root, 'here')), root, before,
      /^dln: the sweep's name "\.\.\/\.\.\/escaped" would put its default folder sweeps\/NAME outside sweeps\/; give --out DIR, or a name without "\.\."$/);
  } finally {
    w.remove();
  }
});
