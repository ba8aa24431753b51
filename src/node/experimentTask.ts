import type { ExperimentContext, ExperimentResult, FigureRun } from '../experiments/types.ts';
import type { JobContext } from './jobRunner.ts';
import { packageRealData } from './realDataFiles.ts';

/** One experiment to run: its name, which configuration (--quick or the full one), and the seed. */
export interface ExperimentTask { name: string; quick: boolean; seed: number }

/** A figure as the CLI writes it: the caption, the SVG document and its PNG (and the run it draws, for the playground link). */
export interface RenderedFigure { name: string; caption: string; svg: string; png: Uint8Array; run?: FigureRun }

/** What a worker sends back: the result with its figures rendered, and the experiment's own run time. */
export interface ExperimentOutcome {
  result: Omit<ExperimentResult, 'figures'> & { figures: RenderedFigure[] };
  /** Seconds spent in run() (rendering excluded). */
  seconds: number;
}

/** What experimentTask posts while it runs. */
export interface TaskProgress { fraction: number; message?: string }

/**
 * The job of one experiment (run by startJob in runExperiments): runs the experiment with its
 * configuration and seed, then renders every figure to SVG and PNG. The experiment's shouldStop() is
 * job.shouldStop(); its progress is posted as { fraction, message }, at most every progressMs.
 */
export async function experimentTask(task: ExperimentTask, job: JobContext, progressMs = 250): Promise<ExperimentOutcome> {
  const report = (fraction: number, message?: string): void => { job.post({ fraction, message } satisfies TaskProgress); };
  const { getExperiment } = await import('../experiments/registry.ts');
  const experiment = getExperiment(task.name);
  const config = structuredClone(task.quick ? experiment.quick : experiment.defaults);
  let last = -Infinity;
  const ctx: ExperimentContext = {
    quick: task.quick,
    seed: task.seed,
    progress(fraction, message) {
      const now = performance.now();
      if (now - last < progressMs && fraction < 1) return;
      last = now;
      report(Math.min(1, Math.max(0, fraction)), message);
    },
    shouldStop: () => job.shouldStop(),
    realData: packageRealData,
  };
  const t0 = performance.now();
  const result = await experiment.run(config, ctx);
  const seconds = (performance.now() - t0) / 1000;
  if (result === null || typeof result !== 'object' || !Array.isArray(result.figures)) {
    throw new Error(`experiment ${task.name} returned no result with figures`);
  }
  report(1, 'rendering figures');
  const { renderChart } = await import('../plot/renderChart.ts');
  const figures: RenderedFigure[] = [];
  for (const f of result.figures) {
    const { svg, png } = await renderChart(f.spec);
    figures.push({ name: f.name, caption: f.caption, svg, png, ...(f.run !== undefined ? { run: f.run } : {}) });
  }
  return { result: { ...result, figures }, seconds };
}
