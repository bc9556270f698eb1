import { defineCommand } from '../command.js';

export const command = defineCommand<
  [source: string, dir: string],
  { format?: string; config?: string; force?: boolean }
>({
  name: 'import',
  description:
    "turn another tool's folder (reference ASI-Evolve, OpenEvolve, ShinkaEvolve) into an experiment folder; lists what cannot be translated",
  arguments: [
    { name: '<src>', description: 'a reference ASI-Evolve experiment, an OpenEvolve example or a ShinkaEvolve task' },
    { name: '<dir>', description: 'the experiment folder to create' },
  ],
  options: [
    {
      flags: '--format <format>',
      description: 'the source layout: asi-evolve, openevolve or shinkaevolve (default: detected)',
    },
    {
      flags: '--config <file>',
      description: "the source's config file to translate when it has several (relative to SRC)",
    },
    { flags: '--force', description: 'write into a non-empty folder' },
  ],
  helpAfter:
    '\nWhat cannot be translated is printed and written to DIR/IMPORT.md. `init DIR --from SRC` does the same.\n',
  load: async () => {
    const { importCommand } = await import('../actions/import.js');
    return ([source, dir], options, io) => importCommand(source, dir, options, io.write);
  },
});
