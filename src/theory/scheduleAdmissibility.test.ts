import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scheduleAdmissibility, largestAdmissibleC } from './scheduleAdmissibility.ts';
import { constantSchedule, powerSchedule, stepSize } from '../optim/schedules.ts';

const etaMax = 2e-3;

test('η_k = c/(k+b)^p is admissible iff c ≤ b^p·η_max, b ≥ 1 and 0 < p ≤ 1', () => {
  const c = largestAdmissibleC(4, 0.5, etaMax);
  assert.equal(c, 2 * etaMax);
  const at = scheduleAdmissibility(powerSchedule(c, 4, 0.5), etaMax);
  assert.equal(at.admissible, true);
  assert.deepEqual(at.reasons, []);
  assert.equal(at.maxC, c);
  assert.ok(Math.abs(at.firstStep - etaMax) <= 4 * Number.EPSILON * etaMax);
  const above = scheduleAdmissibility(powerSchedule(c * (1 + 1e-12), 4, 0.5), etaMax);
  assert.equal(above.admissible, false);
  assert.match(above.reasons.join(';'), /exceeds b\^p·η_max/);
});

test('every step of an admissible power schedule stays at or below η_max', () => {
  const s = powerSchedule(largestAdmissibleC(3, 1, etaMax), 3, 1);
  assert.equal(scheduleAdmissibility(s, etaMax).admissible, true);
  for (let k = 0; k < 1000; k++) assert.ok(stepSize(s, k) <= etaMax * (1 + 4 * Number.EPSILON));
});

test('b < 1, p > 1, p ≤ 0 and c ≤ 0 each make a power schedule inadmissible, with a reason', () => {
  const cases: [number, number, number, RegExp][] = [
    [1e-4, 0.5, 1, /b = 0.5/], [1e-4, 1, 1.5, /p = 1.5/], [1e-4, 1, 0, /p = 0/], [0, 1, 1, /c = 0/],
  ];
  for (const [c, b, p, why] of cases) {
    const r = scheduleAdmissibility(powerSchedule(c, b, p), etaMax);
    assert.equal(r.admissible, false, `c=${c} b=${b} p=${p}`);
    assert.match(r.reasons.join(';'), why);
  }
});

test('a constant schedule is admissible iff 0 < lr ≤ η_max', () => {
  assert.equal(scheduleAdmissibility(constantSchedule(etaMax), etaMax).admissible, true);
  assert.equal(scheduleAdmissibility(constantSchedule(etaMax * 1.01), etaMax).admissible, false);
  assert.equal(scheduleAdmissibility(constantSchedule(0), etaMax).admissible, false);
  assert.equal(scheduleAdmissibility(constantSchedule(1e-9), etaMax).maxC, etaMax);
});

test('scheduleAdmissibility rejects a non-positive η_max', () => {
  assert.throws(() => scheduleAdmissibility(constantSchedule(1e-3), 0), /η_max/);
});
