import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCsv, formatNumber } from '../../data/csv.ts';
import type { Check, Comparison, Experiment, FigureRun, Table } from '../../experiments/types.ts';
import type { ExperimentOutcome } from '../../node/runExperiments.ts';
import { decodeExactJson, encodeExactJson } from '../../node/exactJson.ts';
import { withStagingDir } from '../../node/stagingDir.ts';
import { checkOutputDir } from '../outputFile.ts';

/** What determines an experiment's numbers; equal identities give equal results. */
export interface ExperimentIdentity {
  experiment: string;
  /** Experiment.version (default 1). */
  version: number;
  quick: boolean;
  seed: number;
  /** The configuration run (Experiment.quick or Experiment.defaults). */
  config: object;
  /** dln's version. */
  dln: string;
}

/** config.json of an experiment folder: the identity, its hash, and how the folder was made. */
export interface ExperimentConfigFile extends ExperimentIdentity {
  /** SHA-256 of the identity (canonical JSON): `dln reproduce` skips a folder whose hash matches. */
  hash: string;
  title: string;
  source: string;
  /** The command that wrote this folder. */
  command: string;
  /** A command that runs this experiment again into this folder. */
  rerun: string;
}

/** 'agrees', 'agrees in order of magnitude' (order), 'differs: …', or anything else. */
export type VerdictClass = 'agrees' | 'order' | 'differs' | 'other';

/** summary.json of an experiment folder (written last: its presence marks a complete result). */
export interface ExperimentSummary {
  experiment: string;
  title: string;
  source: string;
  question: string;
  quick: boolean;
  seed: number;
  hash: string;
  dln: string;
  headline: Record<string, number | string | boolean | null>;
  comparisons: Comparison[];
  verdict: string;
  verdictClass: VerdictClass;
  checks: Check[];
  checksPassed: number;
  checksTotal: number;
  /** Each figure's files, and the single run it draws when the playground can start it again (the report links it). */
  figures: { name: string; caption: string; svg: string; png: string; run?: FigureRun }[];
  tables: { name: string; csv: string; rows: number }[];
  /** Seconds the experiment's run() took (rendering and writing excluded). */
  seconds: number;
}

/** The class of a verdict, for colour: agrees, agrees in order of magnitude, differs, other. */
export function verdictClass(verdict: string): VerdictClass {
  const v = verdict.trim().toLowerCase();
  if (v.startsWith('agrees in order of magnitude')) return 'order';
  if (v.startsWith('agrees')) return 'agrees';
  if (v.startsWith('differs')) return 'differs';
  return 'other';
}

/** An experiment folder's JSON file: 2-space indents, numbers bit-exact (encodeExactJson), a final newline. */
export function experimentJson(value: unknown): string {
  return `${encodeExactJson(value, 2)}\n`;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return typeof value === 'number' && !Number.isFinite(value) ? formatNumber(value) : value;
}

/** SHA-256 (hex) of the identity written as canonical JSON (keys sorted at every level). */
export function identityHash(id: ExperimentIdentity): string {
  return createHash('sha256').update(JSON.stringify(canonical(id))).digest('hex');
}

