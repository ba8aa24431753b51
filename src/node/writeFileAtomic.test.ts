import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './writeFileAtomic.ts';
import { encodeNpy } from '../data/npy.ts';
import { fromRows } from '../linalg/mat.ts';

function withDir<T>(fn: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'dln-files-'));
  return Promise.resolve(fn(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const M = fromRows([[1, 2], [3, 4], [5, 6]]);

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
