import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, readdirSync, rmSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMatrixFile, loadDataset, readWeightsFile, writeFileAtomic, createStagingDir, commitStagingDir, withStagingDir } from './files.ts';
import { encodeNpy } from '../data/npy.ts';
import { encodeNpz, encodeWeights } from '../data/npz.ts';
import { fromRows, toRows } from '../linalg/mat.ts';

function withDir<T>(fn: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'dln-files-'));
  return Promise.resolve(fn(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const M = fromRows([[1, 2], [3, 4], [5, 6]]);

test('readMatrixFile reads .npy, .npz (first array), .csv, .tsv and .txt with one sample per row', () => withDir((dir) => {
  writeFileSync(join(dir, 'a.npy'), encodeNpy(M));
  writeFileSync(join(dir, 'a.npz'), encodeNpz({ first: M, second: fromRows([[9]]) }));
  writeFileSync(join(dir, 'a.csv'), 'x1,x2\n1,2\n3,4\n5,6\n');
  writeFileSync(join(dir, 'a.tsv'), '1\t2\n3\t4\n5\t6\n');
  writeFileSync(join(dir, 'a.TXT'), '1 2\n3 4\n5 6\n');
  for (const f of ['a.npy', 'a.npz', 'a.csv', 'a.tsv', 'a.TXT']) assert.deepEqual(toRows(readMatrixFile(join(dir, f))), toRows(M), f);
}));

test('readMatrixFile reports missing, unreadable, unknown and malformed files as one-line InputErrors', () => withDir((dir) => {
  const p = (f: string): string => join(dir, f);
  assert.throws(() => readMatrixFile(p('X.npy')), { name: 'InputError', message: `cannot read ${p('X.npy')}: no such file` });
  assert.throws(() => readMatrixFile(p('X.npy'), 'X.npy'), { message: 'cannot read X.npy: no such file' });
  mkdirSync(p('d.csv'));
  assert.throws(() => readMatrixFile(p('d.csv')), { name: 'InputError', message: `cannot read ${p('d.csv')}: is a directory` });
  writeFileSync(p('X.mat'), 'x');
  assert.throws(() => readMatrixFile(p('X.mat'), 'X.mat'), { name: 'InputError', message: "X.mat: unknown file type '.mat' (expected .npy, .npz, .csv, .tsv or .txt)" });
  writeFileSync(p('X.npy'), '1,2\n');
  assert.throws(() => readMatrixFile(p('X.npy'), 'X.npy'), { name: 'InputError', message: 'X.npy: not a .npy file (bad magic)' });
  writeFileSync(p('X.csv'), Uint8Array.from([0x31, 0x2c, 0xff, 0x0a]));
  assert.throws(() => readMatrixFile(p('X.csv'), 'X.csv'), { name: 'InputError', message: 'X.csv: not UTF-8 text' });
  writeFileSync(p('X.npz'), 'not a zip');
  assert.throws(() => readMatrixFile(p('X.npz'), 'X.npz'), { name: 'InputError', message: /^X\.npz: not a \.npz file \(/ });
}));

test('readMatrixFile reports a file it may not read as permission denied', { skip: process.getuid?.() === 0 && 'root reads every file' }, () => withDir((dir) => {
  writeFileSync(join(dir, 'X.csv'), '1\n');
  chmodSync(join(dir, 'X.csv'), 0o000);
  assert.throws(() => readMatrixFile(join(dir, 'X.csv')), { name: 'InputError', message: `cannot read ${join(dir, 'X.csv')}: permission denied` });
}));

test('loadDataset transposes files (rows are samples) into x: d_x×m and y: d_y×m', () => withDir((dir) => {
  writeFileSync(join(dir, 'X.npy'), encodeNpy(M));
  writeFileSync(join(dir, 'Y.csv'), 'y\n7\n8\n9\n');
  const { x, y } = loadDataset(join(dir, 'X.npy'), join(dir, 'Y.csv'));
  assert.deepEqual(toRows(x), [[1, 3, 5], [2, 4, 6]]);
  assert.deepEqual(toRows(y), [[7, 8, 9]]);
}));

test('loadDataset rejects unequal sample counts and non-finite values, naming the file', () => withDir((dir) => {
  writeFileSync(join(dir, 'X.npy'), encodeNpy(M));
  writeFileSync(join(dir, 'Y.csv'), '7\n8\n');
  assert.throws(() => loadDataset(join(dir, 'X.npy'), join(dir, 'Y.csv')), { name: 'InputError', message: 'X has 3 samples but Y has 2' });
  writeFileSync(join(dir, 'Y.csv'), '7\n8\nnan\n');
  assert.throws(() => loadDataset(join(dir, 'X.npy'), join(dir, 'Y.csv')), { name: 'InputError', message: `${join(dir, 'Y.csv')}: value at row 3, column 1 is NaN` });
  assert.throws(() => loadDataset(join(dir, 'X.npy'), join(dir, 'none.csv')), { message: `cannot read ${join(dir, 'none.csv')}: no such file` });
}));

test('readWeightsFile reads W1..WN and reports missing or malformed files', () => withDir((dir) => {
  const w = [fromRows([[1, 2, 3], [4, 5, 6]]), fromRows([[7, 8]])];
  writeFileSync(join(dir, 'w.npz'), encodeWeights(w));
  assert.deepEqual(readWeightsFile(join(dir, 'w.npz')).map(toRows), w.map(toRows));
  assert.throws(() => readWeightsFile(join(dir, 'none.npz')), { name: 'InputError', message: `cannot read ${join(dir, 'none.npz')}: no such file` });
  writeFileSync(join(dir, 'bad.npz'), encodeNpz({ W2: M }));
  assert.throws(() => readWeightsFile(join(dir, 'bad.npz')), { name: 'InputError', message: `${join(dir, 'bad.npz')}: W1 is missing (found W2)` });
}));

test('writeFileAtomic writes or replaces the whole file and leaves no temporary file behind', () => withDir((dir) => {
  const p = join(dir, 'out.csv');
  writeFileAtomic(p, 'old\n');
  writeFileAtomic(p, 'new,content\n');
  assert.equal(readFileSync(p, 'utf8'), 'new,content\n');
  writeFileAtomic(join(dir, 'b.npy'), encodeNpy(M));
  assert.deepEqual(readFileSync(join(dir, 'b.npy')), Buffer.from(encodeNpy(M)));
  assert.deepEqual(readdirSync(dir).sort(), ['b.npy', 'out.csv']);
}));

test('writeFileAtomic fails with an InputError and leaves nothing when the target cannot be written', () => withDir((dir) => {
  assert.throws(() => writeFileAtomic(join(dir, 'missing', 'a.csv'), 'x'), { name: 'InputError', message: `cannot write ${join(dir, 'missing', 'a.csv')}: no such directory` });
  mkdirSync(join(dir, 'taken'));
  writeFileSync(join(dir, 'taken', 'keep'), 'k');
  assert.throws(() => writeFileAtomic(join(dir, 'taken'), 'x'), { name: 'InputError', message: new RegExp(`^cannot write ${join(dir, 'taken')}: `) });
  assert.deepEqual(readdirSync(dir), ['taken']);
  assert.equal(readFileSync(join(dir, 'taken', 'keep'), 'utf8'), 'k');
}));

test('withStagingDir shows finalDir only once fn has finished, and leaves nothing when fn throws', () => withDir(async (dir) => {
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
  assert.deepEqual(readdirSync(dir), ['run1']);
}));

test('an existing finalDir fails by default, is replaced whole with replace, and is copied then replaced with resume', () => withDir(async (dir) => {
  const final = join(dir, 'out');
  mkdirSync(final);
  writeFileSync(join(final, 'checkpoint.json'), '{"step":10}');
  writeFileSync(join(final, 'stale.txt'), 's');
  assert.throws(() => createStagingDir(final), { name: 'InputError', message: `${final}: output directory already exists` });
  await assert.rejects(withStagingDir(final, (s) => { writeFileSync(join(s, 'x'), 'x'); throw new Error('boom'); }, { ifExists: 'resume' }), /boom/);
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
