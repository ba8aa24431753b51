import { Rng } from '../linalg/rng.ts';
import { histogram } from '../plot/chartSpecs.ts';
import type { Experiment, ExperimentContext, ExperimentResult, Check } from './types.ts';
import { boundOrNull, reportInstance } from './common/nrtInstance.ts';
import { checkStop, report } from './common/interrupt.ts';
import { check, fmt, median, q109050, quantile, sig } from './common/summary.ts';
import { columnsTable } from './common/tables.ts';

export interface EtaMaxDistributionConfig {
  /** Random instances (data and weights) per width pattern (THEORY §8.4: 1000). */
  instances: number;
  /** Standard deviation of the Gaussian weights (THEORY §8.3: 0.2). */
  initStd: number;
}

/** The four width patterns of [REP] Figs 4–5 with the report's typical η_max (its convention; dln's step = 2× the report's). */
export const PATTERNS: readonly { name: string; dims: number[]; report: number }[] = [
  { name: 'N = 2, 5-5-5', dims: [5, 5, 5], report: 1e-3 },
  { name: 'N = 3, 5-5-5-5', dims: [5, 5, 5, 5], report: 1e-4 },
  { name: 'N = 3, 5-2-2-5', dims: [5, 2, 2, 5], report: 1e-4 },
  { name: 'N = 4, 5-5-5-5-5', dims: [5, 5, 5, 5, 5], report: 1e-4 },
];

export const etaMaxDistribution: Experiment<EtaMaxDistributionConfig> = {
  name: 'eta-max-distribution',
  title: 'Distribution of the guaranteed step size η_max over random instances',
  source: '[REP] Figures 4–5 (THEORY §8.4), NRT Theorem 2.4',
  question: 'Over many random report-sec5 instances, how large is the step size that Theorem 2.4 guarantees, for depth 2, 3 and 4 and for a narrow 5-2-2-5 network?',
  defaults: { instances: 1000, initStd: 0.2 },
  quick: { instances: 100, initStd: 0.2 },
  run: runEtaMaxDistribution,
};

interface PatternResult { name: string; report: number; remark: number[]; optimal: number[]; alphaAtLeastOne: number }

function runEtaMaxDistribution(config: EtaMaxDistributionConfig, ctx: ExperimentContext): ExperimentResult {
  const rng = new Rng(ctx.seed);
  const results: PatternResult[] = PATTERNS.map((p, pi) => {
    const remark: number[] = [], optimal: number[] = [];
    let alphaAtLeastOne = 0;
    for (let i = 0; i < config.instances; i++) {
      if (i % 50 === 0) { checkStop(ctx, 'eta-max-distribution'); report(ctx, (pi + i / config.instances) / PATTERNS.length, p.name); }
      const inst = reportInstance(rng, p.dims, config.initStd);
      const r = boundOrNull(inst, {});
      if (r === null) alphaAtLeastOne++; else remark.push(r.etaMax);
      optimal.push(boundOrNull(inst, { delta: 'optimal' })!.etaMax);
    }
    return { name: p.name, report: p.report, remark, optimal, alphaAtLeastOne };
  });
  report(ctx, 1);
  const med = results.map((r) => median(r.optimal));
  const [n2, n3, n3narrow, n4] = med;
  const below = results.map((r, i) => 2 * r.report / med[i]);
  const checks: Check[] = [
    check('η_max falls with depth: median N = 2 > N = 3 > N = 4',
      n2 > n3 && n3 > n4,
      `medians (best δ) ${fmt(n2)} > ${fmt(n3)} > ${fmt(n4)}`),
    check('5-5-5-5 and 5-2-2-5 are roughly the same (medians within a factor 3), as the report says',
      Math.max(n3, n3narrow) / Math.min(n3, n3narrow) <= 3,
      `medians ${fmt(n3)} and ${fmt(n3narrow)}`),
    check("dln's median η_max is at least 10× below the report's for every pattern (THEORY §10 R11)",
      below.every((b) => b >= 10),
      results.map((r, i) => `${r.name}: ${fmt(below[i])}×`).join('; ')),
  ];
  const fig = histogram({
    title: 'Guaranteed step size η_max of Theorem 2.4 over random instances',
    subtitle: [`${config.instances} report-sec5 instances per pattern, Gaussian weights std ${config.initStd}; δ chosen to maximise (2.8)`,
      "coloured line: dln's median; grey line: the report's typical value in dln's convention (2× the report's step)"],
    xLabel: 'η_max (log scale)', yLabel: 'instances', logBins: true, bins: 40, layout: 'facet',
    groups: results.map((r) => ({ name: r.name, values: r.optimal })),
    vlines: results.flatMap((r, i) => [
      { x: med[i], label: `median ${fmt(med[i])}`, group: r.name },
      { x: 2 * r.report, label: `report ${fmt(2 * r.report)}`, group: r.name, color: '#444444' },
    ]),
  });
  const rows = results.flatMap((r) => r.optimal.map((v, i) => [r.name, i + 1, v]));
  return {
    headline: Object.fromEntries(results.flatMap((r, i) => {
      const key = r.name.replace(/[^0-9a-z]+/gi, '_').replace(/_+$/, '');
      return [[`median_${key}`, sig(med[i])], [`alpha_at_least_one_remark_delta_${key}`, sig(r.alphaAtLeastOne / config.instances)]];
    })),
    comparisons: results.map((r, i) => ({
      quantity: `η_max, ${r.name} (median, best δ; 10/50/90 %: ${q109050(r.optimal)})`,
      dln: sig(med[i]),
      paper: 2 * r.report,
      note: `Report: ≈ ${fmt(r.report)} in its convention. With Remark 2.5(b)'s δ: 10/50/90 % ${q109050(r.remark)}, α ≥ 1 for ${fmt(100 * r.alphaAtLeastOne / config.instances)} % of the draws. ` +
        'THEORY §10 R11: the report\'s values do not follow from (2.8); THEORY §11 reference medians (best δ): N = 2 8.5e-5 (Remark δ), N = 3 7.3e-6, 5-2-2-5 9.6e-6, N = 4 3.2e-7.',
    })),
    verdict: `differs: dln's median η_max is ${fmt(Math.min(...below))}–${fmt(Math.max(...below))}× below the report's values (THEORY §10 R11), and falls by ${fmt(n2 / n3)}× from N = 2 to 3 and ${fmt(n3 / n4)}× from 3 to 4 where the report has N = 3 and 4 alike (R12); 5-5-5-5 and 5-2-2-5 do agree`,
    checks,
    tables: {
      'eta-max': { header: ['pattern', 'instance', 'eta_max_best_delta'], rows },
      quantiles: columnsTable({
        pattern: results.map((r) => r.name),
        q10: results.map((r) => quantile(r.optimal, 0.1)), q50: med, q90: results.map((r) => quantile(r.optimal, 0.9)),
        remark_delta_q50: results.map((r) => median(r.remark)), alpha_at_least_one_fraction: results.map((r) => r.alphaAtLeastOne / config.instances),
        report_in_dln_convention: results.map((r) => 2 * r.report),
      }),
    },
    figures: [{ name: 'eta-max-histograms', caption: "Histograms of η_max (log-spaced bins) for the four width patterns, with dln's median and the report's typical value (converted to dln's convention).", spec: fig }],
  };
}
