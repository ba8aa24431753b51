import type { ExperimentConfigFile, ExperimentSummary, VerdictClass } from './experimentFolder.ts';
import { REPORT_CSS } from './reportCss.ts';
import { PLAYGROUND_PORT, playgroundQuery } from './playgroundLink.ts';

/** One experiment of the report: its folder (relative to the page), config, summary and figure SVGs. */
export interface ReportEntry {
  folder: string;
  config: ExperimentConfigFile;
  summary: ExperimentSummary;
  /** The SVG document of each of summary.figures, in the same order. */
  svgs: string[];
}

/** Everything the page shows. */
export interface ReportData {
  dln: string;
  /** When the page was written (ISO 8601). */
  generated: string;
  entries: ReportEntry[];
  /** Listed experiments without a result in the folder yet. */
  notRun: { name: string; title: string }[];
  /** Whether the playground is bundled beside the page (playground/), the target of the figures' links; else they go to `dln playground` on 127.0.0.1. */
  playground: boolean;
}

/** Where a figure's run opens: the bundled page, or `dln playground` on this machine. */
function playgroundHref(query: string, bundled: boolean): string {
  return bundled ? `playground/index.html?${query}` : `http://127.0.0.1:${PLAYGROUND_PORT}/?${query}`;
}

const LABEL: Record<VerdictClass, string> = { agrees: 'agrees', order: 'order of magnitude', differs: 'differs', other: 'see verdict' };

/** Text escaped for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const SUP: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** A number as a reader wants it: integers plainly, others to 5 significant digits, 1.234 × 10⁻⁵ outside [10⁻³, 10⁵). */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v !== 'number') return String(v);
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return String(v).replace('-', '−');
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(5))).replace('-', '−');
  const [m, e] = v.toExponential(4).split('e');
  const mantissa = String(Number(m)).replace('-', '−');
  return `${mantissa} × 10${e.replace('+', '').split('').map((c) => SUP[c] ?? c).join('')}`;
}

function ratio(dln: unknown, paper: unknown): string {
  return typeof dln === 'number' && typeof paper === 'number' && Number.isFinite(dln) && Number.isFinite(paper) && paper !== 0
    ? formatValue(Number((dln / paper).toPrecision(4))) : '';
}

