/** One value of an axis: a number, a name, a switch, or a width list. */
export type AxisValue = number | string | boolean | number[];

/** Where parseAxis reports a mistake. */
/** Collects the problems found while reading a spec, by field, so that all of them are reported at once. */
export interface ProblemSink {
  /** Records that field (a path such as `axes.lr`) has the problem message. */
  add(field: string, message: string): void;
}

/** Most values one axis may hold. */
export const MAX_AXIS_VALUES = 100000;

const RANGE = /^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$/;

/**
 * n points from a to b inclusive, linearly or logarithmically spaced (THEORY §15.1): the ends are
 * exact, interior points a + (b − a)·i/(n − 1) or a·(b/a)^(i/(n − 1)).
 */
export function spacedValues(a: number, b: number, n: number, scale: 'linear' | 'log'): number[] {
  if (n === 1) return [a];
  return Array.from({ length: n }, (_, i) => {
    if (i === 0) return a;
    if (i === n - 1) return b;
    return scale === 'log' ? a * Math.pow(b / a, i / (n - 1)) : a + ((b - a) * i) / (n - 1);
  });
}

/**
 * The values of an axis given as a list, an integer range "lo..hi" (inclusive), or
 * {"from", "to", "count", "scale": "linear" | "log"}; each value checked by problem (a message or null).
 * Returns null after reporting the mistakes to sink.
 */
export function parseAxis(field: string, raw: unknown, problem: (v: unknown) => string | null, sink: ProblemSink): AxisValue[] | null {
  let values: unknown[];
  if (Array.isArray(raw)) {
    values = raw;
  } else if (typeof raw === 'string') {
    const m = RANGE.exec(raw);
    if (m === null) { sink.add(field, `"${raw}" is not a range; write "lo..hi" (integers, inclusive) or a list`); return null; }
    const lo = Number(m[1]), hi = Number(m[2]);
    if (hi < lo) { sink.add(field, `range ${raw} is empty (hi < lo)`); return null; }
    if (hi - lo + 1 > MAX_AXIS_VALUES) { sink.add(field, `range ${raw} has more than ${MAX_AXIS_VALUES} values`); return null; }
    values = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  } else if (raw !== null && typeof raw === 'object') {
    const r = raw as Record<string, unknown>;
    const extra = Object.keys(r).filter((k) => !['from', 'to', 'count', 'scale'].includes(k));
    if (extra.length > 0) { sink.add(field, `unknown field${extra.length > 1 ? 's' : ''} ${extra.join(', ')} (a range has from, to, count, scale)`); return null; }
    const { from, to, count, scale = 'linear' } = r;
    const bad: string[] = [];
    if (typeof from !== 'number' || !Number.isFinite(from)) bad.push('from must be a finite number');
    if (typeof to !== 'number' || !Number.isFinite(to)) bad.push('to must be a finite number');
    if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > MAX_AXIS_VALUES) bad.push(`count must be an integer in 1..${MAX_AXIS_VALUES}`);
    if (scale !== 'linear' && scale !== 'log') bad.push("scale must be 'linear' or 'log'");
    if (bad.length === 0 && scale === 'log' && !((from as number) > 0 && (to as number) > 0)) bad.push('a log range needs from > 0 and to > 0');
    if (bad.length > 0) { sink.add(field, bad.join(', ')); return null; }
    values = spacedValues(from as number, to as number, count as number, scale as 'linear' | 'log');
  } else {
    sink.add(field, 'must be a list, a range "lo..hi", or {"from", "to", "count", "scale"}');
    return null;
  }
  if (values.length === 0) { sink.add(field, 'has no values'); return null; }
  if (values.length > MAX_AXIS_VALUES) { sink.add(field, `has more than ${MAX_AXIS_VALUES} values`); return null; }
  let ok = true;
  values.forEach((v, i) => {
    const p = problem(v);
    if (p !== null) { sink.add(`${field}[${i}]`, `${JSON.stringify(v)} ${p}`); ok = false; }
  });
  const seen = new Set(values.map((v) => JSON.stringify(v)));
  if (ok && seen.size !== values.length) { sink.add(field, 'lists a value twice'); ok = false; }
  return ok ? values as AxisValue[] : null;
}
