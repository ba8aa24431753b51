import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { createProgram } from '../../src/cli/main.ts';
import type { CliContext } from '../../src/cli/run.ts';
import { builtinData } from '../../src/data/generators.ts';
import { encodeNpy } from '../../src/data/npy.ts';
import { encodeWeights } from '../../src/data/npz.ts';
import { transposed } from '../../src/linalg/mat.ts';
import { Rng } from '../../src/linalg/rng.ts';
import { initGaussian } from '../../src/model/init.ts';
import { exportFiles } from '../../src/playground/exportRun.ts';
import { PRESETS } from '../../src/playground/presets.ts';
import { advance, createSession } from '../../src/playground/session.ts';
import { createSetup } from '../../src/playground/setup.ts';
import { dlnHere, workDir } from '../helpers/cli.ts';

/** Every command path of the program (`train`, `data export`, `sweep status`, …), the program's own help aside. */
function commandPaths(): string[][] {
  const program = createProgram({ io: {} as CliContext['io'], argv: [], exitCode: 0 });
  const paths: string[][] = [];
  const walk = (cmd: Command, path: string[]): void => {
    for (const sub of cmd.commands) {
      if (sub.name() === 'help') continue;
      paths.push([...path, sub.name()]);
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(program, []);
  return paths;
}

/** The examples of a help text: the lines `  dln …` after `Examples:` up to a blank line, without a trailing `  (comment)`. */
function examples(help: string): string[][] {
  const at = help.indexOf('\nExamples:\n');
  if (at < 0) return [];
  const out: string[][] = [];
  for (const line of help.slice(at + '\nExamples:\n'.length).split('\n')) {
    if (line.trim() === '') break;
    assert.match(line, /^ {2}dln /, `an example line that is not a dln command: '${line}'`);
    out.push(line.replace(/\s{2,}\(.*\)\s*$/, '').trim().split(/\s+/).slice(1));
  }
  return out;
}

/**
 * The files a user's examples read, as a user would have them: X.npy and Y.npy (samples as rows, 5
 * features and 5 targets: report-sec4's data), W0.npz (weights of a 5-4-4-5 network), grid.json (a
 * small sweep over lrMultiple and depth) and run/config.json (the playground's export of a
 * perturbed-GD run, with the files beside it). Each maps to the files to write.
 */
const FIXTURES: Record<string, () => Promise<Record<string, Uint8Array | string>>> = {
  'X.npy': async () => ({ 'X.npy': encodeNpy(transposed(builtinData['report-sec4'](new Rng(1)).x)) }),
  'Y.npy': async () => ({ 'Y.npy': encodeNpy(transposed(builtinData['report-sec4'](new Rng(1)).y)) }),
  'W0.npz': async () => ({ 'W0.npz': encodeWeights(initGaussian([5, 4, 4, 5], new Rng(2), 0.1)) }),
  'grid.json': async () => ({
    'grid.json': `${JSON.stringify({
      name: 'grid', base: { data: 'report-sec5', width: 5, initStd: 0.2, steps: 200 },
      axes: { depth: [2, 3], seed: '0..1', lrMultiple: { from: 0.5, to: 4, count: 3, scale: 'log' } },
    })}\n`,
  }),
  'run/config.json': async () => {
    const cfg = PRESETS.find((p) => p.id === 'pgd2')!.cfg;
    const session = createSession(cfg, createSetup(cfg));
    advance(session, 200);
    const files = await exportFiles(session, 'ts', 'test');
    return Object.fromEntries(Object.entries(files).map(([name, body]) => [join('run', name), body]));
  },
};

test('case 9: every example in every command\'s --help runs and exits 0 (each help\'s examples in order, in a fresh folder)', async () => {
  const paths = commandPaths();
  let ran = 0;
  for (const path of paths) {
    const help = await dlnHere([...path, '--help']);
    assert.equal(help.code, 0, path.join(' '));
    const list = examples(help.stdout);
    if (list.length === 0) continue;
    const w = workDir('help-examples');
    try {
      for (const args of list) {
        // An input file the example names and no earlier example wrote is there, as a user's own file would be.
        if (args.slice(0, 2).join(' ') !== 'data export') {
          for (const [name, make] of Object.entries(FIXTURES)) {
            if (!args.includes(name) || existsSync(join(w.work, name))) continue;
            for (const [file, body] of Object.entries(await make())) {
              mkdirSync(dirname(join(w.work, file)), { recursive: true });
              writeFileSync(join(w.work, file), body);
            }
          }
        }
        // A server runs until Ctrl-C (its help says so): stopped once it prints its address.
        const server = args[0] === 'playground' && !args.includes('--export');
        const r = await dlnHere(args, w.work, server ? { ctrlCOn: /http:\/\/\S+/ } : {});
        assert.equal(r.code, 0, `dln ${args.join(' ')} (from dln ${path.join(' ')} --help) exited ${r.code}: ${r.stderr}`);
        ran++;
      }
    } finally {
      w.remove();
    }
  }
  assert.ok(ran >= 30, `only ${ran} examples found`);
});
