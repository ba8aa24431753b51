import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProgress } from '../../src/node/progress.ts';

/** A stream that records what is written; isTTY as given (a terminal also reports its width). */
function recorder(isTTY: boolean): { stream: Writable & { isTTY?: boolean; columns?: number }; text: () => string } {
  let text = '';
  const stream = Object.assign(new Writable({ write(chunk: Buffer | string, _enc, cb) { text += chunk.toString(); cb(); } }), isTTY ? { isTTY: true, columns: 120 } : {});
  return { stream, text: () => text };
}

test('on a non-terminal, progress is plain lines: one at the start, one every interval, one at the end', async () => {
  const r = recorder(false);
  const p = createProgress(1000, { stream: r.stream, enabled: true, label: 'train', unit: 'step', plainIntervalSeconds: 0.05 });
  for (let step = 100; step <= 1000; step += 100) {
    p.update(step, 1 / step);
    await sleep(20);
  }
  p.stop();
  const lines = r.text().split('\n').filter((l) => l !== '');
  assert.ok(lines.length >= 3, `expected several lines, got ${JSON.stringify(lines)}`);
  assert.match(lines[0], /^train: step 0\/1000 \(0%\), \d+\.\d s$/);
  assert.match(lines[lines.length - 1], /^train: step 1000\/1000 \(100%\), loss 1\.0000e-3, \d+\.\d s$/);
  assert.ok(!r.text().includes('\x1b'), 'no terminal escape codes in plain output');
  assert.ok(r.text().endsWith('\n') && !r.text().endsWith('\n\n'), 'ends with exactly one newline');
});

test('on a terminal, progress is a redrawn bar with the loss', async () => {
  const r = recorder(true);
  const p = createProgress(200, { stream: r.stream, enabled: true, label: 'train', unit: 'step' });
  p.update(100, 0.25);
  await sleep(150);
  p.stop();
  assert.match(r.text(), /train █+░+ 50% \| step 100\/200 \| loss 2\.5000e-1/);
  assert.ok(r.text().includes('\x1b'), 'uses terminal control sequences to redraw');
});

test('gradient-flow progress counts time t, not steps', () => {
  const r = recorder(false);
  const p = createProgress(50, { stream: r.stream, enabled: true, label: 'train', unit: 't' });
  p.update(12.5, 2);
  p.stop();
  assert.match(r.text(), /train: t 12\.50\/50\.00 \(25%\), loss 2\.0000e\+0/);
});

test('disabled progress (--no-progress) writes nothing', async () => {
  const r = recorder(false);
  const p = createProgress(10, { stream: r.stream, enabled: false, label: 'train', unit: 'step', plainIntervalSeconds: 0.01 });
  p.update(5, 1);
  await sleep(30);
  p.stop();
  assert.equal(r.text(), '');
});

test('any integer unit counts whole numbers, showLoss false drops the loss, and total 0 shows the label and the time', () => {
  const r = recorder(false);
  const p = createProgress(300, { stream: r.stream, enabled: true, label: 'hessian (building)', unit: 'column', showLoss: false });
  p.update(120, 5);
  p.stop();
  assert.match(r.text(), /^hessian \(building\): column 120\/300 \(40%\), \d+\.\d s$/m);
  assert.ok(!r.text().includes('loss'));
  const u = recorder(false);
  const q = createProgress(0, { stream: u.stream, enabled: true, label: 'hessian (eigenvalues)', unit: 'column', showLoss: false });
  q.stop();
  assert.match(u.text(), /^hessian \(eigenvalues\), \d+\.\d s\n/);
  const t = recorder(true);
  const b = createProgress(0, { stream: t.stream, enabled: true, label: 'hessian (eigenvalues)', unit: 'column', showLoss: false });
  b.stop();
  assert.match(t.text(), /hessian \(eigenvalues\) … \| \d+\.\d s/);
});
