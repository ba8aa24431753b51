import { type CellRecord, type SweepSpec, SweepData, evaluateCells } from '../experiments/sweep/index.ts';
import { useBackend } from '../linalg/backends/index.ts';
import type { JobContext } from '../node/jobRunner.ts';
import { packageRealData } from '../node/realDataFiles.ts';

/** A chunk to evaluate (ChunkPool → thread), or null: no more chunks, return. */
export interface ChunkRequest { id: number; spec: SweepSpec; indices: number[] }

/** What a chunk thread posts: that it has loaded dln, or a chunk's records, or why the chunk failed. */
export type ChunkReply = { ready: true } | { id: number; records: CellRecord[] } | { id: number; error: string };

/**
 * The job of each ChunkPool thread (run by node/jobRunner.ts): evaluates the chunks it receives, one at
 * a time, until it receives null. The TypeScript kernels, whatever this machine's BLAS: the batched
 * engine's lanes do the TypeScript gemm's operations, and a cell's set-up (statistics, bound, critical
 * values) must round as they do, so that `dln train --backend ts` reruns a cell to the bit and workers
 * on different machines agree. Real data sets are read from this machine's packages once per thread,
 * and each prepared data set is kept for the next chunks. Once stop() is called (a second Ctrl-C), the
 * running chunk ends at its next segment with an error and is not stored.
 */
export async function serveChunks(input: { dln: string }, job: JobContext): Promise<'closed'> {
  useBackend('ts');
  const data = new SweepData(packageRealData);
  job.post({ ready: true } satisfies ChunkReply);
  for (;;) {
    const m = await job.receive() as ChunkRequest | null;
    if (m === null) return 'closed';
    try {
      job.post({ id: m.id, records: evaluateCells(m.spec, m.indices, { dln: input.dln, data, shouldStop: () => job.shouldStop() }) } satisfies ChunkReply);
    } catch (e) {
      job.post({ id: m.id, error: String((e as Error)?.message ?? e) } satisfies ChunkReply);
    }
  }
}
