import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, objectiveSettings } from '../config/index.js';
import { buildFrontView, type FrontView, type ObjectiveSettings } from '../domain/index.js';
import type { Store } from '../store/index.js';

/** What `/api/experiments/:x/front` answers: the front view, or null when no objectives are configured. */
export interface FrontAnswer {
  front: FrontView | null;
}

/**
 * The experiment's objectives from its config.yaml; null when it configures none. A config.yaml
 * that never mentions `objectives` is not parsed, so a damaged one leaves the views as they were
 * without objectives; one that does is checked whole (ConfigError names the key).
 */
export function readObjectiveSettings(dir: string): ObjectiveSettings | null {
  let text: string;
  try {
    text = readFileSync(join(dir, 'config.yaml'), 'utf8');
  } catch {
    return null;
  }
  if (!text.includes('objectives')) return null;
  const { config } = loadConfig({ experimentDir: dir, callsNoModel: true });
  return objectiveSettings(config.objectives);
}

/**
 * Reads an experiment's objectives again only when its config.yaml changed, so that polling the
 * front does not parse the config every time.
 */
export function createObjectiveSettingsCache(dir: string): () => ObjectiveSettings | null {
  let seen: { stamp: string; settings: ObjectiveSettings | null } | undefined;
  return () => {
    let stamp = 'none';
    try {
      const stats = statSync(join(dir, 'config.yaml'));
      stamp = `${stats.mtimeMs}:${stats.size}`;
    } catch {
      // No config.yaml: the defaults, which configure no objectives.
    }
    if (seen?.stamp !== stamp) seen = { stamp, settings: readObjectiveSettings(dir) };
    return seen.settings;
  };
}

/** The front of the stored node summaries (never programs) under the experiment's objectives. */
export function frontAnswer(store: Store, settings: ObjectiveSettings | null): FrontAnswer {
  return { front: settings === null ? null : buildFrontView(store.nodeSummaries(), settings) };
}
