import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMatrixFile, loadDataset, readWeightsFile } from './dataFiles.ts';
import { encodeNpy } from '../data/npy.ts';
import { encodeNpz, encodeWeights } from '../data/npz.ts';
import { fromRows, toRows } from '../linalg/mat.ts';

function withDir<T>(fn: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'dln-files-'));
  return Promise.resolve(fn(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const M = fromRows([[1, 2], [3, 4], [5, 6]]);

test('readMatrixFile reads .npy, .npz (the array a key names, or its only one), .csv, .tsv and .txt with one sample per row', () => withDir((dir) => {
  writeFileSync(join(dir, 'a.npy'), encodeNpy(M));
  writeFileSync(join(dir, 'a.npz'), encodeNpz({ first: M, second: fromRows([[9]]) }));
  writeFileSync(join(dir, 'a.csv'), 'x1,x2\n1,2\n3,4\n5,6\n');
  writeFileSync(join(dir, 'a.tsv'), '1\t2\n3\t4\n5\t6\n');
  writeFileSync(join(dir, 'a.TXT'), '1 2\n3 4\n5 6\n');
  writeFileSync(join(dir, 'b.npz'), encodeNpz({ only: M }));
  for (const f of ['a.npy', 'b.npz', 'a.csv', 'a.tsv', 'a.TXT']) assert.deepEqual(toRows(readMatrixFile(join(dir, f))), toRows(M), f);
  assert.deepEqual(toRows(readMatrixFile(join(dir, 'a.npz'), 'a.npz', { key: 'first', flag: '--x-key' })), toRows(M));
  assert.throws(() => readMatrixFile(join(dir, 'a.npz'), 'a.npz'), { message: 'a.npz holds the arrays first, second: say which is the data with --x-key NAME' });
}));

test('readMatrixFile reports missing, unreadable, unknown and malformed files as one-line errors (InputError for the file system, DataError for the content)', () => withDir((dir) => {
  const p = (f: string): string => join(dir, f);
  assert.throws(() => readMatrixFile(p('X.npy')), { name: 'InputError', message: `cannot read ${p('X.npy')}: no such file` });
  assert.throws(() => readMatrixFile(p('X.npy'), 'X.npy'), { message: 'cannot read X.npy: no such file' });
  mkdirSync(p('d.csv'));
  assert.throws(() => readMatrixFile(p('d.csv')), { name: 'InputError', message: `cannot read ${p('d.csv')}: is a directory` });
  writeFileSync(p('X.mat'), 'x');
  assert.throws(() => readMatrixFile(p('X.mat'), 'X.mat'), { name: 'DataError', message: "X.mat: unknown file type '.mat' (expected .npy, .npz, .csv, .tsv or .txt)" });
  writeFileSync(p('X.npy'), '1,2\n');
  assert.throws(() => readMatrixFile(p('X.npy'), 'X.npy'), { name: 'DataError', message: 'X.npy: not a .npy file (bad magic)' });
  writeFileSync(p('X.csv'), Uint8Array.from([0x31, 0x2c, 0xff, 0x0a]));
  assert.throws(() => readMatrixFile(p('X.csv'), 'X.csv'), { name: 'DataError', message: 'X.csv: not UTF-8 text' });
  writeFileSync(p('X.npz'), 'not a zip');
  assert.throws(() => readMatrixFile(p('X.npz'), 'X.npz'), { name: 'DataError', message: /^X\.npz: not a \.npz file \(/ });
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
  assert.throws(() => loadDataset(join(dir, 'X.npy'), join(dir, 'Y.csv')), { name: 'DataError', message: 'X has 3 samples but Y has 2' });
  writeFileSync(join(dir, 'Y.csv'), '7\n8\nnan\n');
  assert.throws(() => loadDataset(join(dir, 'X.npy'), join(dir, 'Y.csv')), { name: 'DataError', message: `${join(dir, 'Y.csv')}: value at row 3, column 1 is NaN` });
  assert.throws(() => loadDataset(join(dir, 'X.npy'), join(dir, 'none.csv')), { message: `cannot read ${join(dir, 'none.csv')}: no such file` });
}));

test('readWeightsFile reads W1..WN and reports missing or malformed files', () => withDir((dir) => {
  const w = [fromRows([[1, 2, 3], [4, 5, 6]]), fromRows([[7, 8]])];
  writeFileSync(join(dir, 'w.npz'), encodeWeights(w));
  assert.deepEqual(readWeightsFile(join(dir, 'w.npz')).map(toRows), w.map(toRows));
  assert.throws(() => readWeightsFile(join(dir, 'none.npz')), { name: 'InputError', message: `cannot read ${join(dir, 'none.npz')}: no such file` });
  writeFileSync(join(dir, 'bad.npz'), encodeNpz({ W2: M }));
  assert.throws(() => readWeightsFile(join(dir, 'bad.npz')), { name: 'DataError', message: `${join(dir, 'bad.npz')}: W1 is missing (found W2)` });
}));
