import { type KernelBackend, setBackend } from '../backend.ts';
import { instantiateWasmBackend, readWasmKernels, wasmKernelsUrl } from './wasmBackend.ts';
import { provideWasmBackend } from './selectBackend.ts';

/** Where useWasmKernels takes the kernels from: a URL to fetch, the module's bytes, or a compiled module. */
export type WasmKernelsSource = string | URL | BufferSource | WebAssembly.Module;

async function kernelBytes(source: WasmKernelsSource | undefined): Promise<BufferSource | WebAssembly.Module> {
  if (source !== undefined && typeof source !== 'string' && !(source instanceof URL)) return source;
  const url = source === undefined ? wasmKernelsUrl : new URL(source, globalThis.location?.href);
  if (url.protocol === 'file:') {
    // Node: fetch() cannot read file: URLs, the file system can.
    const fs = globalThis.process?.getBuiltinModule?.('node:fs');
    if (source === undefined || fs === undefined) {
      const r = readWasmKernels();
      if ('reason' in r) throw new Error(`useWasmKernels: ${r.reason}`);
      return r.bytes as Uint8Array<ArrayBuffer>;
    }
    return fs.readFileSync(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`useWasmKernels: fetching ${url.href} failed: HTTP ${response.status} ${response.statusText}`);
  return response.arrayBuffer();
}

/**
 * Loads dln's WebAssembly SIMD kernels and selects them for every kernel from now on (and for
 * `useBackend('wasm')` and `'auto'` afterwards); resolves to the backend. Without a source it
 * loads the `kernels.wasm` that ships in the package, at `wasmKernelsUrl`: a browser fetches it
 * (bundlers such as Vite and webpack copy it to the build's assets, because the URL is written as
 * `new URL('…', import.meta.url)`), Node reads the file. Pass a source to load the kernels from
 * elsewhere. Rejects with the reason when they cannot be fetched or compiled (WebAssembly SIMD is
 * needed: current browsers and Node 20 have it); the previously selected backend then stays.
 */
export async function useWasmKernels(source?: WasmKernelsSource): Promise<KernelBackend> {
  if (typeof WebAssembly === 'undefined') throw new Error('useWasmKernels: this JavaScript engine has no WebAssembly');
  const backend = await instantiateWasmBackend(await kernelBytes(source));
  provideWasmBackend(backend);
  setBackend(backend);
  return backend;
}
