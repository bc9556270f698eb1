import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { AsiEvolveError } from '../../errors.js';

/** The four bytes every GGUF file starts with. */
export const GGUF_MAGIC = 'GGUF';

/**
 * Checks that `path` is a readable GGUF model file (it exists, is a file and starts with the
 * GGUF magic), so that a wrong path stops the run before round 1 with the key to fix.
 * Throws CONFIG_INVALID naming the file and `key`.
 */
export function checkGgufFile(path: string, key: string): void {
  if (!existsSync(path)) {
    throw new AsiEvolveError('CONFIG_INVALID', `the GGUF model file ${path} does not exist (${key})`, {
      file: path,
      key,
      hint: 'Point model_path at a downloaded .gguf file (relative paths are read from the experiment folder).',
    });
  }
  if (!statSync(path).isFile()) {
    throw new AsiEvolveError('CONFIG_INVALID', `${path} is not a file (${key} must name a .gguf model file)`, {
      file: path,
      key,
    });
  }
  const header = Buffer.alloc(4);
  const descriptor = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(descriptor, header, 0, 4, 0);
  } finally {
    closeSync(descriptor);
  }
  if (read < 4 || header.toString('latin1') !== GGUF_MAGIC) {
    throw new AsiEvolveError(
      'CONFIG_INVALID',
      `${path} is not a GGUF model file (it does not start with "GGUF") (${key})`,
      {
        file: path,
        key,
        hint: 'node-llama-cpp loads GGUF files only; convert the model or download its .gguf release.',
      },
    );
  }
}