/** The identity of running experiment e in its quick or full configuration with seed. */
export function experimentIdentity(e: Experiment<any>, quick: boolean, seed: number, dln: string): ExperimentIdentity {
  return { experiment: e.name, version: e.version ?? 1, quick, seed, config: structuredClone(quick ? e.quick : e.defaults) as object, dln };
}

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function quoteCell(s: string): string {
  return /[",\r\n]|^\s|\s$/.test(s) || s === '' ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A table as CSV: numbers in shortest round-trip form (nan, inf), strings quoted where needed. */
export function tableToCsv(name: string, t: Table): string {
  if (t.rows.every((r) => r.every((v) => typeof v === 'number'))) return encodeCsv(t.header, t.rows as number[][]);
  const lines = [encodeCsv(t.header, []).trimEnd()];
  t.rows.forEach((row, i) => {
    if (row.length !== t.header.length) throw new RangeError(`table ${name}: row ${i + 1} has ${row.length} values, expected ${t.header.length}`);
    lines.push(row.map((v) => (typeof v === 'number' ? formatNumber(v) : quoteCell(String(v)))).join(','));
  });
  return `${lines.join('\n')}\n`;
}

function checkName(kind: string, name: string, taken: Set<string>, experiment: string): void {
  if (!FILE_NAME.test(name)) throw new Error(`experiment ${experiment}: ${kind} name '${name}' cannot be a file name`);
  if (taken.has(name)) throw new Error(`experiment ${experiment}: two ${kind}s are called '${name}'`);
  taken.add(name);
}

/** Every file of an experiment folder, summary.json last, and the summary itself. */
export function experimentFiles(config: ExperimentConfigFile, question: string, outcome: ExperimentOutcome): { files: [string, string | Uint8Array][]; summary: ExperimentSummary } {
  const r = outcome.result;
  if (typeof r.verdict !== 'string' || !Array.isArray(r.checks) || !Array.isArray(r.comparisons) || r.headline === null || typeof r.headline !== 'object' || r.tables === null || typeof r.tables !== 'object') {
    throw new Error(`experiment ${config.experiment} returned an incomplete result (verdict, headline, comparisons, checks and tables are required)`);
  }
  const files: [string, string | Uint8Array][] = [['config.json', experimentJson(config)]];
  // Tables (.csv) and figures (.svg, .png) never share a file name, so each kind has its own names.
  const tableNames = new Set<string>(), figureNames = new Set<string>();
  const tables = Object.entries(r.tables).map(([name, t]) => {
    checkName('table', name, tableNames, config.experiment);
    files.push([`${name}.csv`, tableToCsv(name, t)]);
    return { name, csv: `${name}.csv`, rows: t.rows.length };
  });
  const figures = r.figures.map((f) => {
    checkName('figure', f.name, figureNames, config.experiment);
    files.push([`${f.name}.svg`, f.svg], [`${f.name}.png`, f.png]);
    return { name: f.name, caption: f.caption, svg: `${f.name}.svg`, png: `${f.name}.png`, ...(f.run !== undefined ? { run: f.run } : {}) };
  });
  const passed = r.checks.filter((c) => c.passed).length;
  const summary: ExperimentSummary = {
    experiment: config.experiment, title: config.title, source: config.source, question,
    quick: config.quick, seed: config.seed, hash: config.hash, dln: config.dln,
    headline: r.headline, comparisons: r.comparisons, verdict: r.verdict, verdictClass: verdictClass(r.verdict),
    checks: r.checks, checksPassed: passed, checksTotal: r.checks.length, figures, tables, seconds: outcome.seconds,
  };
  files.push(['summary.json', experimentJson(summary)]);
  return { files, summary };
}

/** A complete experiment folder: its config.json and summary.json agree on the hash. */
export interface CompleteResult { config: ExperimentConfigFile; summary: ExperimentSummary }

/** The complete result in dir, or null (missing, unreadable, or summary.json absent or inconsistent). */
export function readCompleteResult(dir: string): CompleteResult | null {
  try {
    const config = decodeExactJson(readFileSync(join(dir, 'config.json'), 'utf8')) as ExperimentConfigFile;
    const summary = decodeExactJson(readFileSync(join(dir, 'summary.json'), 'utf8')) as ExperimentSummary;
    if (typeof config.hash !== 'string' || summary.hash !== config.hash || summary.experiment !== config.experiment) return null;
    return { config, summary };
  } catch {
    return null;
  }
}

/**
 * InputError unless dir may receive experiment's result (before the run): absent, empty, or a folder
 * of that experiment, and writable (checkOutputDir).
 */
export function checkExperimentDir(dir: string, experiment: string, flag = '--out'): void {
  checkOutputDir(dir, flag, { isOwn: (d) => readCompleteResult(d)?.config.experiment === experiment, what: `result of experiment ${experiment}` });
}

/**
 * Writes the files into a staging directory beside dir and renames it into place (replacing a
 * previous result), so that dir is never half-written; summary.json is written last.
 */
export function writeExperimentFolder(dir: string, files: readonly [string, string | Uint8Array][]): void {
  withStagingDir(dir, (staging) => {
    for (const [name, content] of files) writeFileSync(join(staging, name), content);
  }, { ifExists: 'replace' });
}
