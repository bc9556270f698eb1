import { defineCommand } from '../command.js';
import { experimentArgument, experimentDirFrom, experimentOption, jsonOption } from '../options.js';

export const command = defineCommand<[dir: string | undefined], { experiment?: string; json?: boolean }>({
  name: 'best',
  description: "the best node's score and program path",
  arguments: [experimentArgument],
  options: [experimentOption, jsonOption],
  load: async () => {
    const { bestCommand } = await import('../actions/inspect.js');
    return ([dir], options, io) =>
      bestCommand(experimentDirFrom(dir, options.experiment), io.write, { json: options.json === true });
  },
});
