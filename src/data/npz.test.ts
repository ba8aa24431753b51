import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { parseNpz, encodeNpz, encodeWeights, decodeWeights } from './npz.ts';
import { encodeNpy } from './npy.ts';
import { fromRows, type Mat } from '../linalg/mat.ts';
import { Rng } from '../linalg/rng.ts';
import { hasNumpy, python } from '../../test/helpers/numpy.ts';
import { withTempDir } from '../../test/helpers/tempDir.ts';

function randomMat(rng: Rng, rows: number, cols: number): Mat {
  return { rows, cols, data: rng.fillNormal(new Float64Array(rows * cols)) };
}

/** Arrays numpy wrote once for the whole file: plain.npz, packed.npz, w.npz and their values. */
let numpyWritten: { dir: string; expected: Record<string, { shape: number[]; values: number[] }> } | undefined;

before(() => {
  if (!hasNumpy()) return;
  const dir = mkdtempSync(join(tmpdir(), 'dln-npz-'));
  const expected = JSON.parse(python(`
import numpy as np, sys, os, json
d = sys.argv[1]
rng = np.random.default_rng(11)
arrs = {'X': rng.standard_normal((40, 5)), 'Y': np.asfortranarray(rng.standard_normal((40, 3))),
        'small': rng.standard_normal((2, 2)).astype(np.float32), 'v': np.arange(4)}
np.savez(os.path.join(d, 'plain.npz'), **arrs)
np.savez_compressed(os.path.join(d, 'packed.npz'), **arrs)
np.savez_compressed(os.path.join(d, 'w.npz'), W2=rng.standard_normal((3, 4)), W1=rng.standard_normal((4, 5)).astype(np.float32), W3=np.ones((2, 3)))
print(json.dumps({k: {'shape': list(a.shape), 'values': a.astype(np.float64).ravel().tolist()} for k, a in arrs.items()}))`, dir));
  numpyWritten = { dir, expected };
});

after(() => { if (numpyWritten !== undefined) rmSync(numpyWritten.dir, { recursive: true, force: true }); });

test('parseNpz reads what numpy.savez and numpy.savez_compressed write, float32 and Fortran order included', { skip: !hasNumpy() && 'numpy not available' }, () => {
  const { dir, expected } = numpyWritten!;
  for (const file of ['plain.npz', 'packed.npz']) {
    const arrays = parseNpz(readFileSync(join(dir, file)), file);
    assert.deepEqual([...arrays.keys()], ['X', 'Y', 'small', 'v'], file);
    for (const [key, p] of arrays) {
      assert.deepEqual(p.shape, expected[key].shape, `${file} ${key}`);
      assert.deepEqual(Array.from(p.data), expected[key].values, `${file} ${key}`);
    }
  }
});

test('numpy.load reads the arrays of encodeNpz, stored and compressed', { skip: !hasNumpy() && 'numpy not available' }, () => {
  withTempDir('npz', (dir) => {
    const rng = new Rng(5);
    const a = randomMat(rng, 7, 3), b = randomMat(rng, 1, 4);
    writeFileSync(join(dir, 'stored.npz'), encodeNpz({ a, b }));
    writeFileSync(join(dir, 'deflated.npz'), encodeNpz({ a, b }, { compress: true }));
    const got = JSON.parse(python(`
import numpy as np, sys, json
out = {}
for path in sys.argv[1:]:
    z = np.load(path)
    out[path] = {k: {'dtype': str(z[k].dtype), 'shape': list(z[k].shape), 'values': z[k].ravel().tolist()} for k in z.files}
print(json.dumps(out))`, join(dir, 'stored.npz'), join(dir, 'deflated.npz'))) as Record<string, unknown>;
    for (const file of ['stored.npz', 'deflated.npz']) {
      assert.deepEqual(got[join(dir, file)], {
        a: { dtype: 'float64', shape: [7, 3], values: Array.from(a.data) },
        b: { dtype: 'float64', shape: [1, 4], values: Array.from(b.data) },
      }, file);
    }
  });
});

