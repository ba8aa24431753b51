import type { TopLevelSpec } from 'vega-lite';
import type { RealDataSource } from '../data/index.ts';

/** How an experiment is run: size, seed, and hooks for progress and interruption. */
export interface ExperimentContext {
  /** The same experiment, smaller (a few seconds). */
  readonly quick: boolean;
  readonly seed: number;
  /** Reports progress in [0, 1] with an optional short message (shown on stderr by the CLI). */
  progress?(fraction: number, message?: string): void;
  /** Polled between units of work; true asks the experiment to stop early (Ctrl-C). */
  shouldStop?(): boolean;
  /** The raw files of the real data sets (MNIST, cars, penguins); Node's runner reads them from the installed packages. */
  readonly realData?: RealDataSource;
}

/** One of dln's headline numbers next to what the source document reports. */
export interface Comparison {
  quantity: string;
  dln: number | string;
  /** The paper's number, in dln's convention (THEORY §1.7) where it applies; null when lost or unstated. */
  paper: number | string | null;
  note?: string;
}

/** A claim the experiment checks about its own result (the tests assert these in --quick form). */
export interface Check {
  name: string;
  passed: boolean;
  detail: string;
}

/** A table written as CSV. */
export interface Table {
  header: string[];
  rows: (number | string)[][];
}

/**
 * One run of a figure as the playground can start it again: a fresh generator seeded with `seed`
 * draws the data set and then W(0) (a critical point's perturbation is drawn after the data), and the
 * optimizer takes its steps — the run's own order of draws, so the playground reproduces its losses
 * bit for bit (on the same kernels).
 */
export interface FigureRun {
  /** Which curve of the figure it is, e.g. "init std 0.05". */
  curve: string;
  dims: number[];
  data:
    | { name: 'report-sec4' | 'report-sec5' | 'nrt' | 'amg-escape' | 'ln-pgd' | 'saxe'; m?: number }
    | { name: 'cars' | 'penguins' }
    | { name: 'mnist'; pca: number; train: number; center: boolean };
  /**
   * W(0): dln's random kinds, the origin, or a critical point of S (THEORY §5.7) plus a Gaussian
   * perturbation (per-layer std perturb·‖W_h‖_F/√(d_h d_{h−1}) when relative, as perturbLayers draws it).
   */
  init:
    | { kind: 'gaussian'; std: number } | { kind: 'balanced'; scale: number } | { kind: 'orthogonal'; scale: number }
    | { kind: 'aligned'; scale: number }
    | { kind: 'zero' }
    | { kind: 'critical'; subset: number[]; strict: boolean; perturb: number; relative: boolean };
  /**
   * The optimizer; absent: GD at the constant step `eta`. power: GD with η_k = c/(k+b)^p; pgd: perturbed
   * GD with target ε (β, ρ, Δf as given, else dln pgd's defaults), its perturbations drawn after W(0).
   */
  optimizer?: { kind: 'power'; c: number; b: number; p: number } | { kind: 'pgd'; epsilon: number; beta?: number; rho?: number; deltaF?: number };
  /** GD's constant step (when optimizer is absent). */
  eta?: number;
  seed: number;
  /** Steps of the run (GD steps or PGD iterations), the playground's step budget. */
  steps: number;
  recordEvery: number;
}

/** A figure: a vega-lite spec (rendered to SVG and PNG by the CLI, live in the browser). */
export interface Figure {
  name: string;
  caption: string;
  spec: TopLevelSpec;
  /** The single run the figure draws (or its first curve), for the report's link to the playground. */
  run?: FigureRun;
}

/** What an experiment returns: plain data, no files. */
export interface ExperimentResult {
  /** dln's headline numbers. */
  headline: Record<string, number | string | boolean | null>;
  comparisons: Comparison[];
  /** 'agrees', 'agrees in order of magnitude', or 'differs: …' — said plainly. */
  verdict: string;
  checks: Check[];
  tables: Record<string, Table>;
  figures: Figure[];
}

/** An experiment of the source documents (THEORY §8), or one of dln's own. */
export interface Experiment<C extends object = Record<string, unknown>> {
  /** Short kebab-case name used on the command line. */
  readonly name: string;
  readonly title: string;
  /** Where it comes from, e.g. "[REP] Figure 1 (THEORY §8.1)". */
  readonly source: string;
  /** The question it answers, one or two sentences for the report. */
  readonly question: string;
  /** Full-run configuration. */
  readonly defaults: C;
  /** The --quick configuration (same experiment, smaller). */
  readonly quick: C;
  /** Whether it is long enough to deserve a progress bar. */
  readonly long?: boolean;
  /**
   * Bump when a change of the code changes the results (default 1): with the name, config, seed and
   * dln's version it identifies a result, so `dln reproduce` reruns what an older version made.
   */
  readonly version?: number;
  /** Runs the experiment with its configuration (quick or full), reporting progress and polling for a stop through ctx. */
  run(config: C, ctx: ExperimentContext): ExperimentResult | Promise<ExperimentResult>;
}
