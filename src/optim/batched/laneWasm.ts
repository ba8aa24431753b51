import { type KernelOp, lossAndGradProgram } from '../../model/unrolledLossAndGrad.ts';
import { ByteWriter, F64, I32, Op, Simd, V128, moduleBytes } from './wasmBytes.ts';

/**
 * The batched engine's lane program compiled to WebAssembly SIMD: two lanes per f64x2 register, so
 * every multiply and add of model/unrolledLossAndGrad.ts's program advances two networks at once. A
 * pair of lanes runs all its steps with its weights, Σ_XX and A in locals; WebAssembly performs each
 * f64x2 operation as two correctly rounded IEEE operations and never fuses them, so every lane keeps
 * the bits of the scalar program (= trainGD). A chunk of CHUNK lanes is copied in and out of the
 * module's memory around each call (lane-batched with stride CHUNK, so every offset is a constant).
 */

/** Lanes per call (even). Small, so that the first calls, which V8 runs before it has optimised the module, stay short. */
export const CHUNK = 16;

interface Layout { offW: number[]; offWout: number[]; offS: number; offA: number; offL: number; offSched: number; offOut: number; total: number }

function layout(dims: readonly number[]): Layout {
  const n = dims.length - 1;
  let at = 0;
  const take = (rows: number): number => { const o = at; at += rows * CHUNK; return o; };
  const offW = Array.from({ length: n }, (_, j) => take(dims[j + 1] * dims[j]));
  const offWout = Array.from({ length: n }, (_, j) => take(dims[j + 1] * dims[j]));
  return { offW, offWout, offS: take(dims[0] * dims[0]), offA: take(dims[n] * dims[0]), offL: take(1), offSched: take(4), offOut: take(4), total: at };
}

/** 64 KiB pages of the module's memory: the chunk's arrays and a 16-byte slot per value of the program. */
function memoryPages(dims: readonly number[]): number {
  return Math.ceil((layout(dims).total * 8 + 16 * lossAndGradProgram(dims).length) / 65536);
}

/** Locals that hold recently loaded first factors of product terms (a row reused across the row's outputs). */
const ROW_SLOTS = 8;

/**
 * The module's bytes for widths dims: run(pairs, maxSteps, lossTol, gradTol, divergeAbove) trains
 * lane pairs 0..pairs−1 of the chunk in memory. Every value of the program lives in memory (inputs in
 * the chunk's arrays, intermediates in a 16-byte slot each); a sum accumulates on the operand stack and
 * the last ROW_SLOTS first factors stay in locals. V8's optimising compiler allocates registers poorly
 * for hundreds of long-lived SIMD locals (measured 3× slower than its baseline compiler), and well for
 * this (also faster than several sums interleaved in locals, measured).
 */
