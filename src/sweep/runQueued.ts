import { Queue } from 'bullmq';
import { type CellRecord, SWEEP_FORMAT, sweepWork } from '../experiments/sweep/index.ts';
import { decodeExactJson } from '../node/exactJson.ts';
import { type ChunkJob, QUEUE_NAME, REDIS_GRACE_SECONDS, RedisLostError, chunkJobId, connectRedis, settleWithin, watchRedis } from './redisQueue.ts';
import type { RunLocalOptions, RunOutcome } from './runLocal.ts';
import { pendingChunks } from './sweepDir.ts';
import { SweepProgress, WorkTally } from './sweepProgress.ts';
import type { SweepStore } from './sweepStore.ts';

/** How often the coordinator collects finished chunks (a short listing of the completed jobs: cheap, and the last chunk is stored soon after it is done). */
const POLL_MS = 50;

/**
 * The coordinator of a distributed sweep: puts every chunk not yet stored on the BullMQ queue at url
 * (once: job ids name the chunk), and stores the results that `dln sweep worker` processes return,
 * removing a finished job from Redis only after its cells are committed. Killed and resumed, it finds
 * finished jobs still waiting in Redis and the rest still queued: no cell is lost or stored twice.
 * When Redis stays unreachable for redisGraceSeconds (default REDIS_GRACE_SECONDS), it stops with a
 * RedisLostError; every cell committed so far is kept, and resume continues from there.
 */
export async function runQueued(store: SweepStore, dln: string, url: string, o: RunLocalOptions & { redisGraceSeconds?: number }): Promise<RunOutcome> {
  const spec = store.meta.spec, total = store.meta.total, sweep = store.meta.id;
  const connection = await connectRedis(url);
  const watch = watchRedis(connection, url, o.redisGraceSeconds ?? REDIS_GRACE_SECONDS);
  const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, watch.lost]);
  const queue = new Queue<ChunkJob, string>(QUEUE_NAME, { connection });
  // A lost connection is the watch's to report, in one line (BullMQ would print each error with its stack).
  queue.on('error', () => undefined);
  const stored = store.doneIndices();
  let done = stored.size;
  const work = new WorkTally(sweepWork(spec), stored);
  const progress = new SweepProgress(o.stderr, 'sweep', total, done, o.progress, undefined, work);
  let stop = false;
  const off = o.onInterrupt(() => { stop = true; });
  const reported = new Set<string>();
  const ours = (id: string | undefined): boolean => id !== undefined && id.startsWith(`${sweep}-`);
  const drain = async (): Promise<void> => {
    for (const job of await guard(queue.getJobs(['completed'], 0, -1))) {
      if (!ours(job.id) || typeof job.returnvalue !== 'string') continue;
      const records = decodeExactJson(job.returnvalue) as CellRecord[];
      done += store.put(records, `queue:${job.processedBy ?? '?'}`);
      work.add(records);
      await guard(job.remove());
    }
    for (const job of await guard(queue.getJobs(['failed'], 0, -1))) {
      if (!ours(job.id) || reported.has(job.id as string)) continue;
      reported.add(job.id as string);
      o.stderr.write(`\ndln: chunk ${job.data.chunk} failed on a worker: ${job.failedReason}\n`);
    }
  };
  try {
    await drain();
    const pending = pendingChunks(spec, store.doneIndices());
    for (const job of await guard(queue.getJobs(['failed'], 0, -1))) if (ours(job.id)) await guard(job.retry());
    reported.clear();
    await guard(queue.addBulk(pending.map((c) => ({
      name: 'chunk',
      data: { sweep, chunk: c.chunk, format: SWEEP_FORMAT, dln, spec, cells: c.cells },
      opts: { jobId: chunkJobId(sweep, c.chunk), attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false },
    }))));
    progress.update(done, true);
    while (done < total && !stop) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      await drain();
      progress.update(done);
      // Every chunk still missing has failed on a worker (after its retries): waiting longer helps nothing.
      if (reported.size > 0 && pendingChunks(spec, store.doneIndices()).every((c) => reported.has(chunkJobId(sweep, c.chunk)))) break;
    }
  } catch (e) {
    // A command that failed on the dropped connection (rather than waiting for it) is the same loss, said once.
    if (!(e instanceof RedisLostError) && connection.status !== 'ready') throw new RedisLostError(`lost the connection to Redis at ${url} (${(e as Error).message})`);
    throw e;
  } finally {
    off();
    watch.stop();
    progress.stop(done);
    await settleWithin(queue.close(), 2000);
    connection.disconnect();
  }
  if (done < total && !stop && reported.size > 0) throw new Error(`${reported.size} chunk(s) failed on the workers (see above); fix the cause, then dln sweep resume with --queue`);
  return { done, total, interrupted: stop };
}
