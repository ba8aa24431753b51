// Sweeps on Node: the SQLite store, the local runner on threads, the BullMQ coordinator and worker, figures.
export { type SweepMeta, STORE_FILE, SweepStore } from './sweepStore.ts';
export { readSpecFile, createSweep, pendingChunks } from './sweepDir.ts';
export { ChunkPool } from './chunkPool.ts';
export { type RunLocalOptions, type RunOutcome, runLocal } from './runLocal.ts';
export { SweepProgress, formatSeconds, progressLine } from './sweepProgress.ts';
export { cellsToCsv, cellsToJson } from './exportCells.ts';
export { type ChunkJob, QUEUE_NAME, REDIS_GRACE_SECONDS, RedisLostError, chunkJobId, checkQueueUrl, connectRedis, watchRedis } from './redisQueue.ts';
export { runQueued } from './runQueued.ts';
export { type QueueWorkerOptions, refusal, runQueueWorker } from './queueWorker.ts';
export { plotSweep } from './plotSweep.ts';
