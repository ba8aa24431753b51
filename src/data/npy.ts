import { type Mat } from '../linalg/mat.ts';
import { DataError } from '../errors.ts';

/** An array read from a .npy file: shape, values as float64 in C (row-major) order, and the file's memory order. */
export interface ParsedNpy {
  readonly shape: number[];
  readonly data: Float64Array;
  readonly fortranOrder: boolean;
}

/** What a user can do with an array of a dtype dln does not read. */
const HOW_TO_CONVERT = ' (dln reads real floats of 16, 32 or 64 bits, integers and bool; save numpy.asarray(a, dtype=float) instead)';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ALIGN = 64;
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Reader = (v: DataView, offset: number, le: boolean) => number;

/** The IEEE 754 binary16 value of the 16 bits h (exact in float64: subnormals, ±0, ±∞ and NaN included). */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : Number.NaN;
  return sign * (1024 + frac) * 2 ** (exp - 25);
}
const READERS: Record<string, [size: number, read: Reader]> = {
  f8: [8, (v, o, le) => v.getFloat64(o, le)],
  f4: [4, (v, o, le) => v.getFloat32(o, le)],
  f2: [2, (v, o, le) => halfToNumber(v.getUint16(o, le))],
  i1: [1, (v, o) => v.getInt8(o)],
  i2: [2, (v, o, le) => v.getInt16(o, le)],
  i4: [4, (v, o, le) => v.getInt32(o, le)],
  i8: [8, (v, o, le) => Number(v.getBigInt64(o, le))],
  u1: [1, (v, o) => v.getUint8(o)],
  u2: [2, (v, o, le) => v.getUint16(o, le)],
  u4: [4, (v, o, le) => v.getUint32(o, le)],
  u8: [8, (v, o, le) => Number(v.getBigUint64(o, le))],
  b1: [1, (v, o) => (v.getUint8(o) === 0 ? 0 : 1)],
};

/**
 * Parses a .npy file (format versions 1.0, 2.0, 3.0) of float64/float32/float16/(u)int8–64/bool, either byte
 * order, C or Fortran order. Values come back as float64 in C order (int64 beyond 2⁵³ rounds).
 * `name` prefixes every DataError message ("X.npy: unsupported dtype '<c16'").
 */
export function parseNpy(bytes: Uint8Array, name?: string): ParsedNpy {
  const fail: (msg: string) => never = (msg) => { throw new DataError(name === undefined ? msg : `${name}: ${msg}`); };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (bad magic)');
  const major = bytes[6];
  if (major !== 1 && major !== 2 && major !== 3) fail(`unsupported .npy format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) fail('truncated .npy header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenSize;
  if (bytes.length < start + headerLen) fail('truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  if (descr === undefined) {
    fail(/['"]descr['"]\s*:\s*\[/.test(header) ? `unsupported dtype (structured array)${HOW_TO_CONVERT}` : 'malformed .npy header (no descr)');
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  if (fortran === undefined) fail('malformed .npy header (no fortran_order)');
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) fail('malformed .npy header (no shape)');
  const shape = shapeText.split(',').map((s) => s.trim().replace(/L$/, '')).filter((s) => s !== '').map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`malformed .npy header (shape (${shapeText}))`);

  const order = descr[0];
  const kind = /^[<>|=]/.test(descr) ? descr.slice(1) : descr;
  const entry = READERS[kind];
  if (entry === undefined) fail(`unsupported dtype '${descr}'${HOW_TO_CONVERT}`);
  const [size, read] = entry;
  const le = order !== '>';
  const count = shape.reduce((a, b) => a * b, 1);
  const available = bytes.length - start - headerLen;
  if (available < count * size) fail(`truncated data: expected ${count * size} bytes, found ${available}`);

  const data = new Float64Array(count);
  const offset = start + headerLen;
  if (kind === 'f8' && le === HOST_LE) {
    new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + count * 8));
  } else {
    for (let i = 0; i < count; i++) data[i] = read(view, offset + i * size, le);
  }
  const fortranOrder = fortran === 'True';
  return { shape, data: fortranOrder && shape.length > 1 ? fortranToC(data, shape) : data, fortranOrder };
}

/** Reorders column-major (Fortran) values of the given shape into row-major order. */
function fortranToC(src: Float64Array, shape: number[]): Float64Array {
  const out = new Float64Array(src.length);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  const fStride = new Array<number>(nd);
  for (let k = 0, s = 1; k < nd; k++) { fStride[k] = s; s *= shape[k]; }
  for (let c = 0; c < out.length; c++) {
    let f = 0;
    for (let k = 0; k < nd; k++) f += idx[k] * fStride[k];
    out[c] = src[f];
    for (let k = nd - 1; k >= 0; k--) { if (++idx[k] < shape[k]) break; idx[k] = 0; }
  }
  return out;
}

/** The parsed array as a matrix: 2-D as is, 1-D as a column (m samples of one feature); other ranks are a DataError. */
export function matFromNpy(p: ParsedNpy, name = 'array'): Mat {
  if (p.shape.length === 2) return { rows: p.shape[0], cols: p.shape[1], data: p.data };
  if (p.shape.length === 1) return { rows: p.shape[0], cols: 1, data: p.data };
  throw new DataError(`${name}: expected a 1-D or 2-D array, got shape ${pyShape(p.shape)}`);
}

/** A shape written as Python does: (3,), (3, 4), (). */
export function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * m as a .npy file: '<f8', C order, version 1.0, header padded to 64 bytes exactly as numpy.save writes it.
 * shape (default [rows, cols]) may give another one of as many entries, e.g. [n] for a vector.
 */
export function encodeNpy(m: Mat, shape: readonly number[] = [m.rows, m.cols]): Uint8Array {
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 0) || shape.reduce((a, d) => a * d, 1) !== m.data.length) {
    throw new RangeError(`encodeNpy: shape ${pyShape(shape)} does not hold the ${m.data.length} entries of a ${m.rows}×${m.cols} matrix`);
  }
  let dict = `{'descr': '<f8', 'fortran_order': False, 'shape': ${pyShape(shape)}, }`;
  // numpy leaves room for the first axis to grow to 21 digits (format.GROWTH_AXIS_MAX_DIGITS).
  dict += ' '.repeat(21 - String(shape[0]).length);
  const hlen = dict.length + 1;
  const pad = ALIGN - ((MAGIC.length + 2 + 2 + hlen) % ALIGN);
  const headerLen = hlen + pad;
  if (headerLen > 0xffff) throw new RangeError(`encodeNpy: header of ${headerLen} bytes does not fit version 1.0`);
  const out = new Uint8Array(10 + headerLen + 8 * m.data.length);
  out.set(MAGIC, 0);
  out[6] = 1; out[7] = 0;
  new DataView(out.buffer).setUint16(8, headerLen, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  out.fill(0x20, 10 + dict.length, 10 + headerLen - 1);
  out[10 + headerLen - 1] = 0x0a;
  const body = new DataView(out.buffer, 10 + headerLen);
  for (let i = 0; i < m.data.length; i++) body.setFloat64(i * 8, m.data[i], true);
  return out;
}
