import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import { SWEEP_FORMAT } from '../experiments/sweep/index.ts';
import { ChunkPool } from './chunkPool.ts';
import { onInterrupts } from '../node/jobRunner.ts';
import { encodeExactJson } from '../node/exactJson.ts';
import { type ChunkJob, QUEUE_NAME, REDIS_GRACE_SECONDS, connectRedis, settleWithin, watchRedis } from './redisQueue.ts';

/** Options of runQueueWorker. */
export interface QueueWorkerOptions {
  queue: string;
  jobs: number;
  dln: string;
  /** A chunk whose worker stops renewing its lock for this long is handed to another worker. */
  lockSeconds: number;
  /** Exit after this many seconds without a chunk (default: never). */
  exitWhenIdle?: number;
  /** Give up (RedisLostError) once Redis has been unreachable this long (default REDIS_GRACE_SECONDS). */
  redisGraceSeconds?: number;
  stderr: NodeJS.WritableStream;
  onInterrupt(handler: () => void): () => void;
}

/** Why this worker cannot compute a job, or null when it can (THEORY §15: the format fixes what a cell means). */
export function refusal(job: Pick<ChunkJob, 'format' | 'dln'>, format = SWEEP_FORMAT, dln = ''): string | null {
  if (job.format === format) return null;
  const newer = job.format > format;
  return `the sweep was made by dln ${job.dln} (sweep format ${job.format}), ${newer ? 'newer than' : 'incompatible with'} this worker's dln ${dln} (format ${format})${newer ? '; update dln on this machine' : ''}`;
}

/**
 * `dln sweep worker`: takes chunks of any sweep from the BullMQ queue, `jobs` at a time, evaluates them
 * on threads (the event loop stays free to renew the chunk locks) and returns their records. Refuses a
 * chunk of an incompatible sweep format with a clear message. Ctrl-C finishes the running chunks; a second drops them.
 * When Redis stays unreachable for redisGraceSeconds it stops with a RedisLostError: the chunks it
 * held were never acknowledged, so they go to another worker (or back to the queue when resumed).
 */
export async function runQueueWorker(o: QueueWorkerOptions): Promise<number> {
  const connection = await connectRedis(o.queue);
  const watch = watchRedis(connection, o.queue, o.redisGraceSeconds ?? REDIS_GRACE_SECONDS);
  const pool = new ChunkPool(o.jobs, o.dln);
  // Take chunks only once a thread can compute them: a chunk held while the engine loads waits for nothing.
  await Promise.race([pool.ready, watch.lost]).catch(async (e: unknown) => { watch.stop(); await pool.close(); connection.disconnect(); throw e; });
  const me = `${hostname()}:${process.pid}`;
  let active = 0, idleSince = Date.now();
  const worker = new Worker<ChunkJob, string>(QUEUE_NAME, async (job) => {
    const why = refusal(job.data, SWEEP_FORMAT, o.dln);
    if (why !== null) {
      o.stderr.write(`dln sweep worker: refused chunk ${job.data.chunk}: ${why}\n`);
      throw new UnrecoverableError(`refused by ${me}: ${why}`);
    }
    active++;
    try {
      return encodeExactJson(await pool.run(job.data.spec, job.data.cells));
    } finally {
      active--;
      idleSince = Date.now();
    }
  }, {
    connection, concurrency: o.jobs, name: me, lockDuration: o.lockSeconds * 1000, stalledInterval: Math.max(500, (o.lockSeconds * 1000) / 2),
    maxStalledCount: 5,
  });
  // Lost connections are the watch's to report, once; other errors are written as they come.
  // (BullMQ's own connections can report a reset before this one's status changes: their socket errors are the watch's too.)
  const lostConnection = (e: Error): boolean => connection.status !== 'ready' || /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH|Connection is closed|Socket closed/i.test(e.message);
  worker.on('error', (e) => { if (!lostConnection(e)) o.stderr.write(`dln sweep worker: ${e.message}\n`); });
  o.stderr.write(`dln sweep worker ${me}: taking chunks from ${o.queue} with ${o.jobs} thread(s)\n`);
  let idleTimer: NodeJS.Timeout | undefined;
  let off = (): void => {};
  const stopped = new Promise<void>((resolve) => {
    // The runner's two stages: finish the running chunks (then exit), or drop them (they go back to the queue once their locks lapse).
    off = onInterrupts({ stderr: o.stderr, onInterrupt: o.onInterrupt }, [
      () => { o.stderr.write('dln sweep worker: finishing the running chunks (Ctrl-C again to drop them)\n'); resolve(); },
      () => { pool.stop(); },
    ]);
    if (o.exitWhenIdle !== undefined) {
      const limit = o.exitWhenIdle * 1000;
      idleTimer = setInterval(() => { if (active === 0 && Date.now() - idleSince > limit) resolve(); }, 200);
    }
  });
  try {
    await Promise.race([stopped, watch.lost]);
  } finally {
    clearInterval(idleTimer);
    watch.stop();
    const gone = connection.status !== 'ready';
    if (gone) connection.disconnect();
    await (gone ? settleWithin(worker.close(true), 1000) : worker.close());
    off();
    await pool.close();
    connection.disconnect();
  }
  return 0;
}
