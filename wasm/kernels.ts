// dln's WASM SIMD kernels (AssemblyScript, compiled by scripts/build-wasm.mjs with --enable simd).
//
// dgemm follows the GotoBLAS/BLIS layering (Goto & van de Geijn, "Anatomy of high-performance
// matrix multiplication", ACM TOMS 34(3), 2008; Van Zee & van de Geijn, "BLIS", ACM TOMS 41(3),
// 2015): op(b) is packed into KC×NC panels of NR-wide column strips, op(a) into MC×KC blocks of
// MR-tall row strips, and a register-tiled MR×NR micro-kernel multiplies one strip pair. The
// packing routines absorb the transpositions, so nn, tn, nt (and tt) share one micro-kernel.
//
// Memory is managed by the caller (src/linalg/backends/wasmBackend.ts): it copies the operands
// into linear memory, passes their byte offsets, and reserves workBytes() of scratch at `work`.
// Nothing here allocates.

// MR×NR = 4×4 doubles = 8 f64x2 accumulators; with two b vectors and one broadcast a this fits
// the 16 vector registers V8 can use on x86-64 without spilling.
const MR: i32 = 4;
const NR: i32 = 4;
// KC·NR·8 = 8 KiB of b strip stays in L1; MC·KC·8 = 192 KiB of packed a stays in L2.
const KC: i32 = 256;
const MC: i32 = 96;
const NC: i32 = 2048;

/** Bytes of scratch that gemm needs at `work` (packed a block, packed b panel, edge tile). */
export function workBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) << 3;
}

/** The first free byte after the module's static data (the caller's arena starts here). */
export function heapBase(): usize {
  return __heap_base;
}

// Packs rows [0, mc) × columns [0, kc) of op(a) (entry (i, p) at a + 8·(i·rs + p·cs)) into MR-row
// strips, each stored p-major (MR values per p), zero-padding the last strip.
function packA(mc: i32, kc: i32, a: usize, rs: i32, cs: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    for (let p = 0; p < kc; p++) {
      for (let r = 0; r < MR; r++) {
        const v: f64 = r < rows ? load<f64>(a + (<usize>((ir + r) * rs + p * cs) << 3)) : 0.0;
        store<f64>(dst, v);
        dst += 8;
      }
    }
  }
}

// Packs rows [0, kc) × columns [0, nc) of op(b) (entry (p, j) at b + 8·(p·rs + j·cs)) into
// NR-column strips, each stored p-major (NR values per p), zero-padding the last strip.
function packB(kc: i32, nc: i32, b: usize, rs: i32, cs: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    if (cols == NR && cs == 1) {
      for (let p = 0; p < kc; p++) {
        const src = b + (<usize>(p * rs + jr) << 3);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += NR << 3;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let c = 0; c < NR; c++) {
          const v: f64 = c < cols ? load<f64>(b + (<usize>(p * rs + (jr + c) * cs) << 3)) : 0.0;
          store<f64>(dst, v);
          dst += 8;
        }
      }
    }
  }
}

// c[0:mr, 0:nr] += alpha · (packed a strip) · (packed b strip) over kc, c row stride ldc doubles.
// Full tiles update c directly; edge tiles go through the MR×NR scratch tile at `edge`.
function microKernel(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, alpha: f64,
  mr: i32, nr: i32, edge: usize): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load64_splat(pa);
    c00 = f64x2.add(c00, f64x2.mul(a, b0)); c01 = f64x2.add(c01, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 8);
    c10 = f64x2.add(c10, f64x2.mul(a, b0)); c11 = f64x2.add(c11, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 16);
    c20 = f64x2.add(c20, f64x2.mul(a, b0)); c21 = f64x2.add(c21, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 24);
    c30 = f64x2.add(c30, f64x2.mul(a, b0)); c31 = f64x2.add(c31, f64x2.mul(a, b1));
    pa += MR << 3;
    pb += NR << 3;
  }
  const al = f64x2.splat(alpha);
  const full = mr == MR && nr == NR;
  const dst = full ? c : edge;
  const ld: usize = full ? <usize>ldc << 3 : <usize>NR << 3;
  if (!full) memory.fill(edge, 0, MR * NR * 8);
  let row = dst;
  v128.store(row, f64x2.add(v128.load(row), f64x2.mul(al, c00)));
  v128.store(row, f64x2.add(v128.load(row, 16), f64x2.mul(al, c01)), 16);
  row += ld;
  v128.store(row, f64x2.add(v128.load(row), f64x2.mul(al, c10)));
  v128.store(row, f64x2.add(v128.load(row, 16), f64x2.mul(al, c11)), 16);
  row += ld;
  v128.store(row, f64x2.add(v128.load(row), f64x2.mul(al, c20)));
  v128.store(row, f64x2.add(v128.load(row, 16), f64x2.mul(al, c21)), 16);
  row += ld;
  v128.store(row, f64x2.add(v128.load(row), f64x2.mul(al, c30)));
  v128.store(row, f64x2.add(v128.load(row, 16), f64x2.mul(al, c31)), 16);
  if (!full) {
    for (let i = 0; i < mr; i++) {
      for (let j = 0; j < nr; j++) {
        const q = c + (<usize>(i * ldc + j) << 3);
        store<f64>(q, load<f64>(q) + load<f64>(edge + (<usize>(i * NR + j) << 3)));
      }
    }
  }
}

