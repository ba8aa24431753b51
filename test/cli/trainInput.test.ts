import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNpy } from '../../src/data/npy.ts';
import { encodeWeights } from '../../src/data/npz.ts';
import { type Mat, zeros } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';

const BIN = fileURLToPath(new URL('../../bin/dln.js', import.meta.url));

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs `node bin/dln.js args…` in cwd. */
function dln(args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function randomSamples(m: number, d: number, rng: Rng): Mat {
  const a = zeros(m, d);
  rng.fillNormal(a.data);
  return a;
}

let dir = '';
const M = 20, DX = 3, DY = 2;
const OK = ['--x', 'X.npy', '--y', 'Y.npy', '--dims', '3,4,2', '--lr', '1e-3', '--steps', '5', '--no-progress'];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dln-train-input-'));
  const rng = new Rng(7);
  const x = randomSamples(M, DX, rng), y = randomSamples(M, DY, rng);
  writeFileSync(join(dir, 'X.npy'), encodeNpy(x));
  writeFileSync(join(dir, 'Y.npy'), encodeNpy(y));
  writeFileSync(join(dir, 'Y19.npy'), encodeNpy(randomSamples(M - 1, DY, rng)));
  const xNaN = randomSamples(M, DX, rng);
  xNaN.data[4 * DX + 1] = Number.NaN;
  writeFileSync(join(dir, 'XNaN.npy'), encodeNpy(xNaN));
  writeFileSync(join(dir, 'Xinf.csv'), 'a,b,c\n1,2,3\n4,inf,6\n');
  writeFileSync(join(dir, 'Xragged.csv'), '1,2,3\n4,5\n6,7,8\n');
  writeFileSync(join(dir, 'Xtext.csv'), '1,2,3\n4,five,6\n7,8,9\n');
  writeFileSync(join(dir, 'Y3.csv'), '1,2\n3,4\n5,6\n');
  writeFileSync(join(dir, 'Xcorrupt.npy'), 'this is not a numpy file\n');
  mkdirSync(join(dir, 'Xdir.npy'));
  writeFileSync(join(dir, 'Xlocked.npy'), encodeNpy(x));
  chmodSync(join(dir, 'Xlocked.npy'), 0o000);
  // W2 should be 4×4 for --dims 3,4,4,2.
  writeFileSync(join(dir, 'Wbad.npz'), encodeWeights([zeros(4, 3), zeros(5, 4), zeros(2, 5)]));
});

after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs dln with args and --out out, and checks the contract for bad input: exit code 2, nothing on
 * stdout, exactly one line `dln: …` on stderr matching message, and no directory (or staging
 * leftover) created.
 */
let outCount = 0;
async function rejects(args: readonly string[], message: RegExp): Promise<void> {
  // A fresh output name per case: cases run two at a time in the same directory.
  const out = `out${++outCount}`;
  const r = await dln(['train', ...args, '--out', out], dir);
  assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^dln: [^\n]+\n$/, 'exactly one line on stderr');
  assert.match(r.stderr, message);
  const left = readdirSync(dir).filter((n) => n === out || n.startsWith(`.${out}.`));
  assert.deepEqual(left, [], 'no output directory or staging directory left behind');
}

const withX = (x: string, y = 'Y.npy'): string[] => OK.map((a) => (a === 'X.npy' ? x : a === 'Y.npy' ? y : a));
const withFlag = (flag: string, value: string): string[] => {
  const i = OK.indexOf(flag);
  return i < 0 ? [...OK, flag, value] : [...OK.slice(0, i + 1), value, ...OK.slice(i + 2)];
};

