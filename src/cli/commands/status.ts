import { defineCommand } from '../command.js';
import { experimentArgument, experimentDirFrom, experimentOption, jsonOption } from '../options.js';

export const command = defineCommand<
  [dir: string | undefined],
  { experiment?: string; provenance?: boolean; json?: boolean }
>({
  name: 'status',
  description: 'rounds, scores, failures and spend so far',
  arguments: [experimentArgument],
  options: [
    experimentOption,
    {
      flags: '--provenance',
      description: 'where the designs came from: cognition, experience or novel, overall and over the best 10 %',
    },
    jsonOption,
  ],
  load: async () => {
    const { statusCommand } = await import('../actions/inspect.js');
    return ([dir], options, io) =>
      statusCommand(experimentDirFrom(dir, options.experiment), io.write, {
        provenance: options.provenance === true,
        json: options.json === true,
      });
  },
});
