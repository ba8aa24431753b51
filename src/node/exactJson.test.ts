import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../linalg/index.ts';
import { decodeExactJson, encodeExactJson } from './exactJson.ts';

/** The 64 bits of a double, as a hex string (so that −0 and NaN payloads compare exactly). */
const bits = (v: number): string => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
};

/** Doubles with uniformly random bit patterns (every exponent, subnormals included), finite ones only. */
function randomDoubles(rng: Rng, n: number): number[] {
  const view = new DataView(new ArrayBuffer(8)), out: number[] = [];
  while (out.length < n) {
    view.setUint32(0, rng.nextUint32());
    view.setUint32(4, rng.nextUint32());
    const v = view.getFloat64(0);
    if (Number.isFinite(v)) out.push(v);
  }
  return out;
}

const EDGES = [0, -0, 5e-324, -5e-324, 2.2250738585072009e-308, 2.2250738585072014e-308, 1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1, 1 / 3, Number.EPSILON, 2 ** 53 + 2];

test('encodeExactJson round-trips random doubles, subnormals, −0 and ±1e308 bit for bit', () => {
  const rng = new Rng(8);
  const values = [...EDGES, ...randomDoubles(rng, 20000)];
  const subnormals = values.filter((v) => v !== 0 && Math.abs(v) < 2.2250738585072014e-308).length;
  assert.ok(subnormals >= 2, 'the sample holds subnormal numbers');
  for (const indent of [0, 2]) {
    const back = decodeExactJson(encodeExactJson({ values, nested: [{ v: values[1] }] }, indent)) as { values: number[]; nested: { v: number }[] };
    assert.deepEqual(back.values.map(bits), values.map(bits));
    assert.equal(bits(back.nested[0].v), bits(-0));
  }
});

test('non-finite numbers and −0 are written as explicit tags, never as null or 0, and read back', () => {
  const text = encodeExactJson({ a: Number.NaN, b: Number.POSITIVE_INFINITY, c: Number.NEGATIVE_INFINITY, d: -0, e: 0 });
  assert.equal(text, '{"a":{"$num":"NaN"},"b":{"$num":"Infinity"},"c":{"$num":"-Infinity"},"d":{"$num":"-0"},"e":0}');
  const back = decodeExactJson(text) as Record<string, number>;
  assert.ok(Number.isNaN(back.a));
  assert.equal(back.b, Number.POSITIVE_INFINITY);
  assert.equal(back.c, Number.NEGATIVE_INFINITY);
  assert.ok(Object.is(back.d, -0));
  assert.ok(Object.is(back.e, 0));
});

test('a Float64Array keeps every byte, NaN payloads included; plain JSON reads as JSON.parse reads it', () => {
  const a = new Float64Array(randomDoubles(new Rng(3), 64).concat([Number.NaN, -0, Number.NEGATIVE_INFINITY]));
  new DataView(a.buffer).setBigUint64(8 * 10, 0x7ff8_0000_dead_beefn, true);
  const back = decodeExactJson(encodeExactJson({ w: a.subarray(2) })) as { w: Float64Array };
  assert.ok(back.w instanceof Float64Array);
  assert.deepEqual(new Uint8Array(back.w.buffer), new Uint8Array(a.buffer, 16));
  const plain = '{"x":[1,2.5,"s",null,true],"o":{"$num":"NaN","other":1}}';
  assert.deepEqual(decodeExactJson(plain), JSON.parse(plain));
});

test('a malformed tag is a SyntaxError, not a silent value', () => {
  assert.throws(() => decodeExactJson('{"$num":"nan"}'), SyntaxError);
  assert.throws(() => decodeExactJson('{"$num":1}'), SyntaxError);
  assert.throws(() => decodeExactJson('{"$f64":"AAAA"}'), SyntaxError);
});
