// The playground's static server: serves the built page folder and nothing else.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.ts';
import { type DataResponse, mnistResponse, tableFile } from './playgroundData.ts';

/** Where the build puts the page (scripts/build-playground.mjs). */
export function playgroundRoot(): string {
  return fileURLToPath(new URL('../../build/playground/', import.meta.url));
}

/** InputError unless root holds a built page. */
export function assertPlaygroundBuilt(root: string): void {
  if (!existsSync(join(root, 'index.html'))) {
    throw new InputError(`the playground page is not built (no ${join(root, 'index.html')}); run: npm run build:playground`);
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Longest request target accepted (the page's links carry their configuration, well below this). */
const MAX_URL = 8192;

/**
 * The page may run only its own scripts and WebAssembly ('unsafe-eval': dln generates the loss
 * kernel of small shapes as a function) and reach only its own origin.
 */
const CSP = "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function send(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(`${text}\n`);
}

/** The file under root that a request path names, or a status code and reason when there is none. */
export function resolveRequestPath(root: string, rawPath: string): { file: string } | { code: number; reason: string } {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { code: 400, reason: 'bad percent-encoding in the path' };
  }
  if (path.includes('\0') || path.includes('\\')) return { code: 400, reason: 'bad character in the path' };
  if (path.split('/').includes('..')) return { code: 403, reason: 'paths outside the playground folder are refused' };
  if (path === '/' || path === '') path = '/index.html';
  const file = resolve(root, `.${path}`);
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return { code: 403, reason: 'paths outside the playground folder are refused' };
  if (!existsSync(file) || !statSync(file).isFile()) return { code: 404, reason: 'not found' };
  // A link inside the folder must not lead out of it.
  const real = realpathSync(file), realRoot = realpathSync(root);
  if (!real.startsWith(realRoot + sep)) return { code: 403, reason: 'paths outside the playground folder are refused' };
  return { file: real };
}

function hostAllowed(host: string | undefined, bound: string, port: number): boolean {
  if (host === undefined) return false;
  if (bound !== '127.0.0.1' && bound !== 'localhost' && bound !== '::1') return true;
  // Bound to loopback: refuse other Host names (DNS rebinding).
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());
}

function handler(root: string, bound: string, port: () => number) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.setHeader('allow', 'GET, HEAD'); send(res, 405, 'only GET and HEAD'); return; }
    const target = req.url ?? '/';
    if (target.length > MAX_URL) { send(res, 414, 'request target too long'); return; }
    if (!hostAllowed(req.headers.host, bound, port())) { send(res, 421, 'unexpected Host header'); return; }
    const q = target.indexOf('?');
    const pathname = q < 0 ? target : target.slice(0, q);
    const reply = (code: number, type: string, body: Buffer | string): void => {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      res.writeHead(code, {
        'content-type': type, 'content-length': bytes.length,
        'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'content-security-policy': CSP,
        'referrer-policy': 'no-referrer', 'cross-origin-opener-policy': 'same-origin',
      });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    };
    // The data menu's real data sets: the raw tables from vega-datasets, MNIST prepared here.
    const table = /^\/data\/([a-z]{1,20})\.json$/.exec(pathname);
    if (pathname === '/data/mnist' || table !== null) {
      const d: DataResponse = table !== null ? tableFile(table[1]) : mnistResponse(q < 0 ? '' : target.slice(q + 1));
      reply(d.code, d.type, d.body);
      return;
    }
    const r = resolveRequestPath(root, pathname);
    if ('code' in r) { send(res, r.code, r.reason); return; }
    reply(200, TYPES[extname(r.file).toLowerCase()] ?? 'application/octet-stream', readFileSync(r.file));
  };
}

/** A running playground server. */
export interface PlaygroundServer { url: string; server: Server; close(): Promise<void> }

/** Serves root on host:port (port 0: any free port); InputError when the port is taken or the host cannot be bound. */
export function startPlaygroundServer(root: string, host: string, port: number): Promise<PlaygroundServer> {
  assertPlaygroundBuilt(root);
  const realRoot = realpathSync(root);
  let actual = port;
  const server = createServer(handler(realRoot, host, () => actual));
  server.headersTimeout = 10000;
  server.requestTimeout = 30000;
  return new Promise((res, rej) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') rej(new InputError(`port ${port} on ${host} is already in use; stop the other server or choose another with --port`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') rej(new InputError(`--host ${host}: cannot listen on this address (${e.code})`));
      else if (e.code === 'EACCES') rej(new InputError(`port ${port} on ${host}: permission denied (ports below 1024 need privileges)`));
      else rej(e);
    });
    server.listen(port, host, () => {
      const a = server.address();
      actual = typeof a === 'object' && a !== null ? a.port : port;
      const shown = host.includes(':') ? `[${host}]` : host;
      res({
        url: `http://${shown}:${actual}/`, server,
        close: () => new Promise<void>((done) => { server.close(() => { done(); }); server.closeAllConnections(); }),
      });
    });
  });
}