test('decodeWeights reads W1..WN that numpy wrote, and numpy reads encodeWeights as W1..WN', { skip: !hasNumpy() && 'numpy not available' }, () => {
  const { dir } = numpyWritten!;
  const w = decodeWeights(readFileSync(join(dir, 'w.npz')), 'w.npz');
  assert.deepEqual(w.map((m) => [m.rows, m.cols]), [[4, 5], [3, 4], [2, 3]]);
  assert.deepEqual(Array.from(w[2].data), new Array(6).fill(1));
  writeFileSync(join(dir, 'back.npz'), encodeWeights(w));
  const same = python(`
import numpy as np, sys
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
print(sorted(b.files), all(np.array_equal(a[k].astype(np.float64), b[k]) and b[k].dtype == np.float64 for k in a.files))`,
  join(dir, 'w.npz'), join(dir, 'back.npz'));
  assert.equal(same.trim(), "['W1', 'W2', 'W3'] True");
});

test('decodeWeights(encodeWeights(w)) returns the same shapes and bits', () => {
  const rng = new Rng(1);
  const w = [randomMat(rng, 4, 5), randomMat(rng, 4, 4), randomMat(rng, 5, 4)];
  const back = decodeWeights(encodeWeights(w));
  assert.equal(back.length, 3);
  back.forEach((m, j) => {
    assert.deepEqual([m.rows, m.cols], [w[j].rows, w[j].cols]);
    assert.deepEqual(new Uint8Array(m.data.buffer), new Uint8Array(w[j].data.buffer));
  });
});

test('encodeNpz stamps members with a fixed date (1980-01-01 00:00) so equal arrays give identical bytes', () => {
  const m = fromRows([[1, 2], [3, 4]]);
  const bytes = encodeNpz({ m });
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  assert.equal(view.getUint32(0, true), 0x04034b50);
  assert.deepEqual([view.getUint16(10, true), view.getUint16(12, true)], [0, (1 << 5) | 1]);
  assert.deepEqual(encodeNpz({ m }), encodeNpz({ m: fromRows([[1, 2], [3, 4]]) }));
  assert.deepEqual(encodeNpz({ m }, { compress: true }), encodeNpz({ m }, { compress: true }));
});

test('encodeNpz with compress deflates the members', () => {
  const z = { rows: 100, cols: 100, data: new Float64Array(10000) };
  assert.ok(encodeNpz({ z }, { compress: true }).length < encodeNpz({ z }).length / 10);
});

test('parseNpz skips members that are not .npy files', () => {
  const zip = zipSync({ 'notes.txt': new TextEncoder().encode('hi'), 'A.npy': encodeNpy(fromRows([[1]])) });
  assert.deepEqual([...parseNpz(zip).keys()], ['A']);
});

test('parseNpz and decodeWeights reject bad archives with a one-line DataError naming the file', () => {
  const npy = (rows: number[][]): Uint8Array => encodeNpy(fromRows(rows));
  const zip = (members: Record<string, Uint8Array>): Uint8Array => zipSync(members);
  const one = [[1, 2]];
  const cases: [Uint8Array, string][] = [
    [new TextEncoder().encode('1,2,3\n'), 'w.npz: not a .npz file (invalid zip data)'],
    [zip({ 'a.txt': new Uint8Array(1) }), 'w.npz: contains no arrays'],
    [zip({ 'W1.npy': new Uint8Array(12) }), 'w.npz: W1.npy: not a .npy file (bad magic)'],
    [zip({ 'W1.npy': npy(one), 'b1.npy': npy(one) }), "w.npz: unexpected array 'b1' (a weights file holds W1..WN)"],
    [zip({ 'W0.npy': npy(one) }), "w.npz: unexpected array 'W0' (a weights file holds W1..WN)"],
    [zip({ 'W1.npy': npy(one), 'W3.npy': npy(one) }), 'w.npz: W2 is missing (found W1, W3)'],
    [zip({ 'W1.npy': npy([[1, 2], [3, 4]]), 'W2.npy': npy([[1, 2, 3]]) }), 'w.npz: W2 has 3 columns but W1 has 2 rows'],
    [zip({ 'W1.npy': npy([[1, Number.NaN]]) }), 'w.npz: W1: value at row 1, column 2 is NaN'],
  ];
  for (const [bytes, message] of cases) assert.throws(() => decodeWeights(bytes, 'w.npz'), { name: 'DataError', message });
  const vector = new Uint8Array(encodeNpy(fromRows([[1, 2, 3]])));
  const text = new TextDecoder('latin1').decode(vector).replace("'shape': (1, 3), ", "'shape': (3,),   ");
  const bytes1d = Uint8Array.from(text, (c) => c.charCodeAt(0));
  assert.throws(() => decodeWeights(zip({ 'W1.npy': bytes1d }), 'w.npz'), { name: 'DataError', message: 'w.npz: W1 must be 2-D, got shape (3,)' });
});
