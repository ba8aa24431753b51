import type { CellRecord, SweepSpec } from '../experiments/sweep/index.ts';
import { type RunningJob, startJob } from '../node/jobRunner.ts';
import type { ChunkReply, ChunkRequest } from './chunkJob.ts';

interface Pending { resolve(r: CellRecord[]): void; reject(e: Error): void }

/**
 * Threads that evaluate chunks of sweeps (evaluateCells), one chunk per thread at a time, so that the
 * main thread stays free for the store, the queue, progress and Ctrl-C. Each thread is a job of dln's
 * job runner (node/jobRunner.ts: its worker entry, stop flag and errors) that serves requests
 * (chunkJob.ts serveChunks); see docs/decisions.md for why a sweep needs a pool beside single jobs.
 */
export class ChunkPool {
  private readonly idle: RunningJob<'closed'>[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly all: RunningJob<'closed'>[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private dead = false;
  /** Why the pool can no longer run chunks (a thread failed or stopped early). */
  private failure: Error | null = null;
  private markReady: () => void = () => {};
  private failReady: (e: Error) => void = () => {};
  /** Resolves once the first thread has loaded the engine and can take a chunk (rejects when a thread fails first). */
  readonly ready = new Promise<void>((resolve, reject) => { this.markReady = resolve; this.failReady = reject; });

  constructor(readonly threads: number, dln: string) {
    this.ready.catch(() => undefined);
    for (let i = 0; i < threads; i++) {
      const job: RunningJob<'closed'> = startJob<'closed'>({ moduleUrl: new URL('./chunkJob.ts', import.meta.url), exportName: 'serveChunks', input: { dln } }, {
        threads: 1,
        onPost: (data) => {
          const m = data as ChunkReply;
          if ('ready' in m) { this.markReady(); this.release(job); return; }
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          this.release(job);
          if ('error' in m) p?.reject(new Error(m.error)); else p?.resolve(m.records);
        },
      });
      job.result.then(
        () => { if (!this.dead) this.failAll(new Error('a sweep thread stopped before the sweep was done')); },
        (e: unknown) => { if (!this.dead) this.failAll(e instanceof Error ? e : new Error(String(e))); },
      );
      this.all.push(job);
    }
  }

  private release(job: RunningJob<'closed'>): void {
    const next = this.waiting.shift();
    this.idle.push(job);
    next?.();
  }

  private failAll(e: Error): void {
    this.failure ??= e;
    this.failReady(e);
    // A chunk waiting for a free thread hears of it too (no thread will ever be free).
    for (const wake of this.waiting.splice(0)) wake();
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Evaluates the cells of one chunk on the next free thread. */
  async run(spec: SweepSpec, indices: readonly number[]): Promise<CellRecord[]> {
    while (this.idle.length === 0) {
      if (this.failure !== null) throw this.failure;
      await new Promise<void>((r) => this.waiting.push(r));
    }
    const job = this.idle.pop() as RunningJob<'closed'>;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      job.send({ id, spec, indices: [...indices] } satisfies ChunkRequest);
    });
  }

  /** Asks every thread to drop its running chunk (it ends at its next segment with an error; nothing of it is stored). */
  stop(): void {
    for (const job of this.all) job.stop();
  }

  /** Stops every thread (a chunk still running is lost, never half-stored). */
  async close(): Promise<void> {
    this.dead = true;
    for (const job of this.all) job.abort(new Error('closed'));
    await Promise.all(this.all.map((job) => job.result.catch(() => undefined)));
  }
}
