import { defineCommand } from '../command.js';
import { experimentArgument, experimentDirFrom, experimentOption } from '../options.js';

export const command = defineCommand<[dir: string | undefined], { experiment?: string }>({
  name: 'best',
  description: "the best node's score and program path",
  arguments: [experimentArgument],
  options: [experimentOption],
  load: async () => {
    const { bestCommand } = await import('../actions/inspect.js');
    return ([dir], options, io) => bestCommand(experimentDirFrom(dir, options.experiment), io.write);
  },
});
