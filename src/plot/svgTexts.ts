const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescape(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

/**
 * The visible lines of text of an SVG document: one string per <text> element, or per <tspan> line of
 * a multi-line one (vega hides overlapping labels with opacity 0; those are left out).
 */
export function svgTexts(svg: string): string[] {
  const out: string[] = [];
  for (const m of svg.matchAll(/<text([^>]*)>([\s\S]*?)<\/text>/g)) {
    if (/\bopacity="0"/.test(m[1])) continue;
    const spans = [...m[2].matchAll(/<tspan[^>]*>([\s\S]*?)<\/tspan>/g)].map((t) => t[1]);
    for (const line of spans.length > 0 ? spans : [m[2]]) out.push(unescape(line.replace(/<[^>]+>/g, '')));
  }
  return out;
}