export function laneWasmBytes(dims: readonly number[]): Uint8Array {
  const n = dims.length - 1, d0 = dims[0], dy = dims[n], lay = layout(dims);
  const size = (j: number): number => dims[j + 1] * dims[j];
  const ops = lossAndGradProgram(dims);
  // Parameters 0..4, then i32, f64 and v128 locals in that order.
  const P = { pairs: 0, maxSteps: 1, lossTol: 2, gradTol: 3, divergeAbove: 4 };
  const i32s = ['l8', 'act0', 'act1', 'code'];
  const f64s = ['step', 'ls', 'gs', 'eta0', 'eta1', 'kind0', 'c0', 'b0', 'p0', 'kind1', 'c1', 'b1', 'p1'];
  const v128s = ['zero', 'half', 'lossOLS', 'loss', 'gradSq', 'gn', 'eta', ...Array.from({ length: ROW_SLOTS }, (_, g) => `row${g}`)];
  const local = new Map<string, number>();
  [...i32s, ...f64s, ...v128s].forEach((s, i) => local.set(s, 5 + i));
  // Byte addresses: lane-batched inputs relative to the pair (base l8), intermediates absolute (base 0).
  const lanesAt = new Map<string, number>(), slotAt = new Map<string, number>();
  for (let j = 0; j < n; j++) for (let i = 0; i < size(j); i++) lanesAt.set(`w${j}_${i}`, 8 * (lay.offW[j] + i * CHUNK));
  for (let i = 0; i < d0 * d0; i++) lanesAt.set(`s_${i}`, 8 * (lay.offS + i * CHUNK));
  for (let i = 0; i < dy * d0; i++) lanesAt.set(`a_${i}`, 8 * (lay.offA + i * CHUNK));
  const alias = new Map<string, string>();
  const name = (s: string): string => alias.get(s) ?? s;
  const w = new ByteWriter();
  const idx = (s: string): number => local.get(s) as number;
  const get = (s: string): void => {
    const lane = lanesAt.get(s), slot = slotAt.get(s);
    if (lane !== undefined) w.byte(Op.localGet).u32(idx('l8')).simd(Simd.v128Load).mem(3, lane);
    else if (slot !== undefined) w.byte(Op.i32Const).i32(0).simd(Simd.v128Load).mem(3, slot);
    else w.byte(Op.localGet).u32(idx(s));
  };
  const set = (s: string): void => { w.byte(Op.localSet).u32(idx(s)); };
  const getP = (i: number): void => { w.byte(Op.localGet).u32(i); };
  /** Evaluates value() into out: a local when out has one, else a new memory slot. */
  const assign = (out: string, value: () => void): void => {
    if (local.has(out)) { value(); set(out); return; }
    const slot = lay.total * 8 + 16 * slotAt.size;
    w.byte(Op.i32Const).i32(0); value(); w.simd(Simd.v128Store).mem(3, slot);
    slotAt.set(out, slot);
  };

  const cached = new Map<string, number>();
  let victim = 0;
  const getRowFactor = (nm: string): void => {
    const slot = cached.get(nm);
    if (slot !== undefined) { w.byte(Op.localGet).u32(idx(`row${slot}`)); return; }
    for (const [k, sl] of cached) if (sl === victim) cached.delete(k);
    cached.set(nm, victim);
    get(nm); w.byte(Op.localTee).u32(idx(`row${victim}`));
    victim = (victim + 1) % ROW_SLOTS;
  };
  w.simd(Simd.v128Const).bytes(new Uint8Array(16)); set('zero');
  w.simd(Simd.v128Const).bytes(new Uint8Array(new Float64Array([0.5, 0.5]).buffer)); set('half');
  w.byte(Op.i32Const).i32(0); set('l8');
  w.byte(Op.block).byte(0x40).byte(Op.loop).byte(0x40);
  get('l8'); getP(P.pairs); w.byte(Op.i32Const).i32(16).byte(Op.i32Mul).byte(Op.i32GeU).byte(Op.brIf).u32(1);
  get('l8'); w.simd(Simd.v128Load).mem(3, 8 * lay.offL); set('lossOLS');
  ['kind', 'c', 'b', 'p'].forEach((r, ri) => {
    for (let k = 0; k < 2; k++) { get('l8'); w.byte(Op.f64Load).mem(3, 8 * (lay.offSched + ri * CHUNK + k)); set(`${r}${k}`); }
  });
  w.byte(Op.i32Const).i32(1); set('act0');
  w.byte(Op.i32Const).i32(1); set('act1');
  w.byte(Op.f64Const).f64(0); set('step');
  w.byte(Op.block).byte(0x40).byte(Op.loop).byte(0x40);
  for (let at = 0; at < ops.length;) {
    const op = ops[at];
    if (op.kind === 'copy') { alias.set(op.out, name(op.a)); at++; continue; }
    if (op.kind === 'sub') { assign(op.out, () => { get(name(op.a)); get(name(op.b)); w.simd(Simd.f64x2Sub); }); at++; continue; }
    if (op.kind === 'add') { assign(op.out, () => { get(name(op.a)); get(name(op.b)); w.simd(Simd.f64x2Add); }); at++; continue; }
    if (op.kind === 'loss') {
      assign(op.out, () => { get('lossOLS'); get('half'); get(name(op.a)); get('zero'); w.simd(Simd.f64x2Max).simd(Simd.f64x2Mul).simd(Simd.f64x2Add); });
      at++; continue;
    }
    // tsBackend's a·bᵀ branch adds the finished sum to the zeroed output: 0 + s.
    assign(op.out, () => {
      if (op.wrapped) get('zero');
      get('zero');
      for (const [a, b] of op.terms) { getRowFactor(name(a)); get(name(b)); w.simd(Simd.f64x2Mul).simd(Simd.f64x2Add); }
      if (op.wrapped) w.simd(Simd.f64x2Add);
    });
    at++;
  }
  get('gradSq'); w.simd(Simd.f64x2Sqrt); set('gn');
  const notFinite = (x: string): void => { get(x); get(x); w.byte(Op.f64Sub).byte(Op.f64Const).f64(0).byte(Op.f64Ne); };
  const setCode = (c: number): void => { w.byte(Op.i32Const).i32(c); set('code'); };
  for (let k = 0; k < 2; k++) {
    get(`act${k}`); w.byte(Op.if).byte(0x40);
    get('loss'); w.simd(Simd.f64x2ExtractLane).byte(k); set('ls');
    get('gn'); w.simd(Simd.f64x2ExtractLane).byte(k); set('gs');
    setCode(-1);
    // trainGD's order: diverged, converged, max-steps.
    notFinite('ls'); get('ls'); getP(P.divergeAbove); w.byte(Op.f64Gt).byte(Op.i32Or); notFinite('gs'); w.byte(Op.i32Or);
    w.byte(Op.if).byte(0x40); setCode(2); w.byte(Op.else);
    get('ls'); getP(P.lossTol); w.byte(Op.f64Le); get('gs'); getP(P.gradTol); w.byte(Op.f64Le).byte(Op.i32Or);
    w.byte(Op.if).byte(0x40); setCode(1); w.byte(Op.else);
    get('step'); getP(P.maxSteps); w.byte(Op.f64Ge); w.byte(Op.if).byte(0x40); setCode(0); w.byte(Op.end);
    w.byte(Op.end).byte(Op.end);
    get('code'); w.byte(Op.i32Const).i32(0).byte(Op.i32GeS).byte(Op.if).byte(0x40);
    w.byte(Op.i32Const).i32(0); set(`act${k}`);
    // A stopped lane's results and weights are copied out now; its lane keeps computing, unread.
    const store = (off: number, value: () => void): void => { get('l8'); value(); w.byte(Op.f64Store).mem(3, 8 * (off + k)); };
    store(lay.offOut, () => { get('code'); w.byte(Op.f64ConvertI32S); });
    store(lay.offOut + CHUNK, () => get('step'));
    store(lay.offOut + 2 * CHUNK, () => get('ls'));
    store(lay.offOut + 3 * CHUNK, () => get('gs'));
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < size(j); i++) store(lay.offWout[j] + i * CHUNK, () => { get(`w${j}_${i}`); w.simd(Simd.f64x2ExtractLane).byte(k); });
    }
    w.byte(Op.end).byte(Op.end);
  }
  get('act0'); get('act1'); w.byte(Op.i32Or).byte(Op.i32Eqz).byte(Op.brIf).u32(1);
  for (let k = 0; k < 2; k++) {
    // stepSize of schedules.ts: lr, or c / (k + b)^p with the host's Math.pow.
    get(`kind${k}`); w.byte(Op.f64Const).f64(0).byte(Op.f64Eq).byte(Op.if).byte(F64);
    get(`c${k}`); w.byte(Op.else);
    get(`c${k}`); get('step'); get(`b${k}`); w.byte(Op.f64Add); get(`p${k}`); w.byte(Op.call).u32(0).byte(Op.f64Div);
    w.byte(Op.end); set(`eta${k}`);
  }
  get('eta0'); w.simd(Simd.f64x2Splat); get('eta1'); w.simd(Simd.f64x2ReplaceLane).byte(1); set('eta');
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < size(j); i++) {
      get('l8'); get(`w${j}_${i}`); get('eta'); get(name(`g${j}_${i}`)); w.simd(Simd.f64x2Mul).simd(Simd.f64x2Sub);
      w.simd(Simd.v128Store).mem(3, lanesAt.get(`w${j}_${i}`) as number);
    }
  }
  get('step'); w.byte(Op.f64Const).f64(1).byte(Op.f64Add); set('step');
  w.byte(Op.br).u32(0).byte(Op.end).byte(Op.end);
  get('l8'); w.byte(Op.i32Const).i32(16).byte(Op.i32Add); set('l8');
  w.byte(Op.br).u32(0).byte(Op.end).byte(Op.end).byte(Op.end);
  return moduleBytes([I32, F64, F64, F64, F64], [[i32s.length, I32], [f64s.length, F64], [v128s.length, V128]], w, memoryPages(dims));
}

