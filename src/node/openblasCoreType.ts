import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * OpenBLAS cores whose kernels use AVX2 (or AVX-512). On a CPU with AVX2 any other core OpenBLAS
 * reports (Prescott, Core2, Nehalem, Sandybridge, Barcelona, …) is a mis-detection: its SSE/AVX
 * kernels run at a fraction of the machine's speed (Debian's OpenBLAS 0.3.21 reports Prescott on
 * Intel Emerald Rapids).
 */
const avx2Cores = new Set(['haswell', 'zen', 'skylakex', 'cooperlake', 'sapphirerapids', 'excavator']);

const avx512Flags = ['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'];

/** The CPU as /proc/cpuinfo describes its first processor: vendor, model name and flags. */
export interface CpuInfo { vendor: string; model: string; flags: ReadonlySet<string> }

/** Parses the first processor of /proc/cpuinfo's text (undefined when it names no flags). */
export function parseCpuInfo(text: string): CpuInfo | undefined {
  const field = (name: string): string | undefined => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const flags = field('flags');
  if (flags === undefined) return undefined;
  return { vendor: field('vendor_id') ?? '', model: field('model name') ?? '', flags: new Set(flags.split(/\s+/)) };
}

/**
 * The OpenBLAS core type to ask for on cpu when OpenBLAS itself detected `detected`, or undefined
 * to keep OpenBLAS's choice: only a generic (pre-AVX2) core on a CPU with AVX2 and FMA is replaced —
 * by SkylakeX where the CPU has AVX-512 F/CD/BW/DQ/VL, else Zen on AMD and Hygon, else Haswell.
 */
export function chooseCoreType(cpu: CpuInfo, detected: string): string | undefined {
  if (avx2Cores.has(detected.toLowerCase())) return undefined;
  if (!cpu.flags.has('avx2') || !cpu.flags.has('fma')) return undefined;
  if (avx512Flags.every((f) => cpu.flags.has(f))) return 'SkylakeX';
  return /AMD|Hygon/i.test(cpu.vendor) ? 'Zen' : 'Haswell';
}

/** What prepareOpenblasCoreType decided. */
export interface CoreTypeDecision {
  /** 'user': OPENBLAS_CORETYPE was already set; 'chosen': dln set it; 'detected': OpenBLAS's own choice is kept; 'none': no OpenBLAS or no cpuinfo. */
  source: 'user' | 'chosen' | 'detected' | 'none';
  /** The core type in force (OPENBLAS_CORETYPE's value, or OpenBLAS's detection). */
  coreType?: string;
  /** What OpenBLAS detected on its own (when it was asked). */
  detected?: string;
}

const addonPath = fileURLToPath(new URL('../../native/build/Release/dln_native.node', import.meta.url));
const cachePath = fileURLToPath(new URL('../../native/build/openblas-core.json', import.meta.url));

/** The core OpenBLAS picks by itself on this CPU, asked of a child process (the library picks once, when it loads). */
function detectCore(cpu: CpuInfo): string | undefined {
  const key = `${cpu.vendor} | ${cpu.model} | ${[...cpu.flags].sort().join(' ')}`;
  try {
    const cached = JSON.parse(readFileSync(cachePath, 'utf8')) as { key?: string; core?: string };
    if (cached.key === key && typeof cached.core === 'string') return cached.core;
  } catch { /* no cache yet */ }
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  const r = spawnSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(addonPath)}).config())`], { encoding: 'utf8', env, timeout: 30_000 });
  const core = r.status === 0 ? /core (\S+)/.exec(r.stdout)?.[1] : undefined;
  if (core === undefined) return undefined;
  try {
    writeFileSync(`${cachePath}.tmp`, JSON.stringify({ key, core }) + '\n');
    renameSync(`${cachePath}.tmp`, cachePath);
  } catch { /* a read-only install asks again next time */ }
  return core;
}

/**
 * Sets OPENBLAS_CORETYPE in env (default process.env, which Node passes to the C library's
 * environment, to worker threads and to child processes) when the user has not set it, OpenBLAS
 * detects a generic core and the CPU has AVX2 (see chooseCoreType). Must run before the native
 * addon loads: OpenBLAS reads the variable once, at load. Never throws.
 */
export function prepareOpenblasCoreType(env: NodeJS.ProcessEnv = process.env, cpuinfo?: string): CoreTypeDecision {
  const user = env.OPENBLAS_CORETYPE;
  if (user !== undefined && user !== '') return { source: 'user', coreType: user };
  // OpenBLAS 0.3.21 does not treat an empty value as unset (it picks a core of its list).
  if (user === '') delete env.OPENBLAS_CORETYPE;
  if (env.DLN_BACKEND === 'ts' || env.DLN_BACKEND === 'wasm') return { source: 'none' };
  let text = cpuinfo;
  if (text === undefined) {
    try { text = readFileSync('/proc/cpuinfo', 'utf8'); } catch { return { source: 'none' }; }
  }
  const cpu = parseCpuInfo(text);
  if (cpu === undefined || !cpu.flags.has('avx2')) return { source: 'none' };
  const detected = detectCore(cpu);
  if (detected === undefined) return { source: 'none' };
  const pick = chooseCoreType(cpu, detected);
  if (pick === undefined) return { source: 'detected', coreType: detected, detected };
  env.OPENBLAS_CORETYPE = pick;
  env.DLN_OPENBLAS_CORETYPE_CHOSEN = detected;
  return { source: 'chosen', coreType: pick, detected };
}
