import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The dln command of this checkout. */
export const BIN = fileURLToPath(new URL('../../bin/dln.js', import.meta.url));

/** What a finished dln process left: exit code and its two streams. */
export interface Run { code: number | null; stdout: string; stderr: string }

/** A running dln process: `done` settles when it exits, `stderrHas(text)` once stderr contains text. */
export interface Started { child: ChildProcess; done: Promise<Run>; stderrHas(text: string): Promise<void> }

/** Starts `node bin/dln.js args…` in cwd (for tests that send signals or watch progress). */
export function startDln(args: readonly string[], cwd: string): Started {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of waiters) if (stderr.includes(w.text)) w.resolve();
  });
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    child, done,
    stderrHas: (text) => new Promise((resolve, reject) => {
      if (stderr.includes(text)) resolve();
      else waiters.push({ text, resolve });
      void done.then((r) => reject(new Error(`exited before stderr showed '${text}': ${r.stderr}`)));
    }),
  };
}

/**
 * Runs `dln args…` in this process (no start-up of a new Node: a tenth of the time), with in-memory
 * stdout and stderr, in the working directory cwd (restored afterwards). Jobs still run on worker
 * threads, which resolve the test runner's `--import tsx` from the working directory: make cwd with
 * workDir. With ctrlCOn, a Ctrl-C is sent once stdout matches it (to stop a server as a user would).
 * Calls must not overlap (the working directory is the process's).
 */
export async function dlnHere(args: readonly string[], cwd = process.cwd(), options: { ctrlCOn?: RegExp } = {}): Promise<Run> {
  const { main } = await import('../../src/cli/main.ts');
  let stdout = '', stderr = '', due = false;
  const handlers = new Set<() => void>();
  const interrupt = (): void => { for (const h of [...handlers]) setImmediate(h); };
  const sink = (append: (s: string) => void): Writable => new Writable({ write(c: Buffer | string, _e, cb) { append(c.toString()); cb(); } });
  const io = {
    stdout: sink((s) => {
      stdout += s;
      if (!due && options.ctrlCOn?.test(stdout) === true) { due = true; interrupt(); }
    }),
    stderr: sink((s) => { stderr += s; }),
    env: {},
    onInterrupt: (h: () => void) => {
      handlers.add(h);
      if (due) setImmediate(h);
      return () => { handlers.delete(h); };
    },
  };
  const before = process.cwd(), backend = process.env.DLN_BACKEND;
  process.chdir(cwd);
  try {
    const code = await main(args, io);
    return { code, stdout, stderr };
  } finally {
    process.chdir(before);
    // A command puts its kernel backend into DLN_BACKEND (for its worker threads); the next one chooses afresh, as a new process would.
    if (backend === undefined) delete process.env.DLN_BACKEND;
    else process.env.DLN_BACKEND = backend;
  }
}

/**
 * A fresh folder to run dln in (dlnHere), removed by remove(): `work` inside a temporary folder that
 * also holds a link to this checkout's node_modules, so that worker threads find tsx from there.
 */
export function workDir(prefix: string): { work: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), `dln-${prefix}-`));
  symlinkSync(fileURLToPath(new URL('../../node_modules', import.meta.url)), join(root, 'node_modules'));
  const work = join(root, 'work');
  mkdirSync(work);
  return { work, remove: () => rmSync(root, { recursive: true, force: true }) };
}
