import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNpy, encodeNpy, matFromNpy, halfToNumber } from './npy.ts';
import { fromRows } from '../linalg/mat.ts';
import { DataError } from '../errors.ts';
import { hasNumpy, python } from '../../test/helpers/numpy.ts';

/** A version-1.0 .npy file with the given header dict text and body bytes (header not padded). */
function rawNpy(dict: string, body: ArrayLike<number> = [], major = 1): Uint8Array {
  const head = new TextEncoder().encode(dict + '\n');
  const lenSize = major === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lenSize + head.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  if (major === 1) new DataView(out.buffer).setUint16(8, head.length, true);
  else new DataView(out.buffer).setUint32(8, head.length, true);
  out.set(head, 8 + lenSize);
  out.set(body, 8 + lenSize + head.length);
  return out;
}

const WRITE_ALL_KINDS = `
import numpy as np, json, sys, os
d = sys.argv[1]
rng = np.random.default_rng(7)
cases = []
def save(name, a, version):
    with open(os.path.join(d, name), 'wb') as f:
        np.lib.format.write_array(f, a, version=version)
    cases.append({'file': name, 'shape': list(a.shape), 'values': a.astype(np.float64).ravel(order='C').tolist(),
                  'fortran': bool(a.flags.f_contiguous and not a.flags.c_contiguous)})
floats = rng.standard_normal((3, 4)) * 100
signed = rng.integers(-100, 100, (3, 4))
unsigned = rng.integers(0, 250, (3, 4))
for dt in ['<f8', '>f8', '<f4', '>f4', '<f2', '>f2', '|i1', '<i2', '>i2', '<i4', '>i4', '<i8', '>i8',
           '|u1', '<u2', '>u2', '<u4', '>u4', '<u8', '>u8', '|b1']:
    src = floats if dt[1] == 'f' else unsigned if dt[1] == 'u' else signed if dt[1] == 'i' else floats > 0
    for order in 'CF':
        save(f'{dt[1:]}_{"le" if dt[0] == "<" else "be"}_{order}.npy', np.asarray(src, dtype=dt, order=order), (1, 0))
cube = np.asfortranarray(rng.standard_normal((2, 3, 4)))
save('cube_F.npy', cube, (1, 0))
save('v2.npy', floats, (2, 0))
save('v3.npy', floats, (3, 0))
save('vector.npy', rng.standard_normal(5), (1, 0))
save('big_i8.npy', np.array([2**53, -2**53, 2**62], dtype='<i8'), (1, 0))
rng = np.random.default_rng(3)
special = np.array([[np.nan, np.inf, -np.inf], [-0.0, 5e-324, 1.7976931348623157e308]])
arrays = [rng.standard_normal((3, 4)), np.ones((1, 1)), np.zeros((0, 5)), rng.standard_normal((1000, 5)),
          rng.standard_normal((123456, 1)), special]
for k, a in enumerate(arrays):
    np.save(os.path.join(d, f'ref{k}.npy'), a)
print(json.dumps(cases))
`;

/** Files numpy wrote once for the whole file, with the values it saved. */
let numpyWritten: { dir: string; cases: { file: string; shape: number[]; values: number[]; fortran: boolean }[] } | undefined;

before(() => {
  if (!hasNumpy()) return;
  const dir = mkdtempSync(join(tmpdir(), 'dln-npy-'));
  numpyWritten = { dir, cases: JSON.parse(python(WRITE_ALL_KINDS, dir)) };
});

after(() => { if (numpyWritten !== undefined) rmSync(numpyWritten.dir, { recursive: true, force: true }); });

test('parseNpy reads every supported dtype, byte order, memory order and format version exactly as numpy.load does', { skip: !hasNumpy() && 'numpy not available' }, () => {
  const { dir, cases } = numpyWritten!;
  assert.ok(cases.length >= 40);
  for (const c of cases) {
    const p = parseNpy(readFileSync(join(dir, c.file)), c.file);
    assert.deepEqual(p.shape, c.shape, c.file);
    assert.equal(p.fortranOrder, c.fortran, c.file);
    assert.deepEqual(Array.from(p.data), c.values, c.file);
  }
});

test('encodeNpy writes byte for byte what numpy.save writes, NaN, ±Inf, -0 and subnormals included', { skip: !hasNumpy() && 'numpy not available' }, () => {
  const { dir } = numpyWritten!;
  for (let k = 0; k < 6; k++) {
    const ref = readFileSync(join(dir, `ref${k}.npy`));
    const mat = matFromNpy(parseNpy(ref));
    assert.deepEqual(Buffer.from(encodeNpy(mat)), ref, `ref${k}.npy`);
  }
});

