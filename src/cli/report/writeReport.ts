import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { experiments, hiddenExperiments } from '../../experiments/registry.ts';
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
  if (data.entries.some((e) => e.summary.figures.some((f) => f.run !== undefined))) data.playground = bundlePlayground(out);
  writeFileAtomic(join(out, 'summary.json'), experimentJson(reportSummary(data)));
  writeFileAtomic(join(out, 'index.html'), reportHtml(data));
  return data;
}
