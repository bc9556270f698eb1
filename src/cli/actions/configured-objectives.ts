import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ObjectiveSettings } from '../../domain/index.js';

/** The most of config.yaml read to look for the key; loadConfig refuses a larger file anyway. */
const maxConfigBytes = 1024 * 1024;

/**
 * The objectives of the experiment's config.yaml, or null when it configures none. Only the
 * experiment's config.yaml can set them (these commands take no --config), so a file that never
 * mentions `objectives` is answered without loading the config: `status` and `best` keep their
 * start-up cost when there is one score. A config that does mention it is loaded and checked whole
 * (ConfigError names the key).
 */
export async function configuredObjectives(dir: string): Promise<ObjectiveSettings | null> {
  const file = join(dir, 'config.yaml');
  let text: string;
  try {
    if (statSync(file).size > maxConfigBytes) text = 'objectives';
    else text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  if (!text.includes('objectives')) return null;
  const { loadConfig, objectiveSettings } = await import('../../config/index.js');
  const { config } = loadConfig({ experimentDir: dir, callsNoModel: true });
  return objectiveSettings(config.objectives);
}
