import { defineCommand } from '../command.js';
import { experimentDirArgument, nodeIdArgument } from '../options.js';

export const command = defineCommand<[dir: string, first: number, second: number]>({
  name: 'diff',
  description: "unified diff of two nodes' programs",
  arguments: [
    experimentDirArgument,
    { name: '<a>', description: 'node id', parse: nodeIdArgument },
    { name: '<b>', description: 'node id', parse: nodeIdArgument },
  ],
  load: async () => {
    const { diffCommand } = await import('../actions/inspect.js');
    return ([dir, first, second], _options, io) => diffCommand(dir, first, second, io.write);
  },
});
