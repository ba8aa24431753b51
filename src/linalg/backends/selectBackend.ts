import { type KernelBackend, setBackend } from '../backend.ts';
import { tsBackend } from './tsBackend.ts';
import { createWasmBackend, readWasmKernels } from './wasmBackend.ts';
import { loadNativeAddon, nativeBackendFromAddon } from './nativeBackend.ts';

/** A kernel backend: 'ts' (TypeScript, runs anywhere), 'wasm' (WebAssembly SIMD), 'native' (OpenBLAS and LAPACK through a Node addon). */
export type BackendName = 'ts' | 'wasm' | 'native';
/** A backend, or 'auto': the fastest available (native > wasm > ts). */
export type BackendChoice = BackendName | 'auto';

/** Fastest first: the order in which 'auto' tries them. */
export const backendNames: readonly BackendName[] = ['native', 'wasm', 'ts'];

/** Options of useBackend and resolveBackend. */
export interface UseBackendOptions {
  /** Threads for the native backend's OpenBLAS. Default: OpenBLAS's own (OPENBLAS_NUM_THREADS, else one per core). */
  threads?: number;
  /** Backends that 'auto' must pass over, as if unavailable (e.g. to compare fallbacks). Default: none. */
  exclude?: readonly BackendName[];
}

let wasm: { backend: KernelBackend } | { reason: string } | undefined;

function loadWasm(): { backend: KernelBackend } | { reason: string } {
  if (wasm !== undefined) return wasm;
  if (typeof WebAssembly === 'undefined') return (wasm = { reason: 'this JavaScript engine has no WebAssembly' });
  const r = readWasmKernels();
  if ('reason' in r) return (wasm = r);
  try {
    wasm = { backend: createWasmBackend(r.bytes) };
  } catch (e) {
    wasm = { reason: `the WASM kernels do not compile here (WebAssembly SIMD needed): ${(e as Error).message}` };
  }
  return wasm;
}

/** Makes an asynchronously loaded WASM backend (useWasmKernels) the one that 'wasm' and 'auto' select. */
export function provideWasmBackend(backend: KernelBackend): void {
  wasm = { backend };
}

function load(name: BackendName, options: UseBackendOptions): { backend: KernelBackend } | { reason: string } {
  if (name === 'ts') return { backend: tsBackend };
  if (name === 'wasm') return loadWasm();
  const r = loadNativeAddon();
  return 'reason' in r ? r : { backend: nativeBackendFromAddon(r.addon, options) };
}

/** Why the named backend cannot run here, or undefined when it can. */
export function backendUnavailableReason(name: BackendName): string | undefined {
  const r = load(name, {});
  return 'reason' in r ? r.reason : undefined;
}

/** The backends that can run here, fastest first ('ts' is always among them). */
export function availableBackends(): BackendName[] {
  return backendNames.filter((n) => backendUnavailableReason(n) === undefined);
}

function parseChoice(value: string, source: string): BackendChoice {
  if (value === 'auto' || (backendNames as readonly string[]).includes(value)) return value as BackendChoice;
  throw new RangeError(`${source}: unknown backend '${value}' (expected ts, wasm, native or auto)`);
}

/**
 * The backend for choice (default: the environment variable DLN_BACKEND, else 'auto' = the fastest
 * available, native > wasm > ts), without selecting it. Throws an Error naming why a requested
 * backend is unavailable.
 */
export function resolveBackend(choice?: BackendChoice, options: UseBackendOptions = {}): KernelBackend {
  const env = globalThis.process?.env?.DLN_BACKEND;
  const c = choice !== undefined ? parseChoice(choice, 'useBackend') : env ? parseChoice(env, 'DLN_BACKEND') : 'auto';
  if (c === 'auto') {
    for (const name of backendNames) {
      if (options.exclude?.includes(name)) continue;
      const r = load(name, options);
      if ('backend' in r) return r.backend;
    }
    throw new Error('useBackend: every backend was excluded');
  }
  const r = load(c, options);
  if ('reason' in r) throw new Error(`backend '${c}' is unavailable: ${r.reason}`);
  return r.backend;
}

/** Selects the backend for choice (see resolveBackend) for every kernel from now on and returns it. */
export function useBackend(choice?: BackendChoice, options: UseBackendOptions = {}): KernelBackend {
  const b = resolveBackend(choice, options);
  setBackend(b);
  return b;
}
