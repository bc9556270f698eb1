import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AsiEvolveError } from '../../errors.js';
import { openStore, type Store } from '../../store/index.js';

/** Opens an experiment's database for reading; a folder that never ran gets a clear message. */
export function openExperimentStore(dir: string, options: { readonly: boolean } = { readonly: true }): Store {
  const path = join(dir, 'asi-evolve.db');
  if (!existsSync(dir)) {
    throw new AsiEvolveError('EXPERIMENT_MISSING_FILE', `experiment folder not found: ${dir}`, {
      file: dir,
      hint: 'Check the path; `asi-evolve init DIR` creates an experiment.',
    });
  }
  if (!existsSync(path)) {
    throw new AsiEvolveError('EXPERIMENT_MISSING_FILE', `no run has been stored in ${dir} yet (no asi-evolve.db)`, {
      file: path,
      hint: `Start one with \`asi-evolve run ${dir}\`.`,
    });
  }
  return openStore(path, { readonly: options.readonly });
}
