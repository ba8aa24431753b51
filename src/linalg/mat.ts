/** Row-major dense matrix: entry (i, j) is data[i * cols + j]. */
export interface Mat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A new rows×cols matrix of zeros. */
export function zeros(rows: number, cols: number): Mat {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`zeros: invalid shape ${rows}×${cols}`);
  }
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** The n×n identity (or the rectangular identity I_{rows,cols} when cols is given). */
export function eye(rows: number, cols: number = rows): Mat {
  const m = zeros(rows, cols);
  for (let i = 0; i < Math.min(rows, cols); i++) m.data[i * cols + i] = 1;
  return m;
}

/** Wraps (or copies from) row-major numbers as a rows×cols matrix. */
export function fromArray(rows: number, cols: number, values: ArrayLike<number>): Mat {
  if (values.length !== rows * cols) {
    throw new RangeError(`fromArray: ${values.length} values do not fill ${rows}×${cols}`);
  }
  return { rows, cols, data: Float64Array.from(values) };
}

/** Matrix from an array of rows (convenient in tests and examples). */
export function fromRows(rows: readonly (readonly number[])[]): Mat {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0].length;
  const m = zeros(r, c);
  for (let i = 0; i < r; i++) {
    if (rows[i].length !== c) throw new RangeError(`fromRows: row ${i} has ${rows[i].length} entries, expected ${c}`);
    for (let j = 0; j < c; j++) m.data[i * c + j] = rows[i][j];
  }
  return m;
}

/** Array of rows (for printing, JSON and tests). */
export function toRows(a: Mat): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.rows; i++) out.push(Array.from(a.data.subarray(i * a.cols, (i + 1) * a.cols)));
  return out;
}

/** A deep copy of a. */
export function clone(a: Mat): Mat {
  return { rows: a.rows, cols: a.cols, data: a.data.slice() };
}

/** out = a (shapes must match); returns out. */
export function copyInto(out: Mat, a: Mat): Mat {
  assertSameShape('copyInto', out, a);
  out.data.set(a.data);
  return out;
}

/** out = aᵀ; out must not alias a. */
export function transpose(out: Mat, a: Mat): Mat {
  if (out.rows !== a.cols || out.cols !== a.rows) {
    throw new RangeError(`transpose: out ${out.rows}×${out.cols} does not fit aᵀ of ${a.rows}×${a.cols}`);
  }
  const { rows, cols } = a;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out.data[j * rows + i] = a.data[i * cols + j];
  return out;
}

/** A new matrix aᵀ. */
export function transposed(a: Mat): Mat {
  return transpose(zeros(a.cols, a.rows), a);
}

/** Throws a RangeError naming fn when the shapes of a and b differ. */
export function assertSameShape(fn: string, a: Mat, b: Mat): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${fn}: shapes ${a.rows}×${a.cols} and ${b.rows}×${b.cols} differ`);
  }
}

/** True when every entry is finite. */
export function isFiniteMat(a: Mat): boolean {
  const d = a.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  return true;
}

/** Shape as text, e.g. "5×4". */
export function shapeOf(a: Mat): string {
  return `${a.rows}×${a.cols}`;
}
