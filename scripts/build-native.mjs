#!/usr/bin/env node
// Builds the native kernels (native/, an N-API addon over OpenBLAS + LAPACKE) when the library and
// its headers are present. Never fails the install: when anything is missing or the build breaks,
// it prints one line and exits 0, and dln runs on the WASM (or TypeScript) kernels.
//
// Environment: DLN_SKIP_NATIVE=1 skips the build; DLN_BLAS_INCLUDE / DLN_BLAS_LIBDIR (':'-separated
// folders) point at a non-standard OpenBLAS; DLN_BLAS_LIBS overrides the link flags.
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');

/** What dln runs on without the native kernels, said as it is: the WASM kernels when they are here and compile. */
function fallbackKernels() {
  const wasm = join(root, 'wasm', 'build', 'kernels.wasm');
  if (existsSync(wasm)) {
    return WebAssembly.validate(readFileSync(wasm))
      ? 'using the WASM kernels'
      : 'using the TypeScript kernels (this Node cannot compile the WASM SIMD kernels)';
  }
  // A checkout builds them next, at prepare (scripts/build-wasm.mjs says whether that worked).
  if (existsSync(join(root, 'wasm', 'kernels.ts'))) return 'the WASM kernels are used once built (npm run build:wasm)';
  return 'using the TypeScript kernels (the WASM kernels are missing from this install)';
}
const fallback = fallbackKernels();

function done(message) {
  console.log(`dln: ${message}`);
  process.exit(0);
}

/** Folders the compiler searches anyway: passing them with -I/-L only reorders the search. */
function systemDirs(kind) {
  const base = kind === 'include' ? ['/usr/include'] : ['/usr/lib', '/lib', '/usr/lib64', '/lib64'];
  const multi = [];
  for (const b of base) {
    try { for (const d of readdirSync(b)) if (/-linux-gnu/.test(d)) multi.push(join(b, d)); } catch { /* absent */ }
  }
  return [...base, ...multi];
}

function candidates(kind, envVar) {
  const fromEnv = (process.env[envVar] ?? '').split(':').filter(Boolean);
  const extra = kind === 'include'
    ? ['/usr/include/openblas', '/usr/local/include', '/opt/homebrew/opt/openblas/include', '/usr/local/opt/openblas/include']
    : ['/usr/local/lib', '/opt/homebrew/opt/openblas/lib', '/usr/local/opt/openblas/lib'];
  return [...fromEnv, ...systemDirs(kind), ...extra];
}

function findDir(dirs, names) {
  return dirs.find((d) => names.every((n) => existsSync(join(d, n))));
}

function findLib(dirs, stem) {
  return dirs.find((d) => ['.so', '.dylib', '.a'].some((ext) => existsSync(join(d, `lib${stem}${ext}`))));
}

function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  const prefix = resolve(dirname(process.execPath), '..');
  for (const p of [join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
    join(prefix, 'node_modules/npm/node_modules/node-gyp/bin/node-gyp.js')]) {
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Node's own headers, so that node-gyp need not download them (installs may be offline). */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include/node/node_api.h')) ? prefix : undefined;
}

if (process.env.DLN_SKIP_NATIVE) done(`native build skipped (DLN_SKIP_NATIVE is set); ${fallback}`);

const incDirs = candidates('include', 'DLN_BLAS_INCLUDE');
const libDirs = candidates('lib', 'DLN_BLAS_LIBDIR');
const incCblas = findDir(incDirs, ['cblas.h']);
const incLapacke = findDir(incDirs, ['lapacke.h']);
const libBlas = findLib(libDirs, 'openblas');
if (!incCblas || !libBlas) done(`OpenBLAS not found; ${fallback}`);
if (!incLapacke) done(`LAPACKE headers (lapacke.h) not found; ${fallback}`);
// Debian ships LAPACKE as its own library; OpenBLAS builds elsewhere (Homebrew) bundle it.
const libLapacke = findLib(libDirs, 'lapacke');

const gyp = nodeGyp();
if (!gyp) done(`node-gyp not found, cannot build the OpenBLAS kernels; ${fallback}`);

const sys = new Set([...systemDirs('include'), ...systemDirs('lib')]);
const nonSystem = (dirs) => [...new Set(dirs.filter((d) => d && !sys.has(d)))].join(':');
const env = {
  ...process.env,
  DLN_BLAS_INCLUDE: nonSystem([incCblas, incLapacke]),
  DLN_BLAS_LIBDIR: nonSystem([libBlas, libLapacke]),
  DLN_BLAS_LIBS: process.env.DLN_BLAS_LIBS ?? (libLapacke ? '-lopenblas -llapacke' : '-lopenblas'),
};
const dir = nodeDir();
const args = [gyp, 'rebuild', ...(dir ? [`--nodedir=${dir}`] : [])];
const build = spawnSync(process.execPath, args, { cwd: nativeDir, env, encoding: 'utf8' });
const log = `${build.stdout ?? ''}${build.stderr ?? ''}${build.error ? String(build.error) : ''}`;
mkdirSync(join(nativeDir, 'build'), { recursive: true });
writeFileSync(join(nativeDir, 'build', 'build.log'), log);
if (build.status !== 0) done(`building the OpenBLAS kernels failed (see native/build/build.log); ${fallback}`);

// A library found at build time can still be missing at load time: load it once to be sure.
const addon = join(nativeDir, 'build', 'Release', 'dln_native.node');
const probe = spawnSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(addon)}).config())`], { encoding: 'utf8' });
if (probe.status !== 0) {
  writeFileSync(join(nativeDir, 'build', 'build.log'), `${log}\n${probe.stderr}`);
  done(`the OpenBLAS kernels were built but do not load (see native/build/build.log); ${fallback}`);
}
done(`native kernels built over ${probe.stdout.trim()}`);
