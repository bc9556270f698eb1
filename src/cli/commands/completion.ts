import { AsiEvolveError } from '../../errors.js';
import { defineCommand } from '../command.js';
import { completionScript, completionShells, type CompletionShell } from '../completion.js';

function shellArgument(value: string): CompletionShell {
  const shell = completionShells.find((name) => name === value);
  if (shell === undefined)
    throw new AsiEvolveError('USAGE', `completion expects a shell (${completionShells.join(' or ')}), got '${value}'`);
  return shell;
}

export const command = defineCommand<[shell: CompletionShell]>({
  name: 'completion',
  description: 'print a shell completion script: source <(asi-evolve completion bash)',
  arguments: [
    {
      name: '<shell>',
      description: completionShells.join(' or '),
      parse: shellArgument,
      completions: () => completionShells,
    },
  ],
  // The script is generated from the descriptors, so it needs nothing loaded.
  load:
    async () =>
    ([shell], _options, io) =>
      io.write(completionScript(shell, io.commands)),
});
