// The consumer project of dln's package tests: dln packed once (npm pack of a fresh dist/) and
// installed into one temporary project outside the checkout, so that nothing resolves back into
// the repository's own node_modules by accident.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** What npm pack --json says of the tarball. */
export interface PackInfo {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
  readonly files: readonly { path: string; size: number }[];
}

/** The temporary project with dln installed in node_modules/dln. */
export interface ConsumerProject {
  readonly dir: string;
  readonly tarball: string;
  readonly pack: PackInfo;
  /** The install script's output (scripts/build-native.mjs, run as npm runs it). */
  readonly installMessage: string;
  /** Runs node (or another command) in the project; throws with its output when it fails. */
  run(args: readonly string[], options?: { command?: string; env?: Record<string, string> }): string;
  remove(): void;
}

function exec(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}${r.error ?? ''}`);
  return r.stdout;
}

/** Links dir/node_modules/name to the repository's installed copy (scoped names included). */
function linkFromRepo(dir: string, name: string): void {
  const to = join(dir, 'node_modules', name);
  mkdirSync(dirname(to), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules', name), to, 'dir');
}

/**
 * Builds dist/, packs dln, and installs the tarball into a fresh project under the system's
 * temporary folder: the tarball is unpacked into node_modules/dln (as npm does), its install script
 * runs, and its dependencies (plus `extra` tools the tests need: typescript, vite, @types/node) are
 * linked from the repository's node_modules, so that the install is offline and takes a second.
 * tsx, assemblyscript and the other development tools are deliberately absent.
 */
export function createConsumerProject(extra: readonly string[]): ConsumerProject {
  exec(process.execPath, ['scripts/build-lib.mjs'], repoRoot);
  const dir = mkdtempSync(join(tmpdir(), 'dln-consumer-'));
  try {
    // --ignore-scripts: dist/ was just built, and prepare would rebuild the WASM kernels under running tests.
    const pack = (JSON.parse(exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], repoRoot)) as PackInfo[])[0];
    const tarball = join(dir, pack.filename);
    const pkgDir = join(dir, 'node_modules', 'dln');
    mkdirSync(pkgDir, { recursive: true });
    exec('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1'], dir);
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; bin: Record<string, string> };
    for (const name of new Set([...Object.keys(manifest.dependencies ?? {}), ...extra])) linkFromRepo(dir, name);
    mkdirSync(join(dir, 'node_modules', '.bin'));
    symlinkSync(join('..', 'dln', manifest.bin.dln), join(dir, 'node_modules', '.bin', 'dln'));
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'dln-consumer', private: true, type: 'module', dependencies: { dln: `file:${pack.filename}` } }, null, 2)}\n`);
    // npm runs the install script in the package folder; OpenBLAS is skipped to keep this fast.
    const installMessage = exec(process.execPath, ['scripts/build-native.mjs'], pkgDir, { DLN_SKIP_NATIVE: '1' });
    return {
      dir, tarball, pack, installMessage,
      run: (args, options = {}) => exec(options.command ?? process.execPath, args, dir, options.env),
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Copies the named fixture files (test/package/fixtures/…) into the project, keeping their relative paths. */
export function copyFixtures(project: ConsumerProject, names: readonly string[]): void {
  for (const name of names) {
    const to = join(project.dir, name);
    mkdirSync(dirname(to), { recursive: true });
    cpSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), to);
  }
}
