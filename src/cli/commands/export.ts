import { defineCommand } from '../command.js';
import { experimentDirArgument } from '../options.js';

export const command = defineCommand<
  [dir: string],
  { format: string; json?: boolean; output?: string; git?: string; project?: string }
>({
  name: 'export',
  description: "all nodes as JSON lines, a JSON array or CSV; or the best's lineage as git commits",
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
    {
      flags: '--git <dir>',
      description: "make DIR a git repository: the seed project, then one commit per node of the best's lineage",
    },
    { flags: '--project <dir>', description: "the seed project folder (default: the config's project.dir)" },
  ],
  load: async () => {
    const { exportCommand } = await import('../actions/export.js');
    return ([dir], options, io) => exportCommand(dir, options, io.write);
  },
});
