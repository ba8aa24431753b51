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
