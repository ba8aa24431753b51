import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/run.ts';
import { experiments } from '../../src/experiments/registry.ts';
import { smoke } from '../../src/experiments/smoke.ts';
import { svgTexts } from '../../src/plot/svgTexts.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

interface Run { code: number; stdout: string; stderr: string }

/** Runs `dln args…` in this process with in-memory stdout and stderr (experiments still run on worker threads). */
async function dln(args: readonly string[]): Promise<Run> {
  let stdout = '', stderr = '';
  const sink = (append: (s: string) => void): Writable => new Writable({ write(c: Buffer | string, _e, cb) { append(c.toString()); cb(); } });
  const io: CliIO = { stdout: sink((s) => { stdout += s; }), stderr: sink((s) => { stderr += s; }), env: {}, onInterrupt: () => () => {} };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'dln-experiment-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

describe('dln experiment', () => {
  test('--list prints name, source and title of every listed experiment and none of the built-in test experiments', async () => {
    const r = await dln(['experiment', '--list']);
    assert.equal(r.code, 0, r.stderr);
    if (experiments.length === 0) assert.equal(r.stdout, 'no experiments registered yet\n');
    else {
      const lines = r.stdout.trimEnd().split('\n');
      assert.match(lines[0], /^NAME\s+SOURCE\s+TITLE$/);
      assert.equal(lines.length, experiments.length + 1);
      experiments.forEach((e, i) => {
        assert.ok(lines[i + 1].startsWith(`${e.name} `), lines[i + 1]);
        assert.ok(lines[i + 1].includes(e.source) && lines[i + 1].endsWith(e.title), lines[i + 1]);
      });
    }
    assert.doesNotMatch(r.stdout, /smoke/);
    const json = JSON.parse((await dln(['experiment', '--list', '--json'])).stdout) as { name: string; source: string; title: string }[];
    assert.deepEqual(json.map((e) => e.name), experiments.map((e) => e.name));
  });

  test('running smoke writes config.json, the CSV table, each figure as SVG with text and PNG, and summary.json; --json prints summary.json', async () => {
    const out = join(dir, 'smoke-run');
    const r = await dln(['experiment', 'smoke', '--quick', '--seed', '3', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const names = ['config.json', 'loss.png', 'loss.svg', 'singular-values.png', 'singular-values.svg', 'summary.json', 'trajectory.csv'];
    assert.deepEqual(readdirSync(out).sort(), names);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config.experiment, 'smoke');
    assert.equal(config.quick, true);
    assert.equal(config.seed, 3);
    assert.equal(config.dln, VERSION);
    assert.deepEqual(config.config, smoke.quick);
    assert.match(config.hash as string, /^[0-9a-f]{64}$/);
    assert.equal(config.command, `dln experiment smoke --quick --seed 3 --out ${out} --json`);
    assert.equal(config.rerun, `dln experiment smoke --quick --seed 3 --out ${out}`);
    const csv = readFileSync(join(out, 'trajectory.csv'), 'utf8').split('\n');
    assert.equal(csv[0], 'step,loss,gap,sigma1,sigma2');
    assert.equal(csv.length, smoke.quick.steps / smoke.quick.recordEvery + 3);
    for (const fig of ['loss', 'singular-values']) {
      assert.deepEqual([...readFileSync(join(out, `${fig}.png`)).subarray(0, 8)], PNG_SIGNATURE);
      const texts = svgTexts(readFileSync(join(out, `${fig}.svg`), 'utf8'));
      assert.ok(texts.includes('step'), `${fig}.svg has axis titles: ${texts.join(' | ')}`);
    }
    const summaryText = readFileSync(join(out, 'summary.json'), 'utf8');
    assert.equal(r.stdout, summaryText);
    const s = JSON.parse(summaryText) as Record<string, unknown>;
    assert.equal(s.verdict, 'agrees');
    assert.equal(s.verdictClass, 'agrees');
    assert.equal(s.hash, config.hash);
    for (const key of ['headline', 'comparisons', 'checks', 'figures', 'tables']) assert.ok(key in s, key);
    assert.equal(typeof s.seconds, 'number');
    assert.equal(s.checksPassed, 2);
    assert.deepEqual((s.figures as { svg: string }[]).map((f) => f.svg), ['loss.svg', 'singular-values.svg']);
    assert.match(r.stderr, /^smoke: start \(quick run, seed 3\)\nsmoke: done in \d+\.\d s — agrees\n$/);
  });

  test('an unknown experiment name is a one-line error with exit code 2 that lists the valid names, and writes nothing', async () => {
    const out = join(dir, 'never');
    const r = await dln(['experiment', 'no-such', '--out', out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^dln: unknown experiment 'no-such'; valid names: [^\n]+\n$/);
    assert.equal(r.stdout, '');
    assert.equal(existsSync(out), false);
  });

  test('no name, a name with --list, or an --out folder holding something else are one-line errors with exit code 2', async () => {
    const foreign = join(dir, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    for (const [args, message] of [
      [['experiment'], /^dln: name an experiment to run \(dln experiment --list shows them\)\n$/],
      [['experiment', 'smoke', '--list'], /^dln: --list takes no experiment name\n$/],
      [['experiment', 'smoke', '--quick', '--out', foreign], /^dln: --out \S+ is not empty and holds no result of experiment smoke; choose another directory\n$/],
    ] as const) {
      const r = await dln(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
    assert.deepEqual(readdirSync(foreign), ['notes.txt']);
  });
});