const badge = (cls: string, text: string): string => `<span class="badge ${cls}">${escapeHtml(text)}</span>`;
const mode = (s: ExperimentSummary): string => badge('mode', s.quick ? 'quick run' : 'full run');
const anchor = (s: ExperimentSummary): string => `exp-${s.experiment}`;
const link = (href: string, text: string): string => `<a href="${escapeHtml(encodeURI(href))}">${escapeHtml(text)}</a>`;
const seconds = (s: number): string => (s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

function checksBadge(s: ExperimentSummary): string {
  const ok = s.checksPassed === s.checksTotal;
  return `<span class="num">${ok ? '✓' : '✗'} ${s.checksPassed}/${s.checksTotal}</span>`;
}

function overview(entries: ReportEntry[]): string {
  const rows = entries.map((e, i) => {
    const s = e.summary;
    return `<tr><td>${i + 1}</td><td><a href="#${anchor(s)}">${escapeHtml(s.title)}</a></td><td>${escapeHtml(s.source)}</td>`
      + `<td>${badge(s.verdictClass, LABEL[s.verdictClass])}</td><td>${checksBadge(s)}</td><td class="r num">${seconds(s.seconds)}</td></tr>`;
  });
  return `<table class="overview"><thead><tr><th>#</th><th>Experiment</th><th>Source</th><th>Verdict</th><th>Checks</th><th class="r">Time</th></tr></thead>`
    + `<tbody>${rows.join('')}</tbody></table>`;
}

/** Size of a figure on the page relative to its SVG (and to its PNG at scale 1). */
const FIGURE_ZOOM = 1.25;

function figures(e: ReportEntry, n: number, bundled: boolean): string {
  const items = e.summary.figures.map((f, i) => {
    const q = f.run === undefined ? null : playgroundQuery(f.run);
    const open = q === null || f.run === undefined ? ''
      : ` · <a class="playground" data-playground="${escapeHtml(q)}" href="${escapeHtml(playgroundHref(q, bundled))}">▶ ${escapeHtml(f.run.curve)} in the playground</a>`;
    const data = Buffer.from(e.svgs[i], 'utf8').toString('base64');
    // A quarter above the chart's own size, so that its 11–12 px labels read like the page's 14 px
    // small print; CSS caps it at the column width (and narrow screens shrink it further).
    const width = /<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(e.svgs[i])?.[1];
    return `<figure><img src="data:image/svg+xml;base64,${data}"${width === undefined ? '' : ` width="${Math.round(FIGURE_ZOOM * Number(width))}"`} alt="${escapeHtml(f.caption)}">`
      + `<figcaption><b>Figure ${n}.${i + 1}.</b> ${escapeHtml(f.caption)} <span class="links">(${link(`${e.folder}/${f.svg}`, 'SVG')} · ${link(`${e.folder}/${f.png}`, 'PNG')}${open})</span></figcaption></figure>`;
  });
  return items.length === 0 ? '' : `<div class="figures">${items.join('')}</div>`;
}

function numbers(s: ExperimentSummary): string {
  if (s.comparisons.length === 0) return '<p class="meta">No number of the source to compare with.</p>';
  // Numbers line up on the right in a monospace font; text (ranges, lists, words) wraps like prose.
  const cell = (v: unknown): string => (typeof v === 'number' || v === null
    ? `<td class="r num">${escapeHtml(formatValue(v))}</td>` : `<td class="txt">${escapeHtml(formatValue(v))}</td>`);
  const rows = s.comparisons.map((c) => `<tr><td>${escapeHtml(c.quantity)}</td>${cell(c.dln)}${cell(c.paper)}`
    + `<td class="r num">${escapeHtml(ratio(c.dln, c.paper))}</td><td>${escapeHtml(c.note ?? '')}</td></tr>`);
  return `<table class="numbers"><thead><tr><th>Quantity</th><th class="r">dln</th><th class="r">Paper</th><th class="r">dln / paper</th><th>Note</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function checks(s: ExperimentSummary): string {
  if (s.checks.length === 0) return '<p class="meta">No checks.</p>';
  return `<ul class="checks">${s.checks.map((c) => `<li class="${c.passed ? 'pass' : 'fail'}">${escapeHtml(c.name)} <span class="detail">— ${escapeHtml(c.detail)}</span></li>`).join('')}</ul>`;
}

function headline(s: ExperimentSummary): string {
  const rows = Object.entries(s.headline).map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td class="r num">${escapeHtml(formatValue(v))}</td></tr>`);
  return rows.length === 0 ? '' : `<details><summary>All headline numbers</summary><table><tbody>${rows.join('')}</tbody></table></details>`;
}

function section(e: ReportEntry, n: number, bundled: boolean): string {
  const s = e.summary, c = e.config;
  const data = s.tables.map((t) => `${link(`${e.folder}/${t.csv}`, t.csv)} (${t.rows} rows)`);
  return `<section class="experiment" id="${anchor(s)}">
<header><h2>${n}. ${escapeHtml(s.title)}</h2><div>${mode(s)} ${badge(s.verdictClass, LABEL[s.verdictClass])}</div></header>
<p class="source">${escapeHtml(s.source)} · <code>${escapeHtml(s.experiment)}</code> · seed ${s.seed} · ${seconds(s.seconds)}</p>
<p class="question"><strong>Question.</strong> ${escapeHtml(s.question)}</p>
${figures(e, n, bundled)}
<h3>dln beside the paper</h3>
${numbers(s)}
<div class="verdict ${s.verdictClass}"><strong>Verdict:</strong> ${escapeHtml(s.verdict)}</div>
<h3>Checks (${s.checksPassed} of ${s.checksTotal} hold)</h3>
${checks(s)}
${headline(s)}
<h3>Run it again</h3>
<pre class="cmd"><code>${escapeHtml(c.rerun)}</code></pre>
<details><summary>Configuration (config.json)</summary><pre>${escapeHtml(JSON.stringify(c.config, null, 2))}</pre></details>
<p class="files">Files: ${[...data, link(`${e.folder}/config.json`, 'config.json'), link(`${e.folder}/summary.json`, 'summary.json')].join(' · ')}</p>
</section>`;
}

