import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { evaluateCells, parseSpec } from '../experiments/sweep/index.ts';
import { decodeExactJson } from '../node/exactJson.ts';
import { cellsToCsv, cellsToJson } from './exportCells.ts';

/** The CSV as Python's csv module reads it: one dict per row. */
const pythonRows = (csv: string): Record<string, string>[] => JSON.parse(execFileSync('python3', ['-c', 'import csv,sys,json; print(json.dumps(list(csv.DictReader(sys.stdin))))'], { input: csv }).toString()) as Record<string, string>[];

test('the CSV export has a column eta_flat (2/λ_flat) beside eta_max, empty where not recorded; the JSON has etaFlat, null there', () => {
  const overStep = parseSpec({ base: { data: 'report-sec5', dims: [5, 4, 5], initStd: 0.2, steps: 30 }, axes: { lrMultiple: [1, 1e4] } });
  const recs = evaluateCells(overStep, [0, 1], { dln: 'test' });
  const rows = pythonRows(cellsToCsv(overStep, recs));
  assert.equal(rows.length, 2);
  for (const [k, r] of recs.entries()) {
    assert.ok(typeof r.etaFlat === 'number' && r.etaFlat > 0);
    // Shortest round-trip text: Python's float() reads back the very double.
    assert.equal(rows[k].eta_flat, String(r.etaFlat));
    assert.equal(rows[k].eta_max, String(r.etaMax));
  }
  const json = decodeExactJson(cellsToJson(overStep, recs)) as { cells: { etaFlat: number | null }[] };
  assert.deepEqual(json.cells.map((c) => c.etaFlat), recs.map((r) => r.etaFlat));
  // A sweep without a step axis records no 2/λ_flat: the column is there, empty; the JSON says null.
  const noStep = parseSpec({ base: { data: 'report-sec5', dims: [5, 4, 5], initStd: 0.2, steps: 30, lr: 1e-2 }, axes: { seed: [0, 1] } });
  const plain = evaluateCells(noStep, [0, 1], { dln: 'test' });
  assert.ok(plain.every((r) => r.etaFlat === undefined));
  assert.deepEqual(pythonRows(cellsToCsv(noStep, plain)).map((r) => r.eta_flat), ['', '']);
  assert.deepEqual((decodeExactJson(cellsToJson(noStep, plain)) as { cells: { etaFlat: unknown }[] }).cells.map((c) => c.etaFlat), [null, null]);
});
