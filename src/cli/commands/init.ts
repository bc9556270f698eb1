import { defineCommand } from '../command.js';
import { listTemplates } from '../templates.js';

export const command = defineCommand<[dir: string], { template: string; from?: string; force?: boolean }>({
  name: 'init',
  description: 'scaffold an experiment folder: input.md, initial program, evaluator, config.yaml, cognition seed',
  arguments: [{ name: '<dir>', description: 'folder to create' }],
  options: [
    {
      flags: '--template <name>',
      description: `example to copy (${listTemplates().join(', ') || 'none found'})`,
      default: 'circle-packing',
      completions: listTemplates,
    },
    {
      flags: '--from <src>',
      description:
        "import another tool's folder instead (reference ASI-Evolve, OpenEvolve, ShinkaEvolve), as `import SRC DIR`",
    },
    { flags: '--force', description: 'write into a non-empty folder' },
  ],
  load: async () => {
    const { initCommand } = await import('../actions/init.js');
    const { importCommand } = await import('../actions/import.js');
    return ([dir], options, io) =>
      options.from === undefined
        ? initCommand(dir, { template: options.template, force: options.force === true }, io.write)
        : importCommand(options.from, dir, { force: options.force === true }, io.write);
  },
});
