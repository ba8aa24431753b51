import { Worker } from 'node:worker_threads';
import type { CellRecord, SweepSpec } from '../experiments/sweep/index.ts';

interface Pending { resolve(r: CellRecord[]): void; reject(e: Error): void }

/**
 * Threads that evaluate chunks of sweeps (evaluateCells), one chunk per thread at a time, so that
 * the main thread stays free for the store, the queue, progress and Ctrl-C.
 */
export class ChunkPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly all: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private dead = false;
  private markReady: () => void = () => {};
  private failReady: (e: Error) => void = () => {};
  /** Resolves once the first thread has loaded the engine and can take a chunk (rejects when a thread fails first). */
  readonly ready = new Promise<void>((resolve, reject) => { this.markReady = resolve; this.failReady = reject; });

  constructor(readonly threads: number, private readonly dln: string) {
    this.ready.catch(() => undefined);
    for (let i = 0; i < threads; i++) {
      const w = new Worker(new URL('./chunkWorker.mjs', import.meta.url));
      w.on('message', (m: { ready?: true; id: number; records?: CellRecord[]; error?: string }) => {
        if (m.ready === true) { this.markReady(); this.release(w); return; }
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        this.release(w);
        if (m.error !== undefined) p?.reject(new Error(m.error)); else p?.resolve(m.records as CellRecord[]);
      });
      w.on('error', (e) => this.failAll(e));
      w.on('exit', (code) => { if (!this.dead) this.failAll(new Error(`sweep worker thread exited with code ${code}`)); });
      this.all.push(w);
    }
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    this.idle.push(w);
    next?.();
  }

  private failAll(e: Error): void {
    this.failReady(e);
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Evaluates the cells of one chunk on the next free thread. */
  async run(spec: SweepSpec, indices: readonly number[]): Promise<CellRecord[]> {
    while (this.idle.length === 0) await new Promise<void>((r) => this.waiting.push(r));
    const w = this.idle.pop() as Worker;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, spec, indices, dln: this.dln });
    });
  }

  /** Stops every thread (a chunk still running is lost, never half-stored). */
  async close(): Promise<void> {
    this.dead = true;
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
