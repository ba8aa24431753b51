import type { KernelBackend } from '../backend.ts';

/** The exports of wasm/build/kernels.wasm (see wasm/kernels.ts). */
interface KernelExports {
  readonly memory: WebAssembly.Memory;
  workBytes(): number;
  heapBase(): number;
  gemm(ta: number, tb: number, m: number, n: number, k: number, alpha: number,
    a: number, b: number, beta: number, c: number, work: number): void;
}

/** Up to this many entries operands are copied by a plain loop: TypedArray.prototype.set costs ~50 ns a call. */
const COPY_LOOP_MAX = 256;
/** Cached result views beyond this many are dropped (a shape sweep must not grow the cache forever). */
const MAX_VIEWS = 256;

// Copies src[0, len) to dst at offset off; set() only when src is exactly len long (no view).
function copyIn(dst: Float64Array, off: number, src: Float64Array, len: number): void {
  if (len > COPY_LOOP_MAX && src.length === len) dst.set(src, off);
  else for (let i = 0; i < len; i++) dst[off + i] = src[i];
}

function checkLengths(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  if (a.length < m * k || b.length < k * n || c.length < m * n) {
    throw new RangeError(`wasm gemm: buffers of length ${a.length}, ${b.length}, ${c.length} are too short for m=${m} n=${n} k=${k}`);
  }
}

/**
 * The WASM SIMD backend over an instantiated kernels module. Operands are copied into one arena in
 * linear memory ([scratch | a | b | c], grown only when a larger product arrives), so a steady
 * training loop allocates nothing.
 */
function backendFromInstance(instance: WebAssembly.Instance): KernelBackend {
  const x = instance.exports as unknown as KernelExports;
  const align = (v: number): number => (v + 15) & ~15;
  const work = align(x.heapBase());
  const arena = work + align(x.workBytes());
  let mem = new Float64Array(x.memory.buffer);
  // Tracked here because reading memory.buffer costs a call into the engine on every product.
  let capacity = mem.byteLength;
  // Views of result regions by start and length, so that copying a large result out (one memcpy)
  // allocates no subarray once a loop's shapes have been seen.
  const views = new Map<number, Map<number, Float64Array>>();
  let viewCount = 0;

  function reserve(bytes: number): void {
    const need = arena + bytes - capacity;
    if (need > 0) {
      x.memory.grow(Math.ceil(need / 65536));
      mem = new Float64Array(x.memory.buffer);
      capacity = mem.byteLength;
      views.clear();
      viewCount = 0;
    }
  }

  function resultView(start: number, len: number): Float64Array {
    let byLen = views.get(start);
    let v = byLen?.get(len);
    if (v === undefined) {
      if (viewCount >= MAX_VIEWS) { views.clear(); viewCount = 0; byLen = undefined; }
      if (byLen === undefined) views.set(start, byLen = new Map());
      byLen.set(len, v = mem.subarray(start, start + len));
      viewCount++;
    }
    return v;
  }

  function gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float64Array, b: Float64Array, beta: number, c: Float64Array): void {
    checkLengths(m, n, k, a, b, c);
    const la = m * k, lb = k * n, lc = m * n;
    if (lc === 0) return;
    const offA = arena, offB = align(offA + 8 * la), offC = align(offB + 8 * lb);
    reserve(offC + 8 * lc - arena);
    const ea = offA >> 3, eb = offB >> 3, ec = offC >> 3;
    if (alpha !== 0 && k > 0) { copyIn(mem, ea, a, la); copyIn(mem, eb, b, lb); }
    if (beta !== 0) copyIn(mem, ec, c, lc);
    x.gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, offA, offB, beta, offC, work);
    if (lc <= COPY_LOOP_MAX) for (let i = 0; i < lc; i++) c[i] = mem[ec + i];
    else c.set(resultView(ec, lc));
  }

  return { name: 'wasm', gemm };
}

/** The WASM SIMD backend from the bytes (or a compiled module) of wasm/build/kernels.wasm. */
export function createWasmBackend(source: BufferSource | WebAssembly.Module): KernelBackend {
  const module = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
  return backendFromInstance(new WebAssembly.Instance(module, {}));
}

/** The same, compiled asynchronously (browsers refuse large synchronous compiles on the main thread). */
export async function instantiateWasmBackend(source: BufferSource | WebAssembly.Module): Promise<KernelBackend> {
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
  return backendFromInstance(await WebAssembly.instantiate(module, {}));
}

/**
 * Where the kernels are: wasm/build/kernels.wasm of the checkout or the installed package (the same
 * path relative to src/ and to the compiled dist/). Written as `new URL('…', import.meta.url)` so
 * that bundlers (Vite, webpack) emit the file as an asset and rewrite the URL.
 */
export const wasmKernelsUrl: URL = new URL('../../../wasm/build/kernels.wasm', import.meta.url);

/**
 * The kernel bytes read from disk in Node (the browser fetches wasmKernelsUrl itself), or the
 * reason they cannot be had.
 */
export function readWasmKernels(): { bytes: Uint8Array } | { reason: string } {
  const fs = globalThis.process?.getBuiltinModule?.('node:fs');
  if (fs === undefined) {
    const where = globalThis.process?.versions?.node === undefined ? 'no file system here' : 'reading the kernels from disk needs Node.js 20.16 or later';
    return { reason: `${where}; fetch wasm/build/kernels.wasm and call createWasmBackend(bytes)` };
  }
  try {
    return { bytes: fs.readFileSync(wasmKernelsUrl) };
  } catch {
    return { reason: 'wasm/build/kernels.wasm is not built (run: node scripts/build-wasm.mjs)' };
  }
}
