import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { experiments, hiddenExperiments } from '../../experiments/registry.ts';
import { decodeExactJson } from '../../node/exactJson.ts';
import { writeFileAtomic } from '../../node/writeFileAtomic.ts';
import { withStagingDir } from '../../node/stagingDir.ts';
import { playgroundRoot } from '../../node/playgroundServer.ts';
import { TABLE_FILES, tableFile } from '../../node/playgroundData.ts';
import { experimentJson, readCompleteResult } from './experimentFolder.ts';
import { type ReportData, type ReportEntry, reportHtml } from './reportHtml.ts';

/**
 * The report of folder out: every registered experiment whose folder out/NAME holds a complete
 * result (in registry order, built-in test experiments last), and the listed ones not run yet.
 */
export function collectReport(out: string, dln: string, generated = new Date()): ReportData {
  const entries: ReportEntry[] = [];
  const notRun: ReportData['notRun'] = [];
  for (const e of [...experiments, ...hiddenExperiments]) {
    const found = readCompleteResult(join(out, e.name));
    if (found === null) {
      if (!hiddenExperiments.includes(e)) notRun.push({ name: e.name, title: e.title });
      continue;
    }
    const svgs = found.summary.figures.map((f) => {
      try {
        return readFileSync(join(out, e.name, f.svg), 'utf8');
      } catch {
        return '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="8" y="24">figure file missing</text></svg>';
      }
    });
    entries.push({ folder: e.name, config: found.config, summary: found.summary, svgs });
  }
  return { dln, generated: generated.toISOString(), entries, notRun, playground: false };
}

/** report/summary.json: every experiment's summary (with its folder and rerun command) and what is missing. */
export function reportSummary(data: ReportData): unknown {
  return {
    dln: data.dln,
    generated: data.generated,
    experiments: data.entries.map((e) => ({ folder: e.folder, ...e.summary, rerun: e.config.rerun })),
    notRun: data.notRun.map((m) => m.name),
  };
}

/**
 * Copies the built playground (with the data menu's cars and penguins) to out/playground, replacing
 * an older copy; false when the page is not built (the report then links to `dln playground`).
 */
function bundlePlayground(out: string): boolean {
  const root = playgroundRoot();
  if (!existsSync(join(root, 'index.html'))) return false;
  withStagingDir(join(out, 'playground'), (staging) => {
    cpSync(root, staging, { recursive: true });
    mkdirSync(join(staging, 'data'), { recursive: true });
    for (const name of TABLE_FILES) {
      const d = tableFile(name);
      if (d.code === 200) writeFileSync(join(staging, 'data', `${name}.json`), d.body);
    }
  }, { ifExists: 'replace' });
  return true;
}

/** Writes out/index.html and out/summary.json (each atomically) from the folders in out, and the playground beside them; returns what they show. */
export function writeReport(out: string, dln: string): ReportData {
  const data = collectReport(out, dln);
  // summary.json first: from then on the folder is recognisably a report (isReportFolder).
  writeFileAtomic(join(out, 'summary.json'), experimentJson(reportSummary(data)));
  if (data.entries.some((e) => e.summary.figures.some((f) => f.run !== undefined))) data.playground = bundlePlayground(out);
  writeFileAtomic(join(out, 'index.html'), reportHtml(data));
  return data;
}

/** Whether summary.json in out is a report summary as writeReport writes it (dln, generated, experiments, notRun). */
function hasReportSummary(out: string): boolean {
  try {
    const s = decodeExactJson(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
    return typeof s.dln === 'string' && typeof s.generated === 'string' && Array.isArray(s.experiments) && Array.isArray(s.notRun);
  } catch {
    return false;
  }
}

/**
 * Whether folder out is a report dln reproduce wrote: its summary.json is a report summary, or (a
 * run stopped before the report was written) every entry is an experiment's folder holding that
 * experiment's complete result, the bundled playground, or a hidden staging folder beside one. A folder the user filled
 * is neither, and dln reproduce refuses it.
 */
export function isReportFolder(out: string): boolean {
  if (hasReportSummary(out)) return true;
  const names = new Set([...experiments, ...hiddenExperiments].map((e) => e.name));
  const entries = readdirSync(out);
  return entries.some((n) => !n.startsWith('.')) && entries.every((n) => {
    const staging = /^\.(.+)\.(staging|old)-/.exec(n);
    if (staging !== null) return names.has(staging[1]) || staging[1] === 'playground';
    // The playground bundled for the figures' links.
    if (n === 'playground') return existsSync(join(out, n, 'index.html'));
    return names.has(n) && readCompleteResult(join(out, n))?.config.experiment === n;
  });
}
