import { readFileSync } from 'node:fs';
import { CommanderError, type Command } from 'commander';
import { InputError, PremiseError, ShapeError } from '../errors.ts';

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130;

/** dln's version, read from package.json. */
export function dlnVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Where a command talks to the world: results on stdout, messages and progress on stderr. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** Calls handler on every Ctrl-C until the returned function is called (default: process SIGINT). */
  onInterrupt(handler: () => void): () => void;
}

/** Per-invocation state shared by the commands of one `main` call: the exit code they ask for. */
export interface CliContext {
  readonly io: CliIO;
  /** The arguments after `dln`, as given (config files record the command). */
  readonly argv: readonly string[];
  exitCode: number;
}

/** The process's own streams, environment and SIGINT. */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => { process.removeListener('SIGINT', handler); };
    },
  };
}

/** A message as one line (a user error is always reported on exactly one line). */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, '; ').trim();
}

/** True when argv asks for JSON output (before any `--`). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * The exit code for an error thrown by a command, after reporting it: user errors (InputError, the
 * engine's ShapeError, command-line parse errors) → 2, failed premises → 3 (with --json also `{error, premise}` on
 * stdout), help and version → 0, anything else → 1 (stack trace only with DLN_DEBUG=1).
 */
export function reportError(e: unknown, io: CliIO, json: boolean): number {
  if (e instanceof CommanderError) {
    if (e.exitCode === 0) return 0;
    // `dln` alone: commander has already printed the help on stderr.
    if (e.code === 'commander.help' || e.code === 'commander.helpDisplayed') return 2;
    io.stderr.write(`dln: ${oneLine(e.message.replace(/^error:\s*/, ''))}\n`);
    return 2;
  }
  if (e instanceof InputError || e instanceof ShapeError) {
    io.stderr.write(`dln: ${oneLine(e.message)}\n`);
    return 2;
  }
  if (e instanceof PremiseError) {
    io.stderr.write(`dln: premise failed (${e.premise}): ${oneLine(e.message)}\n`);
    if (json) io.stdout.write(`${JSON.stringify({ error: e.message, premise: e.premise }, null, 2)}\n`);
    return 3;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  if (io.env.DLN_DEBUG === '1') io.stderr.write(`dln: internal error: ${err.stack ?? err.message}\n`);
  else io.stderr.write(`dln: internal error: ${oneLine(err.message)} (set DLN_DEBUG=1 for the stack trace)\n`);
  return 1;
}

/**
 * Parses argv with the program that build makes and runs the chosen command; returns its exit code
 * instead of exiting. Commander's own error printing is silenced: reportError prints one line.
 */
export async function runCli(argv: readonly string[], build: (ctx: CliContext) => Command, io: CliIO): Promise<number> {
  const ctx: CliContext = { io, argv: [...argv], exitCode: 0 };
  try {
    const program = build(ctx);
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    return reportError(e, io, wantsJson(argv));
  }
}
