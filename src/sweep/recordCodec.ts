/**
 * JSON that keeps every float64 bit of a cell record: plain JSON numbers round-trip exactly, and
 * the values JSON cannot hold (NaN, ±Infinity, −0) are tagged as {"$num": "NaN"}.
 */
export function encodeRecordJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { $num: Object.is(v, -0) ? '-0' : String(v) };
    return v;
  });
}

/** The inverse of encodeRecordJson. */
export function decodeRecordJson<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && '$num' in v && Object.keys(v).length === 1) {
      const s = (v as { $num: string }).$num;
      return s === '-0' ? -0 : Number(s);
    }
    return v;
  }) as T;
}
