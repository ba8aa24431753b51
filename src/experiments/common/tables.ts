import type { Table } from '../types.ts';

/** About maxRows indices 0, s, 2s, … < n, always ending with n − 1 (a long curve thinned for a CSV table). */
export function stridedIndices(n: number, maxRows: number): number[] {
  if (n <= 0) return [];
  const stride = Math.max(1, Math.ceil(n / maxRows));
  const idx: number[] = [];
  for (let i = 0; i < n; i += stride) idx.push(i);
  if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  return idx;
}

/**
 * Curves of different lengths side by side: column `x` holds the iteration, one column per curve,
 * empty cells where a curve has ended; rows thinned to about maxRows.
 */
export function curvesTable(x: string, curves: readonly { name: string; values: ArrayLike<number> }[], maxRows = 2000): Table {
  const n = Math.max(0, ...curves.map((c) => c.values.length));
  const rows = stridedIndices(n, maxRows).map((k) => [k, ...curves.map((c) => (k < c.values.length ? c.values[k] : ''))]);
  return { header: [x, ...curves.map((c) => c.name)], rows };
}

/** Columns of equal length as a table. */
export function columnsTable(columns: Record<string, ArrayLike<number | string>>): Table {
  const header = Object.keys(columns);
  const n = Math.max(0, ...header.map((h) => columns[h].length));
  const rows = Array.from({ length: n }, (_, i) => header.map((h) => columns[h][i] ?? ''));
  return { header, rows };
}
