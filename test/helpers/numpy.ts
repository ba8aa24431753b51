import { spawnSync } from 'node:child_process';

/**
 * Runs a python3 script that reads JSON from stdin (as `data`) and prints JSON; returns the parsed
 * output, or null when python3 or numpy is not available (the caller then skips its test).
 * The prelude imports json, sys and numpy as np and binds `data`; the script must call `emit(obj)`.
 */
export function runNumpy(script: string, input: unknown): unknown {
  const prelude = [
    'import json, sys',
    'try:',
    '    import numpy as np',
    'except ImportError:',
    '    sys.exit(77)',
    'data = json.load(sys.stdin)',
    'def emit(obj):',
    '    json.dump(obj, sys.stdout)',
  ].join('\n');
  const res = spawnSync('python3', ['-c', `${prelude}\n${script}`], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (res.error !== undefined || res.status === 77) return null;
  if (res.status !== 0) throw new Error(`runNumpy: python3 failed: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

let numpyFound: boolean | undefined;

/** True when python3 can import numpy (asked once). */
export function hasNumpy(): boolean {
  numpyFound ??= spawnSync('python3', ['-c', 'import importlib.util, sys; sys.exit(importlib.util.find_spec("numpy") is None)'], { stdio: 'ignore' }).status === 0;
  return numpyFound;
}

/** Runs a python3 program with arguments and returns its stdout; throws with its stderr when it fails. */
export function python(code: string, ...args: string[]): string {
  const r = spawnSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
}
