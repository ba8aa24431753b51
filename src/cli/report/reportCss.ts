/** The report page's style sheet (inlined: the page is one self-contained file). */
export const REPORT_CSS = `
:root {
  --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa; --accent: #0b5cad;
  --agrees-ink: #116329; --agrees-bg: #dafbe1; --agrees-line: #4ac26b;
  --order-ink: #7d4e00; --order-bg: #fff8c5; --order-line: #d4a72c;
  --differs-ink: #a40e26; --differs-bg: #ffebe9; --differs-line: #ff8182;
  --other-ink: #424a53; --other-bg: #eaeef2; --other-line: #afb8c1;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--ink); background: #fff; line-height: 1.55;
  font: 16px/1.55 -apple-system, "Segoe UI", "DejaVu Sans", "Helvetica Neue", Arial, sans-serif;
}
.page { max-width: 1080px; margin: 0 auto; padding: 32px 24px 64px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
h1 { font-size: 30px; line-height: 1.2; margin: 0 0 6px; letter-spacing: -0.01em; }
h2 { font-size: 23px; line-height: 1.25; margin: 0; }
h3 { font-size: 15px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 28px 0 10px; }
.lede { color: var(--muted); margin: 0 0 20px; }
.meta { color: var(--muted); font-size: 14px; margin: 0; }
code, pre, .num { font-family: "DejaVu Sans Mono", SFMono-Regular, Menlo, Consolas, monospace; }
.num { font-size: 14px; white-space: nowrap; font-variant-numeric: tabular-nums; }
.numbers td.txt { font-size: 14px; }
.numbers th:first-child { width: 24%; }
.numbers th:last-child { width: 32%; }
.tally { display: flex; flex-wrap: wrap; gap: 8px; margin: 18px 0 26px; }
.badge {
  display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 13px; font-weight: 600;
  border: 1px solid; white-space: nowrap; vertical-align: middle;
}
.badge.agrees, .verdict.agrees { color: var(--agrees-ink); background: var(--agrees-bg); border-color: var(--agrees-line); }
.badge.order, .verdict.order { color: var(--order-ink); background: var(--order-bg); border-color: var(--order-line); }
.badge.differs, .verdict.differs { color: var(--differs-ink); background: var(--differs-bg); border-color: var(--differs-line); }
.badge.other, .verdict.other { color: var(--other-ink); background: var(--other-bg); border-color: var(--other-line); }
.badge.mode { color: var(--muted); background: #fff; border-color: var(--line); font-weight: 500; }
table { border-collapse: collapse; width: 100%; font-size: 14.5px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: var(--soft); border-bottom: 2px solid var(--line); }
td.r, th.r { text-align: right; }
.overview td:first-child { color: var(--muted); width: 2em; }
.overview { margin-bottom: 8px; }
.experiment { border-top: 3px solid var(--ink); margin-top: 56px; padding-top: 20px; }
.experiment > header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 10px; }
.source { color: var(--muted); font-size: 14px; margin: 6px 0 14px; }
.question { background: var(--soft); border-left: 4px solid var(--accent); padding: 12px 16px; margin: 0; border-radius: 0 6px 6px 0; }
.figures { display: flex; flex-wrap: wrap; gap: 22px; margin-top: 22px; align-items: flex-start; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px; background: #fff; flex: 0 1 auto; max-width: 100%; }
figure img { display: block; max-width: 100%; height: auto; }
/* width 0 + min-width 100%: the caption wraps at the figure's width instead of widening it. */
figcaption { font-size: 14px; color: var(--ink); margin-top: 8px; width: 0; min-width: 100%; }
figcaption .links { color: var(--muted); white-space: nowrap; }
.verdict { border: 1px solid; border-left-width: 6px; border-radius: 6px; padding: 12px 16px; margin-top: 22px; font-size: 16px; }
.checks { list-style: none; padding: 0; margin: 0; }
.checks li { padding: 6px 0 6px 30px; position: relative; border-bottom: 1px solid #eef1f4; }
.checks li::before { position: absolute; left: 4px; top: 5px; font-weight: 700; }
.checks li.pass::before { content: "✓"; color: var(--agrees-ink); }
.checks li.fail::before { content: "✗"; color: var(--differs-ink); }
.checks .detail { color: var(--muted); font-size: 14px; }
pre.cmd { background: #0d1117; color: #e6edf3; padding: 12px 16px; border-radius: 6px; overflow-x: auto; font-size: 14px; margin: 0; }
pre.cmd::before { content: "$ "; color: #7d8590; }
details { margin-top: 14px; }
summary { cursor: pointer; color: var(--accent); font-size: 14.5px; }
details pre { background: var(--soft); padding: 10px 14px; border-radius: 6px; overflow-x: auto; font-size: 13px; }
.files { color: var(--muted); font-size: 14px; margin-top: 14px; }
.missing { border: 1px dashed var(--line); border-radius: 8px; padding: 12px 16px; color: var(--muted); margin-top: 40px; }
footer { margin-top: 64px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 14px; }
@media (max-width: 720px) { .page { padding: 20px 14px 48px; } }
@media print { .experiment { break-before: page; } figure { break-inside: avoid; } a { color: inherit; } }
`;