// Products up to this m·n·k skip the packing (which costs more than it saves on tiny operands)
// and run as plain dot products.
const SMALL_MNK: i32 = 512;

// c += alpha·op(a)·op(b) over the unpacked operands (strides as in gemm). The i-p-j order keeps
// n independent updates in flight instead of one latency-bound dot-product chain.
function smallGemm(m: i32, n: i32, k: i32, alpha: f64, a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32, c: usize): void {
  const sb = <usize>bcs << 3;
  for (let i = 0; i < m; i++) {
    const ci = c + (<usize>(i * n) << 3);
    for (let p = 0; p < k; p++) {
      const x = alpha * load<f64>(a + (<usize>(i * ars + p * acs) << 3));
      let pb = b + (<usize>(p * brs) << 3), pc = ci;
      for (let j = 0; j < n; j++) {
        store<f64>(pc, load<f64>(pc) + x * load<f64>(pb));
        pb += sb;
        pc += 8;
      }
    }
  }
}

/**
 * c = alpha·op(a)·op(b) + beta·c, row-major (byte offsets a, b, c in linear memory); op(a) is m×k
 * (a stored k×m when ta), op(b) is k×n (b stored n×k when tb). beta = 0 overwrites c, so NaN
 * garbage there is ignored, as in BLAS. Needs workBytes() of scratch at work.
 */
export function gemm(ta: bool, tb: bool, m: i32, n: i32, k: i32, alpha: f64, a: usize, b: usize,
  beta: f64, c: usize, work: usize): void {
  if (m <= 0 || n <= 0) return;
  const mn = m * n;
  if (beta == 0) memory.fill(c, 0, <usize>mn << 3);
  else if (beta != 1) {
    const bv = f64x2.splat(beta);
    let i = 0;
    for (; i + 2 <= mn; i += 2) {
      const q = c + (<usize>i << 3);
      v128.store(q, f64x2.mul(v128.load(q), bv));
    }
    if (i < mn) store<f64>(c + (<usize>i << 3), load<f64>(c + (<usize>i << 3)) * beta);
  }
  if (k <= 0 || alpha == 0) return;
  const ars = ta ? 1 : k, acs = ta ? m : 1;
  const brs = tb ? 1 : n, bcs = tb ? k : 1;
  if (mn * k <= SMALL_MNK) {
    smallGemm(m, n, k, alpha, a, ars, acs, b, brs, bcs, c);
    return;
  }
  const packedA = work;
  const packedB = work + (<usize>(MC * KC) << 3);
  const edge = packedB + (<usize>(KC * NC) << 3);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(kc, nc, b + (<usize>(pc * brs + jc * bcs) << 3), brs, bcs, packedB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(mc, kc, a + (<usize>(ic * ars + pc * acs) << 3), ars, acs, packedA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = packedB + (<usize>(jr * kc) << 3);
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel(kc, packedA + (<usize>(ir * kc) << 3), pb,
              c + (<usize>((ic + ir) * n + jc + jr) << 3), n, alpha, min(MR, mc - ir), nr, edge);
          }
        }
      }
    }
  }
}
