import { z } from 'zod';

/**
 * Keys accepted only so that a reference experiment's config.yaml loads unchanged: they have no
 * effect here. The schema takes their definitions from this module, and a run names each one a
 * config sets, with the reason, so that nothing is ignored in silence.
 */
export interface CompatibilityKey {
  /** Dotted path; a section stands for every key under it. */
  path: string;
  /** Why it has no effect, and what does the job here when something does. */
  why: string;
}

const oneDatabase = 'everything is stored in asi-evolve.db';
const builtInSearch = 'vector search is built in (cognition.index)';

/** Every compatibility-only key, in the order the notice lists them. */
export const compatibilityKeys: readonly CompatibilityKey[] = [
  { path: 'experiment_name', why: 'the experiment is named by its folder' },
  { path: 'logging.level', why: 'the run prints its progress and stores every event in asi-evolve.db' },
  { path: 'logging.console', why: 'the run always prints its progress' },
  {
    path: 'logging.wandb',
    why: 'runs are not logged to Weights & Biases: use `asi-evolve dashboard` or `asi-evolve report`',
  },
  {
    path: 'pipeline.agents.researcher',
    why: 'the Researcher always designs (the built-in operator when no model is set)',
  },
  { path: 'pipeline.agents.engineer', why: 'every candidate is evaluated' },
  { path: 'pipeline.researcher.diff_pattern', why: 'SEARCH/REPLACE blocks are read by a fixed grammar' },
  { path: 'cognition.storage_dir', why: oneDatabase },
  { path: 'cognition.faiss', why: builtInSearch },
  {
    path: 'cognition.web_search',
    why: 'there is no web search; add knowledge with `asi-evolve cognition ingest` or a cognition file',
  },
  { path: 'database.storage_dir', why: oneDatabase },
  {
    path: 'database.embedding',
    why: 'nodes are not searched by embedding; cognition.embedding sets the cognition embedder',
  },
  { path: 'database.faiss', why: builtInSearch },
];

const faiss = z.strictObject({ index_type: z.string().default('IP') }).prefault({});

/** The schema of each compatibility-only key, for `schema.ts`; their values are never read. */
export const compatibilitySchemas = {
  experimentName: z.string().optional(),
  logging: z
    .strictObject({
      level: z.enum(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'debug', 'info', 'warning', 'error']).default('INFO'),
      console: z.boolean().default(true),
      wandb: z
        .strictObject({
          enabled: z.boolean().default(false),
          offline: z.boolean().default(false),
          project: z.string().default('evolve'),
          entity: z.string().default(''),
        })
        .prefault({}),
    })
    .prefault({}),
  /** `pipeline.agents.researcher` and `.engineer`: both always run. */
  alwaysOn: z.boolean().default(true),
  diffPattern: z.string().optional(),
  storageDir: (folder: string) => z.string().default(folder),
  faiss,
  webSearch: z.strictObject({ enabled: z.boolean().default(false) }).prefault({}),
  nodeEmbedding: z
    .strictObject({
      model: z.string().default('builtin-lexical'),
      dimension: z.number().int().positive().default(384),
    })
    .prefault({}),
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSet(values: unknown, path: string): boolean {
  let current = values;
  for (const segment of path.split('.')) {
    if (!isObject(current) || !(segment in current)) return false;
    current = current[segment];
  }
  return true;
}

/**
 * The compatibility-only keys that any of the given config values (one per layer) sets, in
 * table order, each once.
 *
 * @example compatibilityKeysSet([{ logging: { wandb: { enabled: true } } }]) // [{ path: 'logging.wandb', … }]
 */
export function compatibilityKeysSet(layers: readonly unknown[]): CompatibilityKey[] {
  return compatibilityKeys.filter((key) => layers.some((values) => isSet(values, key.path)));
}

/**
 * One line for the start of a run naming each key set that has no effect, or null when none is.
 *
 * @example describeCompatibilityKeys(compatibilityKeysSet(layers))
 * // 'Accepted for compatibility, with no effect here: logging.wandb (runs are not logged to …).'
 */
export function describeCompatibilityKeys(keys: readonly CompatibilityKey[]): string | null {
  if (keys.length === 0) return null;
  return `Accepted for compatibility, with no effect here: ${keys.map((key) => `${key.path} (${key.why})`).join('; ')}.`;
}
