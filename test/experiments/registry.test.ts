import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, isBadInput } from '../../src/errors.ts';
import { experiments, getExperiment, hiddenExperiments, registryProblems, selectExperiments } from '../../src/experiments/registry.ts';
import { smoke } from '../../src/experiments/smoke.ts';
import {
  type ExperimentConfigFile, type ExperimentIdentity, experimentFiles, experimentIdentity, identityHash, tableToCsv, verdictClass,
} from '../../src/cli/report/experimentFolder.ts';
import type { ExperimentOutcome, RenderedFigure } from '../../src/node/runExperiments.ts';
import { escapeHtml, formatValue } from '../../src/cli/report/reportHtml.ts';

describe('registry', () => {
  test('registryProblems() is empty: kebab-case distinct names, a title, source and question, both configurations', () => {
    assert.deepEqual(registryProblems(), []);
  });

  test('the listed experiments hold no built-in test experiment, and getExperiment finds those by name', () => {
    for (const h of hiddenExperiments) {
      assert.ok(!experiments.some((e) => e.name === h.name), `${h.name} is listed`);
      assert.equal(getExperiment(h.name), h);
    }
    for (const e of experiments) assert.equal(getExperiment(e.name), e);
  });

  test('getExperiment of an unknown name throws an ArgumentError (exit 2 at the CLI) naming it and the valid names', () => {
    assert.throws(() => getExperiment('no-such'), (e: unknown) => {
      assert.ok(e instanceof ArgumentError);
      assert.ok(isBadInput(e), 'reported as bad input');
      assert.match(e.message, /^unknown experiment 'no-such'; valid names: /);
      for (const x of experiments) assert.ok(e.message.includes(x.name));
      assert.ok(!e.message.includes('smoke'), 'hidden experiments are not offered');
      return true;
    });
  });

  test('selectExperiments keeps the --only order, drops repeats and names every unknown experiment at once', () => {
    assert.deepEqual(selectExperiments('smoke-long, smoke,smoke-long').map((e) => e.name), ['smoke-long', 'smoke']);
    assert.throws(() => selectExperiments('smoke,nope,nada'), /unknown experiments 'nope', 'nada'; valid names/);
    assert.throws(() => selectExperiments(' , '), /--only needs at least one experiment name/);
    assert.deepEqual(selectExperiments(undefined), [...experiments]);
  });
});

describe('experiment identity', () => {
  const id: ExperimentIdentity = { experiment: 'x', version: 1, quick: true, seed: 1, config: { a: 1, b: [1, 2], c: { d: 'e' } }, dln: '0.1.0' };

  test('identityHash does not depend on the order of keys, and changes with any number in the config', () => {
    const reordered = { dln: '0.1.0', config: { c: { d: 'e' }, b: [1, 2], a: 1 }, seed: 1, quick: true, version: 1, experiment: 'x' };
    assert.equal(identityHash(reordered), identityHash(id));
    assert.match(identityHash(id), /^[0-9a-f]{64}$/);
    for (const changed of [{ ...id, seed: 2 }, { ...id, quick: false }, { ...id, version: 2 }, { ...id, dln: '0.2.0' }, { ...id, config: { ...id.config, b: [1, 3] } }]) {
      assert.notEqual(identityHash(changed), identityHash(id));
    }
  });

  test('experimentIdentity takes the quick or the full configuration, and version 1 by default', () => {
    assert.deepEqual(experimentIdentity(smoke, true, 3, 'v').config, smoke.quick);
    assert.deepEqual(experimentIdentity(smoke, false, 3, 'v').config, smoke.defaults);
    assert.equal(experimentIdentity(smoke, true, 3, 'v').version, 1);
    assert.notEqual(identityHash(experimentIdentity(smoke, true, 1, 'v')), identityHash(experimentIdentity(smoke, false, 1, 'v')));
  });
});

