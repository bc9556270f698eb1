import {
  defaultRedisUrl,
  queueNameProblem,
  redactRedisUrl,
  redisUrlProblem,
  startQueueWorker,
  type QueueWorkerEvent,
} from '../../cluster/index.js';
import { AsiEvolveError } from '../../errors.js';
import { formatScore } from '../format.js';
import { listenForInterrupt } from '../interrupt.js';

export interface WorkerCommandOptions {
  queue: string;
  redis?: string;
  concurrency?: number;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One line per job: where, how it ended, how long it ran. */
export function formatWorkerEvent(event: QueueWorkerEvent): string {
  switch (event.type) {
    case 'finished': {
      const { outcome } = event;
      return outcome.status === 'ok'
        ? `${event.label}: ok, score ${formatScore(outcome.evalScore)}, ${seconds(outcome.durationMs)}\n`
        : `${event.label}: failed (${outcome.reason}: ${outcome.shortMessage}), ${seconds(outcome.durationMs)}\n`;
    }
    case 'handed-back':
      return `${event.label}: stopped and handed back to the queue\n`;
    case 'refused':
      return `${event.label}: not run here: ${event.message}\n`;
    case 'lock-lost':
      return `${event.label}: stopped: this worker was silent too long, another worker redoes it\n`;
    case 'error':
      return `worker: ${event.message}\n`;
  }
}

/**
 * `worker --queue NAME [--redis URL] [--concurrency N]`: serves evaluations from the queue until
 * Ctrl-C, which ends the running ones and hands their jobs back (a second Ctrl-C exits at once).
 */
export async function workerCommand(options: WorkerCommandOptions, write: (text: string) => void): Promise<void> {
  const redisUrl = options.redis ?? process.env.REDIS_URL ?? defaultRedisUrl;
  const urlProblem = redisUrlProblem(redisUrl);
  if (urlProblem !== null) throw new AsiEvolveError('USAGE', `--redis (or REDIS_URL) must be ${urlProblem}`);
  const nameProblem = queueNameProblem(options.queue);
  if (nameProblem !== null)
    throw new AsiEvolveError('USAGE', `--queue must be ${nameProblem}, got ${JSON.stringify(options.queue)}`);
  const concurrency = options.concurrency ?? 1;

  const interrupt = listenForInterrupt({
    write,
    stopping:
      '\nStopping: ending the running evaluations and handing their jobs back to the queue (Ctrl-C again to exit at once)…\n',
    forced: '\nStopped at once: the running jobs go to another worker once their stall timeout passes.\n',
  });
  try {
    const worker = await startQueueWorker({
      redisUrl,
      queueName: options.queue,
      concurrency,
      onEvent: (event) => write(formatWorkerEvent(event)),
    });
    write(
      `Worker ${worker.name} serving queue ${options.queue} on ${redactRedisUrl(redisUrl)}, ${concurrency} evaluation(s) at a time. Ctrl-C stops.\n`,
    );
    if (!interrupt.signal.aborted)
      await new Promise((resolve) => interrupt.signal.addEventListener('abort', resolve, { once: true }));
    await worker.close();
    write('Worker stopped.\n');
  } finally {
    interrupt.dispose();
  }
}