test('encodeNpy with a shape of one axis writes the bytes numpy.save writes for a vector; a shape of the wrong size is a RangeError', { skip: !hasNumpy() && 'numpy not available' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dln-npy-'));
  try {
    const v = [-1.5, 0, 2 ** -1074, 7.25e300];
    python(`
import numpy as np, sys
np.save(sys.argv[1], np.array([-1.5, 0, 5e-324, 7.25e300], dtype='<f8'))`, join(dir, 'v.npy'));
    assert.deepEqual(Buffer.from(encodeNpy({ rows: 4, cols: 1, data: Float64Array.from(v) }, [4])), readFileSync(join(dir, 'v.npy')));
    assert.throws(() => encodeNpy({ rows: 4, cols: 1, data: Float64Array.from(v) }, [5]), /encodeNpy: shape \(5,\) does not hold the 4 entries/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('numpy.load reads what encodeNpy writes', { skip: !hasNumpy() && 'numpy not available' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dln-npy-'));
  try {
    const m = fromRows([[1.5, -2.25, 1e-300], [Math.PI, -0, 12345.678901234567]]);
    writeFileSync(join(dir, 'w.npy'), encodeNpy(m));
    const out = JSON.parse(python(`
import numpy as np, sys, json
a = np.load(sys.argv[1])
print(json.dumps({'dtype': str(a.dtype), 'shape': list(a.shape), 'c': bool(a.flags.c_contiguous),
                  'values': a.ravel().tolist(), 'signbit': bool(np.signbit(a[1, 1]))}))`, join(dir, 'w.npy')));
    assert.deepEqual(out, { dtype: 'float64', shape: [2, 3], c: true, values: Array.from(m.data), signbit: true });
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('parseNpy of encodeNpy returns the same shape and bits', () => {
  const m = fromRows([[1, 2, 3], [4, 5, Number.NaN]]);
  const p = parseNpy(encodeNpy(m));
  assert.deepEqual(p.shape, [2, 3]);
  assert.equal(p.fortranOrder, false);
  assert.deepEqual(new Uint8Array(p.data.buffer), new Uint8Array(m.data.buffer));
});

test('parseNpy reads a byte array that starts at an odd offset of its buffer', () => {
  const bytes = encodeNpy(fromRows([[1, 2], [3, 4]]));
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  assert.deepEqual(Array.from(parseNpy(shifted.subarray(1)).data), [1, 2, 3, 4]);
});

test('matFromNpy takes a 1-D array as a column and rejects 3-D arrays', () => {
  const col = matFromNpy(parseNpy(rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(new Float64Array([1, 2, 3]).buffer))));
  assert.deepEqual([col.rows, col.cols, Array.from(col.data)], [3, 1, [1, 2, 3]]);
  const cube = parseNpy(rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1), }", new Uint8Array(8)));
  assert.throws(() => matFromNpy(cube, 'X.npy'), { name: 'DataError', message: 'X.npy: expected a 1-D or 2-D array, got shape (1, 1, 1)' });
});

test('parseNpy rejects bad input with a one-line DataError naming the file and the problem', () => {
  const cases: [Uint8Array, string][] = [
    [new TextEncoder().encode('a,b\n1,2\n'), 'X.npy: not a .npy file (bad magic)'],
    [new Uint8Array(3), 'X.npy: not a .npy file (bad magic)'],
    [rawNpy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16)), "X.npy: unsupported dtype '<c16' (dln reads real floats of 16, 32 or 64 bits, integers and bool; save numpy.asarray(a, dtype=float) instead)"],
    [rawNpy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), "X.npy: unsupported dtype '|O' (dln reads real floats of 16, 32 or 64 bits, integers and bool; save numpy.asarray(a, dtype=float) instead)"],
    [rawNpy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }"), 'X.npy: unsupported dtype (structured array) (dln reads real floats of 16, 32 or 64 bits, integers and bool; save numpy.asarray(a, dtype=float) instead)'],
    [rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", new Uint8Array(24)), 'X.npy: truncated data: expected 32 bytes, found 24'],
    [rawNpy("{'descr': '<f8', 'shape': (2, 2), }"), 'X.npy: malformed .npy header (no fortran_order)'],
    [rawNpy("{'descr': '<f8', 'fortran_order': False, }"), 'X.npy: malformed .npy header (no shape)'],
    [rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8), 4), 'X.npy: unsupported .npy format version 4.0'],
    [rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }").subarray(0, 20), 'X.npy: truncated .npy header'],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => parseNpy(bytes, 'X.npy'), (e: unknown) => e instanceof DataError && e.message === message && !message.includes('\n'), message);
  }
  assert.throws(() => parseNpy(new Uint8Array(3)), { message: 'not a .npy file (bad magic)' });
});

test('float16 values decode exactly: subnormals, the largest half, signed zero, infinities and NaN', () => {
  assert.equal(halfToNumber(0x0001), 2 ** -24);
  assert.equal(halfToNumber(0x03ff), 1023 * 2 ** -24);
  assert.equal(halfToNumber(0x0400), 2 ** -14);
  assert.equal(halfToNumber(0x3c00), 1);
  assert.equal(halfToNumber(0xc100), -2.5);
  assert.equal(halfToNumber(0x7bff), 65504);
  assert.ok(Object.is(halfToNumber(0x8000), -0));
  assert.equal(halfToNumber(0x7c00), Infinity);
  assert.equal(halfToNumber(0xfc00), -Infinity);
  assert.ok(Number.isNaN(halfToNumber(0x7e00)));
});
