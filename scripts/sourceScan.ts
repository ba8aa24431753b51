/**
 * A small JavaScript/TypeScript scanner for the layer check: it blanks comments (noComments) and,
 * additionally, the contents of string, template and regex literals (codeOnly), keeping every
 * offset, so that a regex over the source can find import statements without being fooled by an
 * import written in a comment or a string.
 */
export interface ScannedSource {
  /** The source with comments replaced by spaces (newlines kept). */
  readonly noComments: string;
  /** noComments with the contents of string, template and regex literals replaced by spaces too. */
  readonly codeOnly: string;
}

const REGEX_BEFORE = new Set([...'(,=:[!&|?{};+-*%<>~^']);
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await']);

/** Scans src once; see ScannedSource. */
export function scanSource(src: string): ScannedSource {
  const noc = src.split(''), code = src.split('');
  const blank = (arr: string[], i: number) => { if (arr[i] !== '\n') arr[i] = ' '; };
  const braces: number[] = []; // template nesting: brace depth at each open `${`
  let depth = 0, i = 0, lastSignificant = '', lastWord = '';
  const readLiteral = (quote: string) => { // i at the opening quote; leaves i after the closing one
    i++;
    while (i < src.length && src[i] !== quote && src[i] !== '\n') {
      if (src[i] === '\\') { blank(code, i); i++; }
      blank(code, i); i++;
    }
    i++;
  };
  const readTemplate = () => { // i just after ` or after the } closing a `${`; stops after ` or after `${`
    while (i < src.length) {
      if (src[i] === '\\') { blank(code, i); blank(code, i + 1); i += 2; continue; }
      if (src[i] === '`') { i++; return; }
      if (src[i] === '$' && src[i + 1] === '{') { braces.push(depth); depth++; i += 2; return; }
      blank(code, i); i++;
    }
  };
  while (i < src.length) {
    const ch = src[i], next = src[i + 1];
    if (ch === '/' && next === '/') {
      while (i < src.length && src[i] !== '\n') { blank(noc, i); blank(code, i); i++; }
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2), stop = end < 0 ? src.length : end + 2;
      for (; i < stop; i++) { blank(noc, i); blank(code, i); }
      continue;
    }
    if (ch === '"' || ch === "'") { readLiteral(ch); lastSignificant = ch; lastWord = ''; continue; }
    if (ch === '`') { i++; readTemplate(); lastSignificant = '`'; lastWord = ''; continue; }
    if (ch === '/' && (lastSignificant === '' || REGEX_BEFORE.has(lastSignificant) || REGEX_AFTER_WORDS.has(lastWord))) {
      i++;
      let inClass = false;
      while (i < src.length && src[i] !== '\n' && (inClass || src[i] !== '/')) {
        if (src[i] === '\\') { blank(code, i); i++; } else if (src[i] === '[') inClass = true; else if (src[i] === ']') inClass = false;
        blank(code, i); i++;
      }
      i++;
      lastSignificant = '/'; lastWord = '';
      continue;
    }
    if (ch === '{') depth++;
    if (ch === '}') {
      depth--;
      if (braces.length > 0 && braces[braces.length - 1] === depth) { braces.pop(); i++; readTemplate(); lastSignificant = '`'; continue; }
    }
    if (/[A-Za-z0-9_$]/.test(ch)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_$]/.test(src[j])) j++;
      lastWord = src.slice(i, j); lastSignificant = 'a'; i = j;
      continue;
    }
    if (!/\s/.test(ch)) { lastSignificant = ch; lastWord = ''; }
    i++;
  }
  return { noComments: noc.join(''), codeOnly: code.join('') };
}

/** A module reference found in a source file: what follows `from`, `import(…)`, `require(…)` or `new URL(…, import.meta.url)`. */
export interface ModuleReference {
  readonly specifier: string;
  /** 1-based line of the reference. */
  readonly line: number;
  readonly kind: 'static' | 'dynamic' | 'url';
}

const PATTERNS: readonly { re: RegExp; kind: ModuleReference['kind'] }[] = [
  { re: /\b(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]|\bas\b)*?\bfrom\s*(['"])([^'"\n]+)\1/g, kind: 'static' },
  { re: /\bimport\s*(['"])([^'"\n]+)\1/g, kind: 'static' },
  { re: /\b(?:import|require)\s*\(\s*(['"])([^'"\n]+)\1\s*[,)]/g, kind: 'dynamic' },
  { re: /\bnew\s+URL\s*\(\s*(['"])([^'"\n]+)\1\s*,\s*import\.meta\.url\s*\)/g, kind: 'url' },
];

/** Every module reference in a source file (in code, not in comments or strings). */
export function moduleReferences(src: string): ModuleReference[] {
  const { noComments, codeOnly } = scanSource(src);
  const refs: ModuleReference[] = [];
  for (const { re, kind } of PATTERNS) {
    for (const m of noComments.matchAll(re)) {
      const at = m.index ?? 0;
      if (codeOnly.slice(at, at + 3) !== noComments.slice(at, at + 3)) continue; // the keyword sits in a literal
      const line = noComments.slice(0, at + m[0].indexOf(m[2])).split('\n').length;
      refs.push({ specifier: m[2], line, kind });
    }
  }
  return refs.sort((a, b) => a.line - b.line);
}

/** 1-based lines where a Node global (process, Buffer, __dirname, __filename, require) is used bare, outside comments and strings. */
export function bareNodeGlobals(src: string): { name: string; line: number }[] {
  const { codeOnly } = scanSource(src);
  const out: { name: string; line: number }[] = [];
  for (const m of codeOnly.matchAll(/(?<![\w$.]|\?\.)\b(process|Buffer|__dirname|__filename|require)\b(?!\s*:)/g)) {
    out.push({ name: m[1], line: codeOnly.slice(0, m.index).split('\n').length });
  }
  return out;
}
