import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { main } from '../../src/cli/main.ts';
import { type CliIO, runCli } from '../../src/cli/run.ts';
import { InputError, PremiseError } from '../../src/errors.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** An in-memory CliIO: what a command wrote to stdout and stderr. */
function memoryIO(env: NodeJS.ProcessEnv = {}): { io: CliIO; out: () => string; err: () => string } {
  let out = '', err = '';
  const sink = (append: (s: string) => void): Writable => new Writable({ write(chunk: Buffer | string, _enc, cb) { append(chunk.toString()); cb(); } });
  const io: CliIO = {
    stdout: sink((s) => { out += s; }),
    stderr: sink((s) => { err += s; }),
    env,
    onInterrupt: () => () => {},
  };
  return { io, out: () => out, err: () => err };
}

/** A one-command program whose action throws e (to exercise the error wrapper). */
function throwing(e: unknown) {
  return () => {
    const p = new Command('dln').exitOverride().configureOutput({ outputError: () => {} });
    p.command('boom').option('--json').action(() => { throw e; });
    return p;
  };
}

test('dln --help lists the train command on stdout and exits 0', async () => {
  const m = memoryIO();
  assert.equal(await main(['--help'], m.io), 0);
  assert.match(m.out(), /^Usage: dln \[options\] \[command\]/);
  assert.match(m.out(), /^\s+train \[options\]/m);
  assert.equal(m.err(), '');
});

test('dln --version prints the version of package.json', async () => {
  const m = memoryIO();
  assert.equal(await main(['--version'], m.io), 0);
  assert.equal(m.out().trim(), VERSION);
});

test('dln train --help documents every flag of the train command', async () => {
  const m = memoryIO();
  assert.equal(await main(['train', '--help'], m.io), 0);
  for (const flag of ['--x', '--y', '--data', '--dims', '--init', '--init-std', '--init-scale', '--init-weights', '--lr', '--schedule',
    '--power-b', '--power-p', '--steps', '--flow', '--t-end', '--seed', '--record-every', '--loss-tol', '--grad-tol', '--out', '--json',
    '--no-progress', '--resume']) {
    assert.match(m.out(), new RegExp(`^\\s+${flag} `, 'm'), flag);
  }
});

test('dln with no command prints the help on stderr and exits 2', async () => {
  const m = memoryIO();
  assert.equal(await main([], m.io), 2);
  assert.match(m.err(), /Usage: dln/);
  assert.equal(m.out(), '');
});

test('an unknown command is one line on stderr and exit code 2', async () => {
  const m = memoryIO();
  assert.equal(await main(['trian'], m.io), 2);
  assert.match(m.err(), /^dln: unknown command 'trian'[^\n]*\n$/);
});

test('an InputError from a command is one line `dln: message` and exit code 2', async () => {
  const m = memoryIO();
  assert.equal(await runCli(['boom'], throwing(new InputError('X.npy: no such file')), m.io), 2);
  assert.equal(m.err(), 'dln: X.npy: no such file\n');
  assert.equal(m.out(), '');
});

test('a PremiseError is exit code 3 and names the premise; with --json also {error, exitCode, premise} on stdout', async () => {
  const e = new PremiseError('alpha < 1', 'the initial balancedness gives α = 1.3');
  const plain = memoryIO();
  assert.equal(await runCli(['boom'], throwing(e), plain.io), 3);
  assert.equal(plain.err(), 'dln: premise failed (alpha < 1): the initial balancedness gives α = 1.3\n');
  assert.equal(plain.out(), '');
  const json = memoryIO();
  assert.equal(await runCli(['boom', '--json'], throwing(e), json.io), 3);
  assert.deepEqual(JSON.parse(json.out()), { error: 'the initial balancedness gives α = 1.3', exitCode: 3, premise: 'alpha < 1' });
});

test('an unexpected error is exit code 1 with its message; the stack trace only with DLN_DEBUG=1', async () => {
  const quiet = memoryIO();
  assert.equal(await runCli(['boom'], throwing(new TypeError('x is undefined')), quiet.io), 1);
  assert.equal(quiet.err(), 'dln: internal error: x is undefined (set DLN_DEBUG=1 for the stack trace)\n');
  const debug = memoryIO({ DLN_DEBUG: '1' });
  assert.equal(await runCli(['boom'], throwing(new TypeError('x is undefined')), debug.io), 1);
  assert.match(debug.err(), /^dln: internal error: TypeError: x is undefined\n\s+at /);
});

test('a multi-line error message is still reported on one line', async () => {
  const m = memoryIO();
  assert.equal(await runCli(['boom'], throwing(new InputError('first\nsecond')), m.io), 2);
  assert.equal(m.err(), 'dln: first; second\n');
});

function npx(args: readonly string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['--no-install', 'dln', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

test('npx dln --help and npx dln train --help work from the repository root', async () => {
  const [top, train] = await Promise.all([npx(['--help']), npx(['train', '--help'])]);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /^Usage: dln /);
  assert.equal(train.code, 0);
  assert.match(train.stdout, /^Usage: dln train /);
});
