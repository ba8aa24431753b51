/**
 * JSON that gives back every float64 bit: a finite number is written in JavaScript's shortest
 * round-trip form (which parses to the same double, subnormals and ±1e308 included); the values JSON
 * cannot write are tagged explicitly: −0 and the non-finite numbers as `{"$num": "-0" | "NaN" |
 * "Infinity" | "-Infinity"}`, a Float64Array as `{"$f64": base64 of its bytes}` (NaN payloads kept).
 * decodeExactJson reads both back; an object whose only key is `$num` or `$f64` is always a tag.
 */
export function encodeExactJson(value: unknown, indent = 0): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Float64Array) return { $f64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { $num: Object.is(v, -0) ? '-0' : String(v) };
    return v;
  }, indent);
}

const NUMBER_TAGS: Record<string, number> = { '-0': -0, NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** Parses what encodeExactJson wrote (and any plain JSON); a malformed tag is a SyntaxError. */
export function decodeExactJson(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const keys = Object.keys(v);
    if (keys.length !== 1) return v;
    const tag = (v as Record<string, unknown>)[keys[0]];
    if (keys[0] === '$num') {
      if (typeof tag !== 'string' || !(tag in NUMBER_TAGS)) throw new SyntaxError(`exact JSON: bad number tag ${JSON.stringify(tag)}`);
      return NUMBER_TAGS[tag];
    }
    if (keys[0] === '$f64') {
      if (typeof tag !== 'string') throw new SyntaxError('exact JSON: a $f64 tag must be a base64 string');
      const bytes = Buffer.from(tag, 'base64');
      if (bytes.byteLength % 8 !== 0) throw new SyntaxError(`exact JSON: a $f64 tag holds ${bytes.byteLength} bytes, not a multiple of 8`);
      return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
    return v;
  });
}
