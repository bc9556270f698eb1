import { defineCommand } from '../command.js';
import { experimentDirArgument } from '../options.js';

export const command = defineCommand<[dir: string], { format: string; output?: string }>({
  name: 'export',
  description: 'all nodes as JSON lines or CSV',
  arguments: [experimentDirArgument],
  options: [
    { flags: '--format <format>', description: 'jsonl or csv', default: 'jsonl' },
    { flags: '--output <file>', description: 'write to a file instead of stdout' },
  ],
  load: async () => {
    const { exportCommand } = await import('../actions/export.js');
    return ([dir], options, io) => exportCommand(dir, options, io.write);
  },
});
