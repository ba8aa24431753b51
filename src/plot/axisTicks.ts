import { logTicks, tickFormat, type Domain } from './niceDomain.ts';

const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** v (> 0) as a power of ten, with its 1-2-5 mantissa where it has one: 1e-7 → '10⁻⁷', 5e-5 → '5·10⁻⁵', 1 → '10⁰'. */
export function powerOfTen(v: number): string {
  const e = Math.floor(Math.log10(v) + 1e-9);
  const m = Number((v / 10 ** e).toPrecision(3));
  const digits = [...String(Math.abs(e))].map((d) => SUPERSCRIPT_DIGITS[Number(d)]).join('');
  const p = `10${e < 0 ? '⁻' : ''}${digits}`;
  return m === 1 ? p : `${m}·${p}`;
}

/** Tick values and label settings of one axis, ready to spread into a vega-lite axis. */
export interface AxisTicks { values?: number[]; format?: string; labelExpr?: string }

/**
 * Ticks of an axis over domain. A log axis gets logTicks; when a tick is below 10⁻³ or at least
 * 10⁵, every label is written as a power of ten (10⁻⁶, 2·10⁻⁵) rather than 0.000001 beside 1e-7.
 * Other axes get tickFormat's d3 format.
 */
export function axisTicks(domain: Domain, log: boolean): AxisTicks {
  const format = tickFormat(domain, log);
  const values = log ? logTicks(domain) : undefined;
  if (values === undefined) return format === undefined ? {} : { format };
  if (values.every((v) => v >= 1e-3 && v < 1e5)) return { values, format: '~g' };
  // A chain of comparisons at the geometric midpoints between ticks picks each tick's label.
  const labels = values.map(powerOfTen);
  let expr = `'${labels[labels.length - 1]}'`;
  for (let i = values.length - 2; i >= 0; i--) expr = `datum.value < ${Math.sqrt(values[i] * values[i + 1])} ? '${labels[i]}' : ${expr}`;
  return { values, labelExpr: expr };
}
