import { cpSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isRunOutput, writeConfigSchema } from '../../config/index.js';
import { AsiEvolveError } from '../../errors.js';
import { checkNewFolder } from '../../importers/index.js';
import { examplesRoot, listTemplates } from '../templates.js';

// Run outputs, installed packages and the examples' tests are never copied into a new experiment.
const notCopied = (source: string): boolean =>
  isRunOutput(basename(source)) || basename(source) === 'node_modules' || source.endsWith('.test.ts');

/** `init DIR [--template NAME]`: scaffold an experiment folder from one of the examples. */
export function initCommand(
  dir: string,
  options: { template: string; force: boolean },
  write: (text: string) => void,
): void {
  const templates = listTemplates();
  if (!templates.includes(options.template)) {
    throw new AsiEvolveError('USAGE', `unknown template '${options.template}'; available: ${templates.join(', ')}`);
  }
  const target = checkNewFolder(dir, options.force);
  try {
    cpSync(join(examplesRoot(), options.template), target, {
      recursive: true,
      filter: (source) => !notCopied(source),
    });
  } catch (error) {
    throw new AsiEvolveError(
      'USAGE',
      `cannot create ${target}: ${error instanceof Error ? error.message : String(error)}`,
      {
        file: target,
        cause: error,
        hint: 'choose a path in a folder you can write',
      },
    );
  }
  writeConfigSchema(target);
  write(`Created ${target} from the '${options.template}' template.\n`);
  write(`Edit input.md (the task), the evaluator and config.yaml, then run:\n  asi-evolve run ${dir}\n`);
}