describe('dln train: every bad input is one line on stderr, exit code 2, no output directory', { concurrency: 2 }, () => {
  test('the well-formed command these cases vary succeeds (control)', async () => {
    const r = await dln(['train', ...OK, '--out', 'control'], dir);
    assert.equal(r.code, 0, r.stderr);
    rmSync(join(dir, 'control'), { recursive: true });
  });
  test('a missing data file is named', () => rejects(withX('nope.npy'), /^dln: cannot read nope\.npy: no such file/));
  test('an unreadable data file (a directory) is named', () => rejects(withX('Xdir.npy'), /^dln: cannot read Xdir\.npy: is a directory/));
  test('an unreadable data file (no read permission) is named', { skip: process.getuid?.() === 0 ? 'root reads every file' : false },
    () => rejects(withX('Xlocked.npy'), /^dln: cannot read Xlocked\.npy: permission denied/));
  test('a file that is not the format its name says is named', () => rejects(withX('Xcorrupt.npy'), /^dln: Xcorrupt\.npy: not a \.npy file/));
  test('a CSV file with ragged rows names the row', () => rejects(withX('Xragged.csv'), /^dln: Xragged\.csv: row 2 has 2 values, expected 3/));
  test('a CSV file with a non-number names the row, column and text', () => rejects(withX('Xtext.csv'), /^dln: Xtext\.csv: row 2, column 2: 'five' is not a number/));
  test('a NaN value names the file, row and column', () => rejects(withX('XNaN.npy'), /^dln: XNaN\.npy: value at row 5, column 2 is NaN/));
  test('an infinite value names the file, row and column', () => rejects(withX('Xinf.csv', 'Y3.csv'), /^dln: Xinf\.csv: value at row 2, column 2 is inf/));
  test('X and Y with different numbers of samples', () => rejects(withX('X.npy', 'Y19.npy'), /^dln: X has 20 samples but Y has 19$/m));
  test('--dims whose first width is not the number of X columns', () => rejects(withFlag('--dims', '4,4,2'), /^dln: --dims starts with 4, but X has 3 features$/m));
  test('--dims whose last width is not the number of Y columns', () => rejects(withFlag('--dims', '3,4,3'), /^dln: --dims ends with 3, but Y has 2 features$/m));
  test('a zero width', () => rejects(withFlag('--dims', '3,0,2'), /^dln: --dims: width 2 of '3,0,2' is '0'; every width must be a positive integer$/m));
  test('a negative width', () => rejects(withFlag('--dims', '3,-4,2'), /^dln: --dims: width 2 of '3,-4,2' is '-4'/));
  test('a non-integer width', () => rejects(withFlag('--dims', '3,2.5,2'), /^dln: --dims: width 2 of '3,2.5,2' is '2.5'/));
  for (const lr of ['0', '-1e-3', 'inf', 'NaN', 'fast']) {
    test(`a step size that is not positive and finite: --lr ${lr}`, () => rejects(withFlag('--lr', lr), new RegExp(`^dln: --lr must be a positive finite number, got '${lr}'$`, 'm')));
  }
  test('a weights file whose shapes do not match --dims names the layer and both shapes', () => rejects(
    [...withFlag('--dims', '3,4,4,2'), '--init-weights', 'Wbad.npz'],
    /^dln: .*Wbad\.npz: W2 has shape 5×4, but widths 3,4,4,2 need 4×4$/m,
  ));
  test('a weights file with the wrong number of layers', () => rejects(
    [...OK, '--init-weights', 'Wbad.npz'],
    /^dln: .*Wbad\.npz: 3 weight matrices, but widths 3,4,2 need 2$/m,
  ));
  test('an unknown --data name lists the known ones', () => rejects(
    ['--data', 'imagenet', '--dims', '5,5', '--lr', '1e-3', '--no-progress'],
    /^dln: --data must be one of report-sec4, report-sec5, nrt, .*; got 'imagenet'$/m,
  ));
  test('an unknown --init lists the known ones', () => rejects(withFlag('--init', 'xavier'), /^dln: --init must be one of gaussian, balanced, orthogonal, aligned, zero; got 'xavier'$/m));
  test('--x without --y', () => rejects(['--x', 'X.npy', '--dims', '3,2', '--lr', '1'], /^dln: --x needs --y/));
  test('--data together with --x', () => rejects(['--data', 'nrt', '--x', 'X.npy', '--y', 'Y.npy', '--dims', '3,2', '--lr', '1'], /^dln: --data cannot be combined with --x\/--y$/m));
  test('a missing --lr', () => rejects(OK.filter((a, i) => a !== '--lr' && OK[i - 1] !== '--lr'), /^dln: --lr is required/));
  test('--init-std with an initialisation it does not apply to', () => rejects([...withFlag('--init', 'zero'), '--init-std', '0.1'], /^dln: --init-std applies to --init gaussian only, not --init zero$/m));
  test('--flow without --t-end', () => rejects(['--x', 'X.npy', '--y', 'Y.npy', '--dims', '3,2', '--flow'], /^dln: --flow needs --t-end/));
  test('--steps that is not a whole number', () => rejects(withFlag('--steps', '2.5'), /^dln: --steps must be an integer in 0\.\.1000000000 \(the most steps dln runs\), got '2\.5'$/m));
  test('--steps above the most steps dln runs (10⁹)', () => rejects(withFlag('--steps', '1e12'), /^dln: --steps must be an integer in 0\.\.1000000000 \(the most steps dln runs\), got '1e12'$/m));
  test('an unknown option', () => rejects([...OK, '--learning-rate', '1'], /^dln: unknown option '--learning-rate'/));
  test('--resume of a directory that holds no run', () => rejects(['--resume', '.'], /^dln: --resume .*: not a dln train output directory \(no config\.json\)$/m));
});

test('dln train refuses to write into an existing non-empty directory and leaves it untouched', async () => {
  mkdirSync(join(dir, 'taken'));
  writeFileSync(join(dir, 'taken', 'notes.txt'), 'mine');
  const r = await dln(['train', ...OK, '--out', 'taken'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^dln: --out .*taken already exists and is not empty/);
  assert.deepEqual(readdirSync(join(dir, 'taken')), ['notes.txt']);
  rmSync(join(dir, 'taken'), { recursive: true });
});
