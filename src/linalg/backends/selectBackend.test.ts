import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getBackend, setBackend } from '../backend.ts';
import { tsBackend } from './tsBackend.ts';
import { availableBackends, backendNames, backendUnavailableReason, resolveBackend, useBackend } from './selectBackend.ts';

const selectUrl = new URL('./selectBackend.ts', import.meta.url).href;
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs a snippet in a fresh Node (own module state and environment); returns its JSON output. */
function inChild(body: string, env: Record<string, string | undefined> = {}): Record<string, unknown> {
  const script = `const s = await import(${JSON.stringify(selectUrl)});\n${body}`;
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root, encoding: 'utf8', env: { ...process.env, DLN_BACKEND: undefined, ...env },
  });
  assert.equal(res.status, 0, res.stderr);
  return JSON.parse(res.stdout) as Record<string, unknown>;
}

test('availableBackends lists ts always and in the order native, wasm, ts', () => {
  const names = availableBackends();
  assert.ok(names.includes('ts'));
  assert.deepEqual(names, backendNames.filter((n) => names.includes(n)));
  assert.deepEqual(backendNames, ['native', 'wasm', 'ts']);
  for (const n of ['native', 'wasm'] as const) assert.equal(names.includes(n), backendUnavailableReason(n) === undefined);
});

test("useBackend selects each available backend by name and 'auto' picks the first available", () => {
  const before = getBackend();
  try {
    for (const n of availableBackends()) {
      assert.equal(useBackend(n).name, n);
      assert.equal(getBackend().name, n);
    }
    assert.equal(useBackend('auto').name, availableBackends()[0]);
  } finally {
    setBackend(before);
  }
});

test("'auto' falls back to wasm without native and to ts without both", (t) => {
  const wasmReason = backendUnavailableReason('wasm');
  if (wasmReason === undefined) assert.equal(resolveBackend('auto', { exclude: ['native'] }).name, 'wasm');
  else t.diagnostic(`wasm unavailable (${wasmReason}); checked only the ts fallback`);
  assert.equal(resolveBackend('auto', { exclude: ['native', 'wasm'] }), tsBackend);
});

test('an unknown backend name is a RangeError listing the valid names', () => {
  assert.throws(() => resolveBackend('cuda' as 'ts'), /unknown backend 'cuda' \(expected ts, wasm, native or auto\)/);
});

test('DLN_BACKEND=ts and DLN_BACKEND=wasm force those backends over auto; a bad value names itself', () => {
  const body = `console.log(JSON.stringify({ name: s.resolveBackend().name }));`;
  assert.equal(inChild(body, { DLN_BACKEND: 'ts' }).name, 'ts');
  if (backendUnavailableReason('wasm') === undefined) assert.equal(inChild(body, { DLN_BACKEND: 'wasm' }).name, 'wasm');
  const bad = `let m = ''; try { s.resolveBackend(); } catch (e) { m = e.message; } console.log(JSON.stringify({ m }));`;
  assert.match(String(inChild(bad, { DLN_BACKEND: 'gpu' }).m), /DLN_BACKEND: unknown backend 'gpu'/);
});

test('without Node built-ins (as in a browser) auto is ts, and asking for native or wasm says why not', () => {
  const out = inChild(`
    delete process.getBuiltinModule;
    Object.defineProperty(process.versions, 'node', { value: undefined });
    const why = (n) => { try { s.resolveBackend(n); return ''; } catch (e) { return e.message; } };
    console.log(JSON.stringify({ auto: s.resolveBackend('auto').name, available: s.availableBackends(), native: why('native'), wasm: why('wasm') }));
  `);
  assert.equal(out.auto, 'ts');
  assert.deepEqual(out.available, ['ts']);
  assert.match(String(out.native), /backend 'native' is unavailable: native kernels need Node\.js/);
  assert.match(String(out.wasm), /backend 'wasm' is unavailable: no file system here/);
});
