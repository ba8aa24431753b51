import { type Mat, toRows } from '../linalg/mat.ts';
import { DataError } from '../errors.ts';

/** A parsed delimited text table: the optional header row and the numbers, one sample per row. */
export interface CsvTable {
  readonly header: string[] | null;
  readonly rows: Mat;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

function toNumber(s: string): number {
  const lower = s.toLowerCase().replace(/^\+/, '');
  if (lower === 'nan' || lower === '-nan') return Number.NaN;
  if (lower === 'inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number(s);
}

/** Splits one line at delim outside double quotes; fields are trimmed, quotes are kept. */
function splitQuoted(line: string, delim: string): string[] {
  const fields: string[] = [];
  let start = 0, quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === delim && !quoted) { fields.push(line.slice(start, i).trim()); start = i + 1; }
  }
  fields.push(line.slice(start).trim());
  return fields;
}

function unquote(field: string): string {
  return field.length >= 2 && field.startsWith('"') && field.endsWith('"') ? field.slice(1, -1).replace(/""/g, '"') : field;
}

/** The delimiter: ',' or ';' when one occurs, else tab when one occurs, else runs of spaces. */
function detectDelimiter(lines: readonly string[], name: string): string | null {
  const has = (c: string): boolean => lines.some((l) => l.includes(c));
  const comma = has(','), semicolon = has(';');
  if (comma && semicolon) throw new DataError(`${name}: ambiguous delimiter (both ',' and ';' occur)`);
  return comma ? ',' : semicolon ? ';' : has('\t') ? '\t' : null;
}

/**
 * Parses delimited text with one sample per row: comma, or semicolon, tab or spaces when no comma
 * occurs; an optional header (the first row, when none of its fields is an unquoted number);
 * blank lines and '#' comment lines are skipped; nan/inf are read (validation rejects them later).
 * Rows count data rows from 1; "(line n)" is added where the file's line number differs.
 */
export function parseCsvTable(text: string, name = 'CSV'): CsvTable {
  const allLines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const lines: string[] = [], lineNos: number[] = [];
  allLines.forEach((l, i) => {
    const t = l.trim();
    if (t !== '' && !t.startsWith('#')) { lines.push(l); lineNos.push(i + 1); }
  });
  const delim = detectDelimiter(lines, name);
  const split = (l: string): string[] => (delim === null ? l.trim().split(/\s+/) : splitQuoted(l, delim));

  let first = 0, header: string[] | null = null;
  if (lines.length > 0) {
    const fields = split(lines[0]);
    if (!fields.some((f) => NUMBER.test(f))) { header = fields.map(unquote); first = 1; }
  }
  if (lines.length === first) throw new DataError(`${name}: no data rows`);

  const cols = header?.length ?? split(lines[0]).length;
  const rows = lines.length - first;
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const lineNo = lineNos[first + r];
    const where = lineNo === r + 1 ? `row ${r + 1}` : `row ${r + 1} (line ${lineNo})`;
    const fields = split(lines[first + r]);
    if (fields.length !== cols) throw new DataError(`${name}: ${where} has ${fields.length} values, expected ${cols}`);
    for (let c = 0; c < cols; c++) {
      const f = unquote(fields[c]).trim();
      if (f === '') throw new DataError(`${name}: ${where}, column ${c + 1} is empty`);
      if (!NUMBER.test(f)) throw new DataError(`${name}: ${where}, column ${c + 1}: '${f}' is not a number`);
      data[r * cols + c] = toNumber(f);
    }
  }
  return { header, rows: { rows, cols, data } };
}

/** The numbers of a delimited text file as a matrix with one sample per row (see parseCsvTable). */
export function parseCsv(text: string, name = 'CSV'): Mat {
  return parseCsvTable(text, name).rows;
}

/** Shortest text that reads back to the same double (numpy spelling for nan, inf, -inf; keeps -0). */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Number.POSITIVE_INFINITY) return 'inf';
  if (v === Number.NEGATIVE_INFINITY) return '-inf';
  return Object.is(v, -0) ? '-0' : String(v);
}

function formatName(s: string): string {
  return /[",;\t\r\n]|^\s|\s$/.test(s) || NUMBER.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Comma-separated text, one row per line ('\n', final newline), numbers in shortest round-trip form; names are quoted where needed. */
export function encodeCsv(header: readonly string[] | null, rows: Mat | readonly (readonly number[])[]): string {
  const table: readonly (readonly number[])[] = 'data' in rows ? toRows(rows) : rows;
  const cols = header?.length ?? table[0]?.length ?? 0;
  const out: string[] = [];
  if (header !== null) out.push(header.map(formatName).join(','));
  table.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`encodeCsv: row ${i + 1} has ${row.length} values, expected ${cols}`);
    out.push(row.map(formatNumber).join(','));
  });
  return out.join('\n') + '\n';
}
