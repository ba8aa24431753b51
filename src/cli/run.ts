import { readFileSync } from 'node:fs';
import { CommanderError, type Command } from 'commander';
import { PremiseError, isBadInput } from '../errors.ts';

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

/** The command argv runs in program: subcommand names followed from the root (a default subcommand where none is named). */
function commandOf(program: Command, argv: readonly string[]): Command {
  let cmd = program;
  for (const word of argv) {
    if (word === '--') break;
    if (word.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub === undefined) break;
    cmd = sub;
  }
  const fallback = (cmd as unknown as { _defaultCommandName?: string | null })._defaultCommandName;
  const def = fallback != null ? cmd.commands.find((c) => c.name() === fallback) : undefined;
  return def ?? cmd;
}

/** True when argv gives --json (before any `--`) to a command whose --json asks for JSON output (a flag without a value). */
function wantsJson(argv: readonly string[], program: Command | undefined): boolean {
  const end = argv.indexOf('--');
  if (!(end < 0 ? argv : argv.slice(0, end)).includes('--json')) return false;
  if (program === undefined) return false;
  return commandOf(program, argv).options.some((o) => o.long === '--json' && !o.required && !o.optional);
}

/** What stdout carries with --json when a command fails with exit code 2 or 3: one JSON object. */
export interface JsonError { error: string; exitCode: 2 | 3; premise?: string }

function writeJsonError(io: CliIO, error: JsonError): void {
  io.stdout.write(`${JSON.stringify(error, null, 2)}\n`);
}

/**
 * The exit code for an error thrown by a command, after reporting it: user errors (InputError, the
 * engine's ShapeError, ArgumentError and DataError: isBadInput; command-line parse errors) → 2, failed premises → 3, help and version → 0,
 * anything else → 1 (stack trace only with DLN_DEBUG=1). The message is one line on stderr; with
 * json, stdout also carries `{error, exitCode, premise?}` for exit codes 2 and 3.
 */
export function reportError(e: unknown, io: CliIO, json: boolean): number {
  if (e instanceof CommanderError) {
    if (e.exitCode === 0) return 0;
    // `dln` alone: commander has already printed the help on stderr.
    if (e.code === 'commander.help' || e.code === 'commander.helpDisplayed') return 2;
    const message = oneLine(e.message.replace(/^error:\s*/, ''));
    io.stderr.write(`dln: ${message}\n`);
    if (json) writeJsonError(io, { error: message, exitCode: 2 });
    return 2;
  }
  if (isBadInput(e)) {
    const message = oneLine((e as Error).message);
    io.stderr.write(`dln: ${message}\n`);
    if (json) writeJsonError(io, { error: message, exitCode: 2 });
    return 2;
  }
  if (e instanceof PremiseError) {
    io.stderr.write(`dln: premise failed (${e.premise}): ${oneLine(e.message)}\n`);
    if (json) writeJsonError(io, { error: oneLine(e.message), exitCode: 3, premise: e.premise });
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
  let program: Command | undefined;
  try {
    program = build(ctx);
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    return reportError(e, io, wantsJson(argv, program));
  }
}
