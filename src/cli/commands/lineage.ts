import { defineCommand } from '../command.js';
import { experimentDirArgument, jsonOption, nodeIdArgument } from '../options.js';

export const command = defineCommand<[dir: string, node: number], { json?: boolean }>({
  name: 'lineage',
  description: 'the node and its ancestors with scores and motivations',
  arguments: [experimentDirArgument, { name: '<node>', description: 'node id', parse: nodeIdArgument }],
  options: [jsonOption],
  load: async () => {
    const { lineageCommand } = await import('../actions/inspect.js');
    return ([dir, node], options, io) => lineageCommand(dir, node, io.write, { json: options.json === true });
  },
});
