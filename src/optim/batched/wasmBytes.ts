/**
 * A minimal WebAssembly binary writer for one generated function (the batched engine's lane program):
 * LEB128 integers, constants and the opcodes it uses (WebAssembly core + fixed-width SIMD specs).
 */

/** Value types. */
export const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;

/** Opcodes of the core spec used by the lane program. */
export const Op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, call: 0x10,
  localGet: 0x20, localSet: 0x21, localTee: 0x22, f64Load: 0x2b, f64Store: 0x39, i32Const: 0x41, f64Const: 0x44,
  i32Eqz: 0x45, i32GeS: 0x4e, i32GeU: 0x4f, f64Eq: 0x61, f64Ne: 0x62, f64Gt: 0x64, f64Le: 0x65, f64Ge: 0x66,
  i32Add: 0x6a, i32Mul: 0x6c, i32Or: 0x72, f64Add: 0xa0, f64Sub: 0xa1, f64Div: 0xa3, f64ConvertI32S: 0xb7,
} as const;

/** SIMD opcodes (written after the 0xfd prefix as LEB128). */
export const Simd = {
  v128Load: 0x00, v128Store: 0x0b, v128Const: 0x0c, f64x2Splat: 0x14, f64x2ExtractLane: 0x21, f64x2ReplaceLane: 0x22,
  f64x2Sqrt: 0xef, f64x2Add: 0xf0, f64x2Sub: 0xf1, f64x2Mul: 0xf2, f64x2Max: 0xf5,
} as const;

/** Bytes of one code body or section, appended in order. */
export class ByteWriter {
  private buf = new Uint8Array(1024);
  length = 0;

  byte(b: number): this {
    if (this.length === this.buf.length) { const n = new Uint8Array(this.buf.length * 2); n.set(this.buf); this.buf = n; }
    this.buf[this.length++] = b;
    return this;
  }
  bytes(bs: ArrayLike<number>): this { for (let i = 0; i < bs.length; i++) this.byte(bs[i]); return this; }
  u32(v: number): this {
    do { let b = v & 0x7f; v >>>= 7; if (v !== 0) b |= 0x80; this.byte(b); } while (v !== 0);
    return this;
  }
  i32(v: number): this {
    for (;;) {
      const b = v & 0x7f; v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }
  f64(v: number): this { return this.bytes(new Uint8Array(new Float64Array([v]).buffer)); }
  name(s: string): this { const b = new TextEncoder().encode(s); return this.u32(b.length).bytes(b); }
  /** A length-prefixed copy of another writer's bytes. */
  vec(w: ByteWriter): this { return this.u32(w.length).bytes(w.toBytes()); }
  simd(op: number): this { return this.byte(0xfd).u32(op); }
  /** memarg: alignment exponent and a constant byte offset. */
  mem(align: number, offset: number): this { return this.u32(align).u32(offset); }
  toBytes(): Uint8Array { return this.buf.slice(0, this.length); }
}

/**
 * A module importing env.pow: (f64, f64) → f64 and the memory env.mem (pages), exporting one function
 * `run` of the given parameter types (no results) with the given local groups and body.
 */
export function moduleBytes(params: readonly number[], locals: readonly [number, number][], body: ByteWriter, pages: number): Uint8Array {
  const section = (id: number, content: ByteWriter, out: ByteWriter): void => { out.byte(id).vec(content); };
  const m = new ByteWriter().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const types = new ByteWriter().u32(2)
    .byte(0x60).u32(2).byte(F64).byte(F64).u32(1).byte(F64)
    .byte(0x60).u32(params.length).bytes(params).u32(0);
  section(1, types, m);
  const imports = new ByteWriter().u32(2)
    .name('env').name('pow').byte(0x00).u32(0)
    .name('env').name('mem').byte(0x02).byte(0x00).u32(pages);
  section(2, imports, m);
  section(3, new ByteWriter().u32(1).u32(1), m);
  section(7, new ByteWriter().u32(1).name('run').byte(0x00).u32(1), m);
  const fn = new ByteWriter().u32(locals.length);
  for (const [count, type] of locals) fn.u32(count).byte(type);
  fn.bytes(body.toBytes());
  section(10, new ByteWriter().u32(1).vec(fn), m);
  return m.toBytes();
}
