import { defineCommand } from '../command.js';
import { experimentDirArgument, nodeIdArgument } from '../options.js';

export const command = defineCommand<[dir: string, node: number]>({
  name: 'lineage',
  description: 'the node and its ancestors with scores and motivations',
  arguments: [experimentDirArgument, { name: '<node>', description: 'node id', parse: nodeIdArgument }],
  load: async () => {
    const { lineageCommand } = await import('../actions/inspect.js');
    return ([dir, node], _options, io) => lineageCommand(dir, node, io.write);
  },
});
