import { defineCommand } from '../command.js';
import { experimentDirArgument } from '../options.js';

export const command = defineCommand<[dir: string], { format: string; json?: boolean; output?: string }>({
  name: 'export',
  description: 'all nodes as JSON lines, a JSON array or CSV',
  arguments: [experimentDirArgument],
  options: [
    {
      flags: '--format <format>',
      description: 'jsonl, json or csv',
      default: 'jsonl',
      completions: () => ['jsonl', 'json', 'csv'],
    },
    { flags: '--json', description: 'one JSON array (the same as --format json)' },
    { flags: '--output <file>', description: 'write to a file instead of stdout' },
  ],
  load: async () => {
    const { exportCommand } = await import('../actions/export.js');
    return ([dir], options, io) => exportCommand(dir, options, io.write);
  },
});
