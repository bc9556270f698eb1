import { defineCommand } from '../command.js';
import { integerOption } from '../options.js';
import type { WorkerCommandOptions } from '../actions/worker.js';

export const command = defineCommand<[], WorkerCommandOptions>({
  name: 'worker',
  description: 'serve evaluations from a job queue (cluster.executor: queue) until Ctrl-C',
  options: [
    {
      flags: '--queue <name>',
      description: 'the queue to serve (cluster.queue.name; default asi-evolve-<experiment folder name>)',
      required: true,
    },
    // The default is cluster/queue's defaultRedisUrl, spelled out so the help loads no queue code.
    { flags: '--redis <url>', description: 'Redis URL (default: $REDIS_URL, else redis://127.0.0.1:6379)' },
    {
      flags: '--concurrency <n>',
      description: 'evaluations run at once',
      parse: integerOption('--concurrency', 1),
      default: 1,
    },
  ],
  load: async () => {
    const { workerCommand } = await import('../actions/worker.js');
    return (_args, options, io) => workerCommand(options, io.write);
  },
});
