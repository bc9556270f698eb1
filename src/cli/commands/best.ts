import { defineCommand } from '../command.js';
import { experimentArgument, experimentDirFrom, experimentOption, jsonOption } from '../options.js';

export const command = defineCommand<
  [dir: string | undefined],
  { experiment?: string; json?: boolean; patch?: string | boolean; out?: string; force?: boolean; project?: string }
>({
  name: 'best',
  description: "the best node's score and program path; its changes as a patch or a project folder",
  arguments: [experimentArgument],
  options: [
    experimentOption,
    jsonOption,
    {
      flags: '--patch [file]',
      description: 'write the best candidate as a git-style patch against the seed (to stdout without FILE)',
    },
    { flags: '--out <dir>', description: 'write the seed project with the best candidate applied to DIR' },
    { flags: '--force', description: 'let --out write into a folder that is not empty' },
    { flags: '--project <dir>', description: "the seed project folder (default: the config's project.dir)" },
  ],
  load: async () => {
    const { bestCommand } = await import('../actions/inspect.js');
    return ([dir], options, io) =>
      bestCommand(experimentDirFrom(dir, options.experiment), io.write, {
        json: options.json === true,
        ...(options.patch === undefined ? {} : { patch: options.patch }),
        ...(options.out === undefined ? {} : { out: options.out }),
        force: options.force === true,
        ...(options.project === undefined ? {} : { project: options.project }),
      });
  },
});
