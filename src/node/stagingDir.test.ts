import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, readdirSync, rmSync, existsSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStagingDir, commitStagingDir, withStagingDir } from './stagingDir.ts';

function withDir<T>(fn: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'dln-files-'));
  return Promise.resolve(fn(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('withStagingDir shows finalDir only once fn has finished (synchronous or async), and leaves nothing when fn throws or rejects', () => withDir(async (dir) => {
  const final = join(dir, 'run1');
  const result = await withStagingDir(final, (staging) => {
    writeFileSync(join(staging, 'a.txt'), 'a');
    assert.equal(existsSync(final), false);
    return 42;
  });
  assert.equal(result, 42);
  assert.deepEqual(readdirSync(final), ['a.txt']);
  await assert.rejects(withStagingDir(join(dir, 'run2'), async (staging) => {
    writeFileSync(join(staging, 'half.txt'), 'h');
    throw new Error('interrupted');
  }), /interrupted/);
  assert.throws(() => withStagingDir(join(dir, 'run3'), () => { throw new Error('sync'); }), /sync/);
  assert.deepEqual(readdirSync(dir), ['run1']);
}));

test('an existing finalDir fails by default, is replaced whole with replace, and is copied then replaced with resume', () => withDir(async (dir) => {
  const final = join(dir, 'out');
  mkdirSync(final);
  writeFileSync(join(final, 'checkpoint.json'), '{"step":10}');
  writeFileSync(join(final, 'stale.txt'), 's');
  assert.throws(() => createStagingDir(final), { name: 'InputError', message: `${final}: output directory already exists` });
  assert.throws(() => withStagingDir(final, (s) => { writeFileSync(join(s, 'x'), 'x'); throw new Error('boom'); }, { ifExists: 'resume' }), /boom/);
  assert.deepEqual(readdirSync(final).sort(), ['checkpoint.json', 'stale.txt']);
  await withStagingDir(final, (s) => {
    assert.equal(readFileSync(join(s, 'checkpoint.json'), 'utf8'), '{"step":10}');
    writeFileSync(join(s, 'checkpoint.json'), '{"step":20}');
    rmSync(join(s, 'stale.txt'));
  }, { ifExists: 'resume' });
  assert.deepEqual(readdirSync(final), ['checkpoint.json']);
  assert.equal(readFileSync(join(final, 'checkpoint.json'), 'utf8'), '{"step":20}');
  const staging = createStagingDir(final, { ifExists: 'replace' });
  assert.deepEqual(readdirSync(staging), []);
  writeFileSync(join(staging, 'fresh.txt'), 'f');
  commitStagingDir(staging, final);
  assert.deepEqual(readdirSync(final), ['fresh.txt']);
  assert.deepEqual(readdirSync(dir), ['out']);
  writeFileSync(join(dir, 'file'), 'f');
  assert.throws(() => createStagingDir(join(dir, 'file'), { ifExists: 'replace' }), { name: 'InputError', message: `${join(dir, 'file')}: exists and is not a directory` });
}));

test('createStagingDir creates missing parents beside which the staging directory lives', () => withDir((dir) => {
  const final = join(dir, 'a', 'b', 'out');
  const staging = createStagingDir(final);
  assert.match(staging, /[/\\]\.out\.staging-[^/\\]+$/);
  commitStagingDir(staging, final);
  assert.deepEqual(readdirSync(join(dir, 'a', 'b')), ['out']);
}));

/** The mode a new directory or file gets from the process's umask (0755 and 0644 under umask 022). */
function ordinary(kind: 'dir' | 'file', dir: string): number {
  const probe = join(dir, `probe-${kind}`);
  if (kind === 'dir') mkdirSync(probe); else writeFileSync(probe, '');
  const mode = statSync(probe).mode & 0o777;
  rmSync(probe, { recursive: true });
  return mode;
}

test('withStagingDir gives a new directory and its files ordinary permissions (0755 and 0644 under the umask), not mkdtemp\'s 0700', () => withDir((dir) => {
  const dirMode = ordinary('dir', dir), fileMode = ordinary('file', dir);
  assert.notEqual(dirMode, 0o700, 'the test needs a umask that lets others read directories');
  const final = join(dir, 'nested', 'run');
  withStagingDir(final, (s) => { writeFileSync(join(s, 'summary.json'), '{}'); });
  assert.equal(statSync(final).mode & 0o777, dirMode);
  assert.equal(statSync(join(final, 'summary.json')).mode & 0o777, fileMode);
  assert.equal(statSync(join(dir, 'nested')).mode & 0o777, dirMode);
}));

test('replacing or resuming an existing directory keeps its own mode', () => withDir((dir) => {
  for (const [ifExists, mode] of [['replace', 0o750], ['resume', 0o711]] as const) {
    const final = join(dir, `out-${ifExists}`);
    mkdirSync(final);
    chmodSync(final, mode);
    const result = withStagingDir(final, (s) => { writeFileSync(join(s, 'a.txt'), 'a'); return ifExists; }, { ifExists });
    assert.equal(result, ifExists);
    assert.equal(statSync(final).mode & 0o777, mode);
    assert.deepEqual(readdirSync(final), ['a.txt']);
  }
  assert.deepEqual(readdirSync(dir).sort(), ['out-replace', 'out-resume']);
}));
