import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createExperimentProgress } from '../../src/cli/report/experimentProgress.ts';

/** A stream that records what is written; tty makes it claim to be a terminal. */
function capture(tty: boolean): { stream: Writable & { isTTY?: boolean; columns?: number }; text: () => string } {
  let text = '';
  const stream = Object.assign(new Writable({ write(c: Buffer | string, _e, cb) { text += c.toString(); cb(); } }), tty ? { isTTY: true, columns: 100 } : {});
  return { stream, text: () => text };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('off a terminal, a long experiment gets periodic plain lines with its percentage and message, a short one none', async () => {
  const c = capture(false);
  const p = createExperimentProgress(c.stream, { plainIntervalSeconds: 0.05 });
  p.start('slow', true);
  p.start('quick', false);
  p.update('slow', 0.42, 'loss 1e-3');
  p.update('quick', 0.5, 'never shown');
  await sleep(130);
  p.end('slow');
  p.end('quick');
  p.line('slow: done');
  const after = c.text();
  await sleep(80);
  p.stop();
  assert.match(after, /^ {2}slow: 42% \(loss 1e-3\), \d+\.\d s\n/);
  assert.doesNotMatch(after, /quick/);
  assert.ok(after.endsWith('slow: done\n'));
  assert.equal(c.text(), after, 'no line after the last long experiment ended');
});

test('with bars off (--no-progress) only the lines are written', async () => {
  const c = capture(false);
  const p = createExperimentProgress(c.stream, { bars: false, plainIntervalSeconds: 0.02 });
  p.start('slow', true);
  p.update('slow', 0.5);
  await sleep(60);
  p.line('slow: done');
  p.end('slow');
  p.stop();
  assert.equal(c.text(), 'slow: done\n');
});

test('on a terminal a long experiment gets a bar, and lines written meanwhile still appear', async () => {
  const c = capture(true);
  const p = createExperimentProgress(c.stream);
  p.start('slow', true);
  p.update('slow', 0.5, 'half way');
  p.line('other: start');
  await sleep(150);
  p.end('slow');
  p.line('slow: done');
  p.stop();
  assert.match(c.text(), /slow █{12}░{12} {2}50% \d+\.\d s \| half way/);
  assert.ok(c.text().includes('other: start'));
  assert.ok(c.text().endsWith('slow: done\n'));
});
