import type { Command } from 'commander';
import { seedValue } from './flagParsers.ts';

/** Adds --seed (default 1): the one seed of every random choice a command makes. */
export function addSeedOption(cmd: Command): Command {
  return cmd.option('--seed <n>', 'seed of the random generator (integer 0 … 2^32−1)', seedValue, 1);
}

/** Adds --json: the result as JSON on stdout instead of text. */
export function addJsonOption(cmd: Command): Command {
  return cmd.option('--json', 'print the result as JSON on stdout');
}

/** Whether the user gave option key (camelCase) on the command line (not its default). */
export function userGave(cmd: Command, key: string): boolean {
  const source = cmd.getOptionValueSource(key);
  return source === 'cli' || source === 'env';
}
