import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { type CliIO, runCli } from '../../src/cli/run.ts';
import { ArgumentError, DataError, InputError, PremiseError, ShapeError, isBadInput, reviveError } from '../../src/errors.ts';
import { type Run, startDln } from '../helpers/cli.ts';

// The engine layers throw their own classes (ShapeError, ArgumentError, DataError); only the CLI's
// edge (cli/run.ts reportError, through isBadInput) makes them bad input: one line, exit code 2.

function memoryIO(): { io: CliIO; out: () => string; err: () => string } {
  let out = '', err = '';
  const sink = (append: (s: string) => void): Writable => new Writable({ write(chunk: Buffer | string, _enc, cb) { append(chunk.toString()); cb(); } });
  return { io: { stdout: sink((s) => { out += s; }), stderr: sink((s) => { err += s; }), env: {}, onInterrupt: () => () => {} }, out: () => out, err: () => err };
}

/** A one-command program whose action throws e. */
function throwing(e: unknown) {
  return () => {
    const p = new Command('dln').exitOverride().configureOutput({ outputError: () => {} });
    p.command('boom').action(() => { throw e; });
    return p;
  };
}

test('ArgumentError and DataError are bad input at the CLI edge (exit 2, one line); a plain RangeError stays an internal error (exit 1)', async () => {
  for (const e of [new ArgumentError('subset entry 9 is not an index in 1..d_y = 5'), new DataError('X.npy: not a .npy file (bad magic)')]) {
    const m = memoryIO();
    assert.equal(await runCli(['boom'], throwing(e), m.io), 2);
    assert.equal(m.err(), `dln: ${e.message}\n`);
  }
  const internal = memoryIO();
  assert.equal(await runCli(['boom'], throwing(new RangeError('matmul: inner dimensions 3 and 4 differ')), internal.io), 1);
  assert.match(internal.err(), /^dln: internal error: matmul: inner dimensions 3 and 4 differ/);
});

test('isBadInput is a test of the class, not of the message; the classes survive the crossing from a worker thread', () => {
  assert.ok([new InputError('x'), new ShapeError('x'), new ArgumentError('x'), new DataError('x')].every(isBadInput));
  assert.ok(![new RangeError('x'), new Error('x'), new PremiseError('p', 'x'), 'x', null].some(isBadInput));
  assert.ok(new ArgumentError('x') instanceof RangeError, 'an ArgumentError is a RangeError');
  for (const e of [new ArgumentError('a'), new DataError('d'), new ShapeError('s'), new InputError('i')]) {
    const back = reviveError({ name: e.name, message: e.message });
    assert.equal(back.constructor, e.constructor);
    assert.equal(back.message, e.message);
  }
  assert.equal(reviveError({ name: 'toString', message: 'm' }).constructor, Error, 'only the listed names are revived');
});

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'dln-errors-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });
const dln = (args: readonly string[]): Promise<Run> => startDln(args, dir).done;

/** Exit code 2, exactly one line `dln: message` on stderr, nothing on stdout. */
function badInput(r: Run, message: string): void {
  assert.deepEqual([r.code, r.stderr, r.stdout], [2, `dln: ${message}\n`, '']);
}

describe('engine errors through the CLI', { concurrency: 1 }, () => {
  test('theory: c_N = 0 for the remark δ (ArgumentError) is exit 2 with one line saying what to do', async () => {
    badInput(await dln(['bound', '--data', 'report-sec4', '--dims', '5,5', '--c-n', 'N-1']),
      "Remark 2.5(b)'s δ = M^{2/N}/(N c_N) needs c_N > 0, got c_N = 0 at depth N = 1; give δ or use 'optimal'");
  });

  test('experiments: an unknown experiment (ArgumentError) is exit 2 naming the valid ones', async () => {
    const r = await dln(['experiment', 'no-such']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^dln: unknown experiment 'no-such'; valid names: plateaus, [^\n]+\n$/);
  });

  test('data: a malformed .npy or a ragged .csv (DataError) is exit 2 naming the file and the problem; nothing written', async () => {
    writeFileSync(join(dir, 'bad.npy'), 'garbage');
    writeFileSync(join(dir, 'ragged.csv'), 'a,b\n1,2\n3\n');
    badInput(await dln(['critical', '--x', 'bad.npy', '--y', 'bad.npy', '--dims', '3,2']), 'bad.npy: not a .npy file (bad magic)');
    badInput(await dln(['critical-point', '--x', 'ragged.csv', '--y', 'ragged.csv', '--dims', '2,2', '--subset', '1', '--out', 'p.npz']),
      'ragged.csv: row 2 (line 3) has 1 values, expected 2');
    assert.deepEqual(readdirSync(dir).sort(), ['bad.npy', 'ragged.csv']);
  });
});
