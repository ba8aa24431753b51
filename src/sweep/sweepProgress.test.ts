// A sweep's progress line and its ETA by work: cells of large networks cost more than small ones,
// and a sweep runs its chunks in the order of their shapes, so an ETA by cells alone can be far off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec, planChunks, sweepWork, cellAt } from '../experiments/sweep/index.ts';
import { SweepProgress, WorkTally, formatSeconds, progressLine } from './sweepProgress.ts';

test('progressLine and formatSeconds', () => {
  assert.equal(progressLine('sweep', 120, 1000, 35.2), 'sweep: cells 120/1000 (12%), 35.2 cells/s, ETA 25 s');
  assert.equal(progressLine('sweep', 120, 1000, 35.2, 7300), 'sweep: cells 120/1000 (12%), 35.2 cells/s, ETA 2 h 2 min');
  assert.equal(progressLine('sweep', 0, 10, 0), 'sweep: cells 0/10 (0%), 0.00 cells/s, ETA ?');
  assert.equal(formatSeconds(185), '3 min 5 s');
});

test('the ETA by work: what is left of the work at the pace of the work done, each cell counted once', () => {
  const tally = new WorkTally(Float64Array.of(100, 1, 1, 1, 1), [4]);
  assert.equal(tally.total, 104);
  assert.equal(tally.start, 1);
  assert.equal(tally.eta(10), undefined, 'nothing done since the start: no estimate');
  tally.add([{ index: 0 }, { index: 0 }]);
  assert.equal(tally.done, 101);
  // 100 units in 50 s, 3 left: 1.5 s (by cells it would say 3 cells at 1 cell per 50 s: 150 s).
  assert.equal(tally.eta(50), 1.5);
  tally.add([{ index: 1 }, { index: 2 }, { index: 3 }, { index: 99 }]);
  assert.equal(tally.eta(60), 0);
});

test('a sweep\'s work is steps × parameters × d_0 per cell, and the progress line takes the tally\'s ETA', () => {
  const spec = parseSpec({ base: { data: 'nrt', init: 'gaussian', initStd: 0.3, lr: 1e-3, steps: 100 }, axes: { width: [4, 64], depth: [2, 3] } });
  const work = sweepWork(spec);
  for (let i = 0; i < work.length; i++) {
    const c = cellAt(spec, i), d = c.dims;
    let params = 0;
    for (let j = 1; j < d.length; j++) params += d[j] * d[j - 1];
    assert.equal(work[i], 100 * params * d[0]);
  }
  const first = planChunks(spec)[0];
  // The progress line takes the tally's ETA.
  const lines: string[] = [];
  const tally = new WorkTally(work, []);
  const p = new SweepProgress({ write: (s: string) => { lines.push(s); return true; } } as unknown as NodeJS.WritableStream, 'sweep', work.length, 0, true, 0, tally);
  tally.add(first.map((index) => ({ index })));
  p.update(first.length, true);
  assert.match(lines.at(-1) ?? '', /^sweep: cells \d+\/4 \(\d+%\), [\d.e+]+ cells\/s, ETA [\d.]+ s\n$/);
});
