import { type ChildProcess, spawn } from 'node:child_process';
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