describe('result formatting', () => {
  test('verdictClass sorts verdicts into agrees, order of magnitude, differs and other', () => {
    assert.equal(verdictClass('agrees'), 'agrees');
    assert.equal(verdictClass('Agrees in order of magnitude (factor 3)'), 'order');
    assert.equal(verdictClass('differs: the bound is 40% lower'), 'differs');
    assert.equal(verdictClass('inconclusive'), 'other');
  });

  test('tableToCsv writes numbers in round-trip form and quotes strings that need it', () => {
    assert.equal(tableToCsv('t', { header: ['a', 'b'], rows: [[0.1, Number.NaN], [-0, Infinity]] }), 'a,b\n0.1,nan\n-0,inf\n');
    assert.equal(tableToCsv('t', { header: ['name', 'v'], rows: [['x, y', 1], ['say "hi"', 2], ['plain', 3]] }), 'name,v\n"x, y",1\n"say ""hi""",2\nplain,3\n');
    assert.throws(() => tableToCsv('t', { header: ['a', 'b'], rows: [['x']] }), /table t: row 1 has 1 values, expected 2/);
  });

  test('experimentFiles writes config.json first and summary.json last; a table and a figure may share a name, two figures may not', () => {
    const config = { experiment: 'x', hash: 'h', title: 't', source: 's', quick: true, seed: 1, dln: 'v' } as ExperimentConfigFile;
    const fig = (name: string): RenderedFigure => ({ name, caption: 'c', svg: '<svg/>', png: new Uint8Array([1]) });
    const outcome = (figures: RenderedFigure[]): ExperimentOutcome => ({
      seconds: 1,
      result: { headline: { a: 1 }, comparisons: [], verdict: 'differs: no', checks: [{ name: 'c', passed: false, detail: 'd' }], tables: { curve: { header: ['k'], rows: [[1]] } }, figures },
    });
    const { files, summary } = experimentFiles(config, 'q?', outcome([fig('curve')]));
    assert.deepEqual(files.map(([n]) => n), ['config.json', 'curve.csv', 'curve.svg', 'curve.png', 'summary.json']);
    assert.equal(summary.verdictClass, 'differs');
    assert.equal(summary.checksPassed, 0);
    assert.throws(() => experimentFiles(config, 'q?', outcome([fig('a'), fig('a')])), /experiment x: two figures are called 'a'/);
    assert.throws(() => experimentFiles(config, 'q?', outcome([fig('../a')])), /experiment x: figure name '\.\.\/a' cannot be a file name/);
  });

  test('formatValue shows integers plainly, 5 significant digits, and powers of ten outside [1e-3, 1e5)', () => {
    assert.equal(formatValue(42), '42');
    assert.equal(formatValue(-3), '−3');
    assert.equal(formatValue(0.123456789), '0.12346');
    assert.equal(formatValue(1.5e-7), '1.5 × 10⁻⁷');
    assert.equal(formatValue(2.25e12), '2.25 × 10¹²');
    assert.equal(formatValue(Number.NaN), 'NaN');
    assert.equal(formatValue(null), '—');
    assert.equal(formatValue('differs'), 'differs');
  });

  test('escapeHtml escapes the five characters that matter in text and attributes', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('smoke experiment', () => {
  test('smoke --quick agrees with L_OLS, its checks hold, and a fixed seed gives identical numbers', async () => {
    const a = await smoke.run(smoke.quick, { quick: true, seed: 5 });
    const b = await smoke.run(smoke.quick, { quick: true, seed: 5 });
    assert.equal(a.verdict, 'agrees');
    assert.ok(a.checks.every((c) => c.passed), JSON.stringify(a.checks));
    assert.deepEqual(a.tables, b.tables);
    assert.deepEqual(a.headline, b.headline);
  });

  test('smoke stops early when shouldStop() says so, and reports progress in [0, 1]', async () => {
    const seen: number[] = [];
    const r = await smoke.run(smoke.quick, { quick: true, seed: 1, progress: (f) => seen.push(f), shouldStop: () => seen.length >= 3 });
    assert.equal(r.headline.status, 'interrupted');
    assert.ok((r.headline.steps as number) < smoke.quick.steps);
    assert.ok(seen.length >= 3 && seen.every((f) => f >= 0 && f <= 1));
  });
});