function tally(entries: ReportEntry[]): string {
  const count = (k: VerdictClass): number => entries.filter((e) => e.summary.verdictClass === k).length;
  const words: Record<VerdictClass, string> = { agrees: 'agree', order: 'agree in order of magnitude', differs: 'differ', other: 'other verdicts' };
  const parts = (['agrees', 'order', 'differs', 'other'] as const).filter((k) => count(k) > 0).map((k) => badge(k, `${count(k)} ${words[k]}`));
  const failed = entries.reduce((a, e) => a + e.summary.checksTotal - e.summary.checksPassed, 0);
  if (failed > 0) parts.push(badge('differs', `${failed} check${failed > 1 ? 's' : ''} failed`));
  return `<div class="tally">${parts.join('')}</div>`;
}

/**
 * What the ▶ links do. Served over http (a web host, or any static server on this folder) they open
 * the bundled playground; a page opened from disk cannot run the playground's worker and WASM
 * kernels, so there a small script points them at `dln playground` on 127.0.0.1.
 */
function playgroundNote(data: ReportData): string {
  if (!data.entries.some((e) => e.summary.figures.some((f) => f.run !== undefined))) return '';
  const local = `<code>npx dln playground</code> (it serves the page on http://127.0.0.1:${PLAYGROUND_PORT}/)`;
  const text = data.playground
    ? `Figures marked ▶ open their run in the playground, with the same seed, data, W(0) and optimizer: the losses are the experiment's, bit for bit on the same kernels (the playground computes on WASM, as <code>dln --backend wasm reproduce</code> does; other kernels agree to rounding). The playground is bundled beside this page (<code>playground/</code>): put the whole folder on any web host, or serve it with any static server, e.g. <code>python3 -m http.server</code>. Opened from disk, the links go to ${local}: start it first. MNIST runs need <code>dln playground</code> itself.`
    : `Figures marked ▶ open their run in the playground of ${local}: start it first.`;
  const script = data.playground
    ? `<script>if (location.protocol === 'file:') addEventListener('DOMContentLoaded', () => { for (const a of document.querySelectorAll('a[data-playground]')) a.href = 'http://127.0.0.1:${PLAYGROUND_PORT}/?' + a.dataset.playground; });</script>`
    : '';
  return `<p class="meta playground-note">${text}</p>${script}`;
}

/** The report as one self-contained HTML page (inline CSS, figures as inline SVG data). */
export function reportHtml(data: ReportData): string {
  const { entries } = data;
  const modes = new Set(entries.map((e) => (e.summary.quick ? 'quick' : 'full')));
  const runs = modes.size === 2 ? 'quick and full runs' : modes.has('quick') ? 'quick runs (--quick: the same experiments, smaller)' : 'full runs';
  const missing = data.notRun.length === 0 ? '' : `<div class="missing"><strong>Not run yet:</strong> ${data.notRun.map((m) => `${escapeHtml(m.title)} (<code>${escapeHtml(m.name)}</code>)`).join(', ')}. `
    + `Run <code>dln reproduce --only ${escapeHtml(data.notRun.map((m) => m.name).join(','))}</code>.</div>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dln — experiments reproduced</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<div class="page">
<h1>Deep linear networks: the experiments, reproduced</h1>
<p class="lede">Each experiment of the source documents, run by dln in float64, with dln's numbers beside the papers' and a plain verdict.</p>
<p class="meta">dln ${escapeHtml(data.dln)} · ${entries.length} experiment${entries.length === 1 ? '' : 's'} · ${runs} · written ${escapeHtml(data.generated.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</p>
${entries.length === 0 ? '<p>No experiment has finished yet.</p>' : `${tally(entries)}${overview(entries)}`}
${missing}
${playgroundNote(data)}
${entries.map((e, i) => section(e, i + 1, data.playground)).join('\n')}
<footer>Verdicts: <b>agrees</b> — dln's numbers match the source within its stated precision; <b>order of magnitude</b> — the same order, not the same digits; <b>differs</b> — dln finds something else, explained in the verdict. Every number here is in the folder beside this page.</footer>
</div>
</body>
</html>
`;
}
