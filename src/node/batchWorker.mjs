// Worker entry for trainBatchedParallel: registers tsx, then trains its lane range of a shared batch.
import { register } from 'tsx/esm/api';
import { parentPort, workerData } from 'node:worker_threads';

register();
const { runBatchWorker } = await import('./batchWorkerTask.ts');
runBatchWorker(workerData);
parentPort?.postMessage('done');
