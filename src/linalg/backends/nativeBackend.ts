import type { KernelBackend } from '../backend.ts';
import { descendLoop, sumSquaresLoop } from '../elementwise.ts';

/** Arrays at least this long take the addon's descend and sumSquares; shorter ones the JavaScript loops (the same bits). */
export const NATIVE_DESCEND_MIN = 2048;

/** The functions of native/build/Release/dln_native.node (see native/dln_native.c). */
export interface NativeAddon {
  /** cblas_dgemm on row-major arrays: c = alpha·op(a)·op(b) + beta·c (see KernelBackend.gemm). */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float64Array, b: Float64Array, beta: number, c: Float64Array): void;
  /** Binds the parameter block that gemmR reads its scalars and array ids from. */
  bindParams(block: Float64Array): void;
  /** Remembers array (its data pointer and length) under id, for gemmR. */
  register(id: number, array: Float64Array): void;
  /** gemm on registered arrays, with its arguments taken from the bound parameter block (no N-API argument conversion). */
  gemmR(): void;
  /** w[i] ← w[i] − eta·g[i] on registered arrays, [idW, idG, eta, n] from the bound block (see KernelBackend.descend); absent from builds before it. */
  descendR?(): void;
  /** Σ x_i² of a registered array into block[2], [idX, n] from the bound block (see KernelBackend.sumSquares); absent from builds before it. */
  sumSquaresR?(): void;
  /** LAPACKE_dsyevd (see KernelBackend.syevd). */
  syevd(n: number, a: Float64Array, w: Float64Array, vectors?: boolean): void;
  /** LAPACKE_dgesdd (see KernelBackend.gesdd). */
  gesdd(m: number, n: number, a: Float64Array, s: Float64Array, u: Float64Array, vt: Float64Array, full: boolean): void;
  /** Sets OpenBLAS's thread count. */
  setThreads(n: number): void;
  /** OpenBLAS's thread count. */
  getThreads(): number;
  /** OpenBLAS's build configuration and the CPU core it picked. */
  config(): string;
  /** Does nothing: the bare cost of a call into the addon. */
  noop(): void;
}

/** Options of createNativeBackend and nativeBackendFromAddon. */
export interface NativeBackendOptions {
  /**
   * OpenBLAS threads. Default: left as OpenBLAS set them, which is OPENBLAS_NUM_THREADS when that
   * is set and otherwise one per core.
   */
  threads?: number;
}

/** Why Node-only code cannot run here: not Node at all, or a Node before process.getBuiltinModule. */
function nodeOnly(what: string): string {
  return globalThis.process?.versions?.node === undefined
    ? `${what} need Node.js`
    : `${what} need Node.js 20.16 or later (process.getBuiltinModule)`;
}

const addonPath = '../../../native/build/Release/dln_native.node';
let loaded: { addon: NativeAddon } | { reason: string } | undefined;

/** The native addon, loaded once per thread, or why it cannot be (Node-only; never throws). */
export function loadNativeAddon(): { addon: NativeAddon } | { reason: string } {
  if (loaded !== undefined) return loaded;
  // getBuiltinModule instead of a static import keeps this file loadable in a browser bundle.
  const mod = globalThis.process?.getBuiltinModule?.('node:module');
  if (mod === undefined) return (loaded = { reason: nodeOnly('native kernels') });
  try {
    loaded = { addon: mod.createRequire(import.meta.url)(addonPath) as NativeAddon };
  } catch (e) {
    const missing = (e as { code?: string }).code === 'MODULE_NOT_FOUND';
    loaded = {
      reason: missing
        ? 'native/build/Release/dln_native.node is not built (needs OpenBLAS and LAPACKE: apt install libopenblas-dev liblapacke-dev, then node scripts/build-native.mjs)'
        : `the native addon does not load: ${(e as Error).message}`,
    };
  }
  return loaded;
}

