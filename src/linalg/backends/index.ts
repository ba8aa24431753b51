// The kernel backends that run anywhere (TypeScript, WebAssembly SIMD) and the selection API.
// The native OpenBLAS backend's constructors are Node-only and live in the `dln/node` entry; the
// selection here still picks it ('auto', 'native') when its addon is built, loading it on demand.
export { tsBackend } from './tsBackend.ts';
export {
  type BackendName, type BackendChoice, type UseBackendOptions, backendNames, backendUnavailableReason, availableBackends,
  resolveBackend, useBackend, provideWasmBackend,
} from './selectBackend.ts';
export { createWasmBackend, instantiateWasmBackend, readWasmKernels, wasmKernelsUrl } from './wasmBackend.ts';
export { type WasmKernelsSource, useWasmKernels } from './useWasmKernels.ts';
