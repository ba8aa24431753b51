import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stepSize, validateSchedule, constantSchedule, powerSchedule, type Schedule } from './schedules.ts';

test('the constant schedule returns lr at every step', () => {
  for (const k of [0, 1, 7, 1e6]) assert.equal(stepSize(constantSchedule(0.125), k), 0.125);
});

test('the power schedule returns c/(k + b)^p, starting at k = 0', () => {
  const s = powerSchedule(0.3, 2, 0.5);
  assert.equal(stepSize(s, 0), 0.3 / Math.sqrt(2));
  assert.equal(stepSize(s, 7), 0.3 / 3);
  const harmonic = powerSchedule(1, 1, 1);
  assert.deepEqual([0, 1, 2, 3].map((k) => stepSize(harmonic, k)), [1, 1 / 2, 1 / 3, 1 / 4]);
  assert.equal(stepSize(powerSchedule(0.2, 5, 0), 11), 0.2, 'p = 0 is the constant schedule');
});

test('the power schedule is non-increasing in k', () => {
  const s = powerSchedule(2, 1.5, 0.7);
  for (let k = 0; k < 100; k++) assert.ok(stepSize(s, k + 1) <= stepSize(s, k));
});

test('validateSchedule rejects negative, non-finite and division-by-zero parameters, naming the field', () => {
  const bad: [Schedule, RegExp][] = [
    [{ kind: 'constant', lr: -1 }, /lr/],
    [{ kind: 'constant', lr: Number.NaN }, /lr/],
    [{ kind: 'power', c: Infinity, b: 1, p: 1 }, /\bc\b/],
    [{ kind: 'power', c: 1, b: 0, p: 1 }, /\bb\b/],
    [{ kind: 'power', c: 1, b: 1, p: -0.5 }, /\bp\b/],
    [{ kind: 'cosine' } as unknown as Schedule, /unknown schedule kind cosine/],
  ];
  for (const [s, msg] of bad) assert.throws(() => validateSchedule(s), msg);
  assert.doesNotThrow(() => validateSchedule(powerSchedule(1, 1, 1)));
  assert.doesNotThrow(() => validateSchedule(constantSchedule(0)));
});
