import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/run.ts';
import { type Run, startDln } from '../helpers/cli.ts';


/** Runs `dln args…` in this process with in-memory stdout and stderr (experiments still run on worker threads). */
async function dln(args: readonly string[]): Promise<Run> {
  let stdout = '', stderr = '';
  const sink = (append: (s: string) => void): Writable => new Writable({ write(c: Buffer | string, _e, cb) { append(c.toString()); cb(); } });
  const io: CliIO = { stdout: sink((s) => { stdout += s; }), stderr: sink((s) => { stderr += s; }), env: {}, onInterrupt: () => () => {} };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const start = startDln;

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'dln-reproduce-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

const at = (...p: string[]): string => join(dir, ...p);
const text = (...p: string[]): string => readFileSync(at(...p), 'utf8');
const json = (...p: string[]): Record<string, unknown> => JSON.parse(text(...p)) as Record<string, unknown>;
/** Entries whose name starts with '.' (staging or set-aside folders): none may be left behind. */
const hidden = (...p: string[]): string[] => readdirSync(at(...p)).filter((n) => n.startsWith('.'));

/** Every file of an experiment folder, with the fields that may differ between runs (time, command line) removed. */
function folderContent(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(folder).sort()) {
    const bytes = readFileSync(join(folder, name));
    if (name === 'summary.json') out[name] = JSON.stringify({ ...JSON.parse(bytes.toString()), seconds: 0 });
    else if (name === 'config.json') out[name] = JSON.stringify({ ...JSON.parse(bytes.toString()), command: '', rerun: '' });
    else out[name] = bytes.toString('base64');
  }
  return out;
}

describe('dln reproduce', { concurrency: 2 }, () => {
  test('results are identical with --jobs 1 and --jobs 2, and index.html is one self-contained page', async () => {
    const a = await dln(['reproduce', '--only', 'smoke,smoke-long', '--quick', '--jobs', '2', '--out', at('a')]);
    assert.equal(a.code, 0, a.stderr);
    const b = await dln(['reproduce', '--only', 'smoke,smoke-long', '--quick', '--jobs', '1', '--out', at('b')]);
    assert.equal(b.code, 0, b.stderr);
    for (const name of ['smoke', 'smoke-long']) assert.deepEqual(folderContent(at('b', name)), folderContent(at('a', name)), name);
    assert.match(a.stderr, /running 2 experiments on 2 worker threads/);
    assert.match(b.stderr, /running 2 experiments on 1 worker thread \(--quick\)/);
    assert.match(a.stderr, /\[1\/2\] smoke: start\n/);
    assert.match(a.stderr, /\[2\/2\] smoke-long: done, agrees — 2 of 2 checks hold \(\d+\.\d s\)\n/);
    assert.match(a.stdout, /^report: \S+index\.html \(2 experiments: 2 agree\)\n$/);

    const html = text('a', 'index.html');
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<script|<link |src="http|url\(http/, 'no external resource');
    assert.equal(html.match(/<img src="data:image\/svg\+xml;base64,/g)?.length, 4);
    for (const name of ['smoke', 'smoke-long']) {
      assert.ok(html.includes(`id="exp-${name}"`));
      assert.ok(html.includes(`dln experiment ${name} --quick --seed 1 --out ${at('a', name)}`), `rerun command of ${name}`);
    }
    assert.ok(html.includes('<div class="verdict agrees"><strong>Verdict:</strong> agrees</div>'));
    assert.ok(html.includes('<li class="pass">the loss never increases'));
    const summary = json('a', 'summary.json') as { experiments: { experiment: string; verdict: string; folder: string }[] };
    assert.deepEqual(summary.experiments.map((e) => [e.experiment, e.folder, e.verdict]), [['smoke', 'smoke', 'agrees'], ['smoke-long', 'smoke-long', 'agrees']]);
    assert.deepEqual(hidden('a'), []);
  });

  test('a second run skips an experiment whose folder holds a complete result for the same config; --force reruns it', async () => {
    const first = await dln(['reproduce', '--only', 'smoke', '--quick', '--out', at('r')]);
    assert.equal(first.code, 0, first.stderr);
    const before = text('r', 'smoke', 'summary.json');
    const mtime = statSync(at('r', 'smoke', 'summary.json')).mtimeMs;
    const again = await dln(['reproduce', '--only', 'smoke', '--quick', '--out', at('r')]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, '[1/1] smoke: up to date, skipped (agrees; --force reruns it)\n');
    assert.equal(text('r', 'smoke', 'summary.json'), before);
    assert.equal(statSync(at('r', 'smoke', 'summary.json')).mtimeMs, mtime);
    assert.ok(existsSync(at('r', 'index.html')));

    const content = folderContent(at('r', 'smoke'));
    const forced = await dln(['reproduce', '--only', 'smoke', '--quick', '--out', at('r'), '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /\[1\/1\] smoke: start\n\[1\/1\] smoke: done, agrees/);
    assert.deepEqual(folderContent(at('r', 'smoke')), content);
    assert.deepEqual(hidden('r'), []);
  });

  test('an unknown experiment in --only is a one-line error with exit code 2, before anything is written', async () => {
    const r = await dln(['reproduce', '--only', 'smoke,no-such', '--out', at('bad')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^dln: unknown experiment 'no-such'; valid names: [^\n]*\n$/);
    assert.equal(existsSync(at('bad')), false);
  });

  test('SIGINT starts no further experiment, lets the running one finish, and leaves no half-written folder (exit 130)', async () => {
    const run = start(['reproduce', '--only', 'smoke-long,smoke', '--quick', '--jobs', '1', '--out', 'int'], dir);
    await run.stderrHas('[1/2] smoke-long: start');
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /Ctrl-C: starting no further experiment; waiting for smoke-long to finish/);
    assert.match(r.stderr, /not started: smoke \(run dln reproduce again to continue\)/);
    assert.deepEqual(readdirSync(at('int')).sort(), ['index.html', 'smoke-long', 'summary.json']);
    assert.equal(json('int', 'smoke-long', 'summary.json').verdict, 'agrees');
  });

  test('a second SIGINT aborts the running experiment: nothing of it is written, not even a staging folder (exit 130)', async () => {
    const run = start(['reproduce', '--only', 'smoke-long', '--jobs', '1', '--out', 'abort'], dir);
    await run.stderrHas('[1/1] smoke-long: start');
    run.child.kill('SIGINT');
    await run.stderrHas('Ctrl-C again aborts');
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /smoke-long: aborted, nothing written/);
    assert.deepEqual(readdirSync(at('abort')).sort(), ['index.html', 'summary.json']);
    assert.deepEqual((json('abort', 'summary.json').experiments as unknown[]).length, 0);
  });
});
