import { defineCommand } from '../command.js';
import { experimentDirArgument, jsonOption, nodeIdArgument } from '../options.js';

export const command = defineCommand<[dir: string, node: number], { program: boolean; json?: boolean }>({
  name: 'show',
  description: 'everything stored about one node',
  arguments: [experimentDirArgument, { name: '<node>', description: 'node id', parse: nodeIdArgument }],
  options: [{ flags: '--no-program', description: 'leave the program out' }, jsonOption],
  load: async () => {
    const { showCommand } = await import('../actions/inspect.js');
    return ([dir, node], options, io) => showCommand(dir, node, io.write, options);
  },
});
