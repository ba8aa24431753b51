/** Self time by function of a V8 .cpuprofile (node --cpu-prof), largest first: `node --import tsx bench/profileSummary.ts FILE [N]`. */
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
const [file, count = '12'] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
p.samples.forEach((s, i) => {
  const f = (byId.get(s) as Node).callFrame;
  const where = f.url ? `${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}` : '';
  const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(count))) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
