import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { backendUnavailableReason } from '../linalg/backends/selectBackend.ts';
import { chooseCoreType, parseCpuInfo, prepareOpenblasCoreType } from './openblasCoreType.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const base = 'fpu sse sse2 ssse3 sse4_1 sse4_2 avx';
const cpuinfo = (vendor: string, flags: string): string =>
  `processor\t: 0\nvendor_id\t: ${vendor}\nmodel name\t: Test CPU\nflags\t\t: ${base} ${flags}\n\nprocessor\t: 1\n`;
const cpu = (vendor: string, flags: string) => parseCpuInfo(cpuinfo(vendor, flags))!;

test('a generic core on an AVX-512 or AVX2 CPU is replaced; an AVX2 core or an older CPU is left alone', () => {
  const avx512 = 'avx2 fma avx512f avx512cd avx512bw avx512dq avx512vl';
  assert.equal(chooseCoreType(cpu('GenuineIntel', avx512), 'Prescott'), 'SkylakeX');
  assert.equal(chooseCoreType(cpu('AuthenticAMD', avx512), 'Nehalem'), 'SkylakeX');
  assert.equal(chooseCoreType(cpu('GenuineIntel', 'avx2 fma'), 'Sandybridge'), 'Haswell');
  assert.equal(chooseCoreType(cpu('AuthenticAMD', 'avx2 fma'), 'Barcelona'), 'Zen');
  assert.equal(chooseCoreType(cpu('GenuineIntel', 'avx2 fma avx512f'), 'Prescott'), 'Haswell');
  assert.equal(chooseCoreType(cpu('GenuineIntel', avx512), 'Haswell'), undefined);
  assert.equal(chooseCoreType(cpu('AuthenticAMD', 'avx2 fma'), 'Zen'), undefined);
  assert.equal(chooseCoreType(cpu('GenuineIntel', ''), 'Prescott'), undefined);
  assert.equal(parseCpuInfo('processor : 0\n'), undefined);
});

test('a user-set OPENBLAS_CORETYPE is respected; a CPU without AVX2 or without cpuinfo is left to OpenBLAS', () => {
  const env: NodeJS.ProcessEnv = { OPENBLAS_CORETYPE: 'Zen' };
  assert.deepEqual(prepareOpenblasCoreType(env, cpuinfo('GenuineIntel', 'avx2 fma')), { source: 'user', coreType: 'Zen' });
  assert.equal(env.OPENBLAS_CORETYPE, 'Zen');
  const plain: NodeJS.ProcessEnv = {};
  assert.deepEqual(prepareOpenblasCoreType(plain, cpuinfo('GenuineIntel', '')), { source: 'none' });
  assert.deepEqual(prepareOpenblasCoreType(plain, 'no cpu here'), { source: 'none' });
  assert.equal(plain.OPENBLAS_CORETYPE, undefined);
});

test('dln runs on the core OpenBLAS detects here or the one it chose, and a user value reaches OpenBLAS', { skip: backendUnavailableReason('native') }, () => {
  const script = `const c = await import(${JSON.stringify(new URL('./openblasCoreType.ts', import.meta.url).href)});
const d = c.prepareOpenblasCoreType();
const s = await import(${JSON.stringify(new URL('../linalg/backends/selectBackend.ts', import.meta.url).href)});
console.log(JSON.stringify({ d, core: s.nativeCoreType() }));`;
  const run = (env: Record<string, string | undefined>) => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root, encoding: 'utf8', env: { ...process.env, DLN_BACKEND: undefined, OPENBLAS_CORETYPE: undefined, ...env },
    });
    assert.equal(res.status, 0, res.stderr);
    return JSON.parse(res.stdout) as { d: { source: string; coreType?: string }; core: string };
  };
  const auto = run({});
  assert.ok(['detected', 'chosen', 'none'].includes(auto.d.source));
  if (auto.d.coreType !== undefined) assert.equal(auto.core, auto.d.coreType);
  const user = run({ OPENBLAS_CORETYPE: 'Prescott' });
  assert.deepEqual(user, { d: { source: 'user', coreType: 'Prescott' }, core: 'Prescott' });
});