/**
 * The native backend over an addon: OpenBLAS dgemm, LAPACK dsyevd and dgesdd, all on the callers'
 * Float64Arrays in place. gemm goes through the addon's argument-free entry: the scalars travel in
 * a bound parameter block and each array is registered once (its data pointer kept under an id
 * held in a WeakMap), which cuts the N-API cost of a call from ~250 ns to ~40 ns.
 */
export function nativeBackendFromAddon(addon: NativeAddon, options: NativeBackendOptions = {}): KernelBackend {
  if (options.threads !== undefined) addon.setThreads(options.threads);
  // One backend per addon instance: the addon holds a single parameter block and id registry.
  let backend = backends.get(addon);
  if (backend === undefined) backends.set(addon, backend = wrap(addon));
  return backend;
}

const backends = new WeakMap<NativeAddon, KernelBackend>();

function wrap(addon: NativeAddon): KernelBackend {
  const params = new Float64Array(16);
  addon.bindParams(params);
  const ids = new WeakMap<Float64Array, number>();
  const freeIds: number[] = [];
  let nextId = 0;
  // A collected array's id is recycled only once no live array can map to it.
  const reclaim = new FinalizationRegistry<number>((id) => { freeIds.push(id); });

  function idOf(x: Float64Array): number {
    let id = ids.get(x);
    if (id === undefined) {
      id = freeIds.pop() ?? nextId++;
      addon.register(id, x);
      ids.set(x, id);
      reclaim.register(x, id);
    }
    return id;
  }

  function gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float64Array, b: Float64Array, beta: number, c: Float64Array): void {
    // Checked here on every call: a transferred (detached) buffer reports length 0, while the
    // addon only knows the length at registration.
    if (a.length < m * k || b.length < k * n || c.length < m * n) {
      throw new RangeError(`native gemm: buffers of length ${a.length}, ${b.length}, ${c.length} are too short for m=${m} n=${n} k=${k}`);
    }
    params[0] = transA ? 1 : 0; params[1] = transB ? 1 : 0;
    params[2] = m; params[3] = n; params[4] = k; params[5] = alpha; params[6] = beta;
    params[7] = idOf(a); params[8] = idOf(b); params[9] = idOf(c);
    addon.gemmR();
  }

  const descendR = addon.descendR?.bind(addon);
  function descend(w: Float64Array, g: Float64Array, eta: number): void {
    // Short arrays stay in JavaScript: the call into the addon costs more than their loop.
    if (descendR === undefined || w.length < NATIVE_DESCEND_MIN) { descendLoop(w, g, eta); return; }
    if (g.length < w.length) throw new RangeError(`native descend: a gradient of length ${g.length} for weights of length ${w.length}`);
    params[0] = idOf(w); params[1] = idOf(g); params[2] = eta; params[3] = w.length;
    descendR();
  }

  const sumSquaresR = addon.sumSquaresR?.bind(addon);
  function sumSquares(x: Float64Array): number {
    if (sumSquaresR === undefined || x.length < NATIVE_DESCEND_MIN) return sumSquaresLoop(x);
    params[0] = idOf(x); params[1] = x.length;
    sumSquaresR();
    return params[2];
  }

  return {
    name: 'native',
    gemm,
    descend,
    sumSquares,
    syevd: (n, a, w, vectors = true) => addon.syevd(n, a, w, vectors),
    gesdd: (m, n, a, s, u, vt, full) => addon.gesdd(m, n, a, s, u, vt, full),
    threads: () => addon.getThreads(),
    setThreads: (n) => addon.setThreads(n),
  };
}

/** The native backend, or throws an Error naming why it is unavailable. */
export function createNativeBackend(options: NativeBackendOptions = {}): KernelBackend {
  const r = loadNativeAddon();
  if ('reason' in r) throw new Error(`native backend unavailable: ${r.reason}`);
  return nativeBackendFromAddon(r.addon, options);
}