/**
 * Source of a LaneProgram (laneProgram.ts) over the WebAssembly module for widths dims: an expression
 * that instantiates the module (with its own memory) and returns trainLanes, which copies CHUNK lanes
 * at a time in and out of the module's memory. Plain JavaScript, so a worker can rebuild it from text.
 */
export function laneWasmSource(dims: readonly number[]): string {
  const lay = layout(dims), n = dims.length - 1;
  const bytes = laneWasmBytes(dims);
  const rowsW = Array.from({ length: n }, (_, j) => dims[j + 1] * dims[j]);
  return `(function () {
const C = ${CHUNK}, offW = [${lay.offW.join(', ')}], offWout = [${lay.offWout.join(', ')}], rowsW = [${rowsW.join(', ')}];
const offS = ${lay.offS}, rowsS = ${dims[0] * dims[0]}, offA = ${lay.offA}, rowsA = ${dims[n] * dims[0]}, offL = ${lay.offL}, offSched = ${lay.offSched}, offOut = ${lay.offOut};
const mem = new WebAssembly.Memory({ initial: ${memoryPages(dims)} });
const bytes = new Uint8Array([${bytes.join(',')}]);
const run = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { pow: Math.pow, mem } }).exports.run;
const M = new Float64Array(mem.buffer);
function copyIn(at, rows, src, B, s, n) {
  for (let i = 0; i < rows; i++) {
    const d = at + i * C, o = i * B + s;
    for (let k = 0; k < n; k++) M[d + k] = src[o + k];
    if (n & 1) M[d + n] = M[d + n - 1];
  }
}
return function trainLanes(weights, S, A, LOLS, B, lo, hi, sched, rules, oStatus, oSteps, oLoss, oGrad) {
  for (let s = lo; s < hi; s += C) {
    const n = Math.min(C, hi - s);
    for (let j = 0; j < weights.length; j++) copyIn(offW[j], rowsW[j], weights[j], B, s, n);
    copyIn(offS, rowsS, S, B, s, n);
    copyIn(offA, rowsA, A, B, s, n);
    copyIn(offL, 1, LOLS, B, s, n);
    for (let k = 0; k < n + (n & 1); k++) {
      const src = k < n ? s + k : s + n - 1;
      for (let r = 0; r < 4; r++) M[offSched + r * C + k] = sched[4 * src + r];
    }
    run((n + 1) >> 1, rules.maxSteps, rules.lossTol, rules.gradTol, rules.divergeAbove);
    for (let j = 0; j < weights.length; j++) {
      const W = weights[j];
      for (let i = 0; i < rowsW[j]; i++) { const d = offWout[j] + i * C, o = i * B + s; for (let k = 0; k < n; k++) W[o + k] = M[d + k]; }
    }
    for (let k = 0; k < n; k++) {
      oStatus[s + k] = M[offOut + k]; oSteps[s + k] = M[offOut + C + k]; oLoss[s + k] = M[offOut + 2 * C + k]; oGrad[s + k] = M[offOut + 3 * C + k];
    }
  }
};
})()`;
}
