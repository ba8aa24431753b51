import { Redis } from 'ioredis';
import { InputError } from '../errors.ts';
import type { SweepSpec } from '../experiments/sweep/index.ts';

/** The BullMQ queue every sweep and worker on one Redis database shares (jobs name their sweep). */
export const QUEUE_NAME = 'dln-sweep';

/** What one queue job carries: a chunk of one sweep, with what a worker needs to check it can compute it. */
export interface ChunkJob {
  sweep: string;
  chunk: number;
  format: number;
  dln: string;
  spec: SweepSpec;
  cells: number[];
}

/** The job id of a chunk (BullMQ keeps one job per id, so adding a chunk twice adds it once). */
export const chunkJobId = (sweep: string, chunk: number): string => `${sweep}-${chunk}`;

/** Checks a --queue URL: redis://HOST[:PORT][/DB]; an InputError naming the problem otherwise. */
export function checkQueueUrl(url: string): string {
  let u: URL;
  try { u = new URL(url); } catch { throw new InputError(`--queue ${url} is not a URL; write redis://HOST:PORT/DB`); }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new InputError(`--queue ${url}: the URL must start with redis:// (or rediss://)`);
  if (u.pathname !== '' && u.pathname !== '/' && !/^\/\d{1,2}$/.test(u.pathname)) throw new InputError(`--queue ${url}: the path must be a database number, e.g. /0`);
  return url;
}

/** A Redis connection for BullMQ (no per-request retry limit, as its workers need); fails with an InputError when Redis cannot be reached within 5 s. */
export async function connectRedis(url: string): Promise<Redis> {
  const conn = new Redis(checkQueueUrl(url), { maxRetriesPerRequest: null, lazyConnect: true, connectTimeout: 5000, retryStrategy: (n) => Math.min(n * 200, 2000) });
  conn.on('error', () => undefined);
  try {
    await Promise.race([conn.connect().then(() => conn.ping()), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 5000))]);
  } catch (e) {
    conn.disconnect();
    throw new InputError(`cannot reach Redis at ${url} (${(e as Error).message}); start redis-server there, or check --queue`);
  }
  return conn;
}

/** How long Redis may be unreachable in the middle of a sweep before dln gives up (a restart or a network blip shorter than this is ridden out). */
export const REDIS_GRACE_SECONDS = 10;

/** Redis went away in the middle of a sweep (an InputError: one line, exit code 2). */
export class RedisLostError extends InputError {}

/**
 * Watches a connection made by connectRedis: `lost` rejects with a RedisLostError once the connection
 * has been down for graceSeconds without coming back (ioredis keeps reconnecting meanwhile, and the
 * commands issued wait for it). Race every Redis call of a long-running loop against `lost`.
 */
export function watchRedis(conn: Redis, url: string, graceSeconds: number): { lost: Promise<never>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let reject: (e: Error) => void = () => {};
  const lost = new Promise<never>((_, r) => { reject = r; });
  lost.catch(() => undefined);
  const down = (): void => {
    timer ??= setTimeout(() => reject(new RedisLostError(`lost the connection to Redis at ${url} (unreachable for ${graceSeconds} s)`)), graceSeconds * 1000);
  };
  const up = (): void => { clearTimeout(timer); timer = undefined; };
  conn.on('close', down);
  conn.on('reconnecting', down);
  conn.on('end', down);
  conn.on('ready', up);
  if (conn.status !== 'ready') down();
  return {
    lost,
    stop() { up(); conn.off('close', down); conn.off('reconnecting', down); conn.off('end', down); conn.off('ready', up); },
  };
}

/** Resolves after ms, or when p settles (closing a BullMQ queue or worker waits for Redis, which may be gone). */
export function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    p.then(() => { clearTimeout(t); resolve(); }, () => { clearTimeout(t); resolve(); });
  });
}
