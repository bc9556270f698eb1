import { z } from 'zod';

/**
 * The configuration schema: one section per part of the tool. Keys of the Python reference
 * tool keep their names (`api.*`, `pipeline.*`, `cognition.*`, `database.*`); new keys follow
 * the same snake_case style. Every object is strict, so a misspelt key is an error.
 * Defaults live here, so a parsed config has every value filled in.
 */

const seconds = z.number().positive();

const apiSchema = z
  .strictObject({
    /** `builtin` = the no-model operator; `auto` = openai-compatible when a model is named. */
    provider: z.enum(['auto', 'builtin', 'openai-compatible']).default('auto'),
    base_url: z.string().default('https://api.openai.com/v1'),
    /** Literal key; prefer `api_key_env` or `${VAR}` so that no secret sits in a file. */
    api_key: z.string().optional(),
    api_key_env: z.string().default('OPENAI_API_KEY'),
    model: z.string().optional(),
    temperature: z.number().min(0).max(2).default(0.7),
    max_tokens: z.number().int().positive().default(8192),
    /** Seconds allowed for one LLM call, after which it is abandoned and retried. */
    timeout: seconds.default(300),
    retry_times: z.number().int().min(0).default(3),
    /** Base delay in seconds for exponential backoff between retries. */
    retry_delay: z.number().min(0).default(5),
    /** Context window in tokens of the model (used to warn about oversized prompts). */
    context_window: z.number().int().positive().default(128_000),
  })
  .prefault({});

const wandbSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    offline: z.boolean().default(false),
    project: z.string().default('evolve'),
    entity: z.string().default(''),
  })
  .prefault({});

/** Accepted for compatibility with reference experiment folders. */
const loggingSchema = z
  .strictObject({
    level: z.enum(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'debug', 'info', 'warning', 'error']).default('INFO'),
    console: z.boolean().default(true),
    wandb: wandbSchema,
  })
  .prefault({});

const embeddingSchema = z
  .strictObject({
    /** `builtin-lexical` needs no model and no network. Reference model names are accepted and fall back to it. */
    model: z.string().default('builtin-lexical'),
    dimension: z.number().int().positive().default(384),
  })
  .prefault({});

const faissSchema = z.strictObject({ index_type: z.string().default('IP') }).prefault({});

const pipelineSchema = z
  .strictObject({
    agents: z
      .strictObject({
        manager: z.boolean().default(false),
        researcher: z.boolean().default(true),
        engineer: z.boolean().default(true),
        analyzer: z.boolean().default(true),
      })
      .prefault({}),
    researcher: z
      .strictObject({
        diff_based_evolution: z.boolean().default(true),
        /** Accepted for compatibility; SEARCH/REPLACE blocks are parsed by a fixed grammar. */
        diff_pattern: z.string().optional(),
        max_code_length: z.number().int().positive().default(100_000),
        /** Attempts to repair a diff that does not apply before falling back to a full rewrite. */
        diff_retries: z.number().int().min(0).default(1),
      })
      .prefault({}),
    max_retries: z
      .strictObject({
        researcher: z.number().int().min(0).default(3),
        engineer: z.number().int().min(0).default(2),
        analyzer: z.number().int().min(0).default(2),
      })
      .prefault({}),
    /** Seconds one evaluation may run before its whole process group is killed. */
    engineer_timeout: seconds.default(1800),
    parallel: z.strictObject({ num_workers: z.number().int().positive().default(1) }).prefault({}),
    sample_n: z.number().int().positive().default(3),
    judge: z
      .strictObject({
        enabled: z.boolean().default(false),
        ratio: z.number().min(0).max(1).default(0.2),
      })
      .prefault({}),
  })
  .prefault({});

const cognitionSchema = z
  .strictObject({
    storage_dir: z.string().default('cognition_data'),
    /** Seed files (YAML/JSON/JSONL/Markdown) imported at the start of a run, relative to the experiment. */
    seed_files: z.array(z.string()).optional(),
    embedding: embeddingSchema,
    faiss: faissSchema,
    retrieval: z
      .strictObject({
        top_k: z.number().int().min(0).default(3),
        score_threshold: z.number().min(-1).max(1).default(0.3),
      })
      .prefault({}),
    web_search: z.strictObject({ enabled: z.boolean().default(false) }).prefault({}),
  })
  .prefault({});

const islandSchema = z
  .strictObject({
    num_islands: z.number().int().positive().default(5),
    migration_interval: z.number().int().positive().default(10),
    migration_rate: z.number().min(0).max(1).default(0.1),
    exploration_ratio: z.number().min(0).max(1).default(0.2),
    exploitation_ratio: z.number().min(0).max(1).default(0.3),
    feature_dimensions: z.array(z.string()).default(['complexity', 'diversity']),
    feature_bins: z.number().int().positive().default(10),
  })
  .prefault({});

/** The paper's candidate pool: the top `size` nodes, refreshed every `refresh_interval` new nodes. */
const poolSchema = z
  .strictObject({
    size: z.number().int().positive().default(50),
    refresh_interval: z.number().int().positive().default(10),
    /** The parent is drawn from the pool's best `parent_top_k`; references from the whole pool. */
    parent_top_k: z.number().int().positive().default(10),
  })
  .prefault({});

const databaseSchema = z
  .strictObject({
    storage_dir: z.string().default('database_data'),
    /** Keep at most this many nodes; the worst are evicted (never the best). null = unbounded. */
    max_size: z.number().int().positive().nullable().default(null),
    embedding: embeddingSchema,
    faiss: faissSchema,
    sampling: z
      .strictObject({
        /** `pool` = the paper's candidate pool (see `pool`). */
        algorithm: z.enum(['ucb1', 'greedy', 'random', 'island', 'pool']).default('ucb1'),
        ucb1_c: z.number().min(0).default(1.414),
        /** Let failed nodes be sampled as parents (off by default). */
        allow_failed_parents: z.boolean().default(false),
        island: islandSchema,
        pool: poolSchema,
      })
      .prefault({}),
  })
  .prefault({});

const evaluatorSchema = z
  .strictObject({
    /**
     * Shell command run with the step folder as working directory. Default: `bash <experiment>/eval.sh`.
     * It receives the candidate path and the step folder as $1 and $2, and as
     * ASI_PROGRAM_PATH / ASI_STEP_DIR / ASI_EXPERIMENT_DIR in its environment.
     */
    command: z.string().optional(),
    /** File name the candidate is also written under, for evaluators that need an extension. */
    program_file: z.string().default('program'),
    /** Seconds; defaults to `pipeline.engineer_timeout`. */
    timeout: seconds.optional(),
    /** Seconds between SIGTERM and SIGKILL of the evaluation's process group. */
    kill_grace: seconds.default(2),
    /** Names of environment variables passed through to the evaluator (beyond a minimal base set). */
    env_allow: z.array(z.string()).default([]),
    /** Bytes of stdout and of stderr kept (the tail). */
    max_output_bytes: z.number().int().positive().default(1_000_000),
  })
  .prefault({});

const runSchema = z
  .strictObject({
    /** Rounds to run (each round creates one node). */
    steps: z.number().int().min(0).default(10),
    seed: z.number().int().default(0),
  })
  .prefault({});

export const configSchema = z.strictObject({
  experiment_name: z.string().optional(),
  api: apiSchema,
  logging: loggingSchema,
  pipeline: pipelineSchema,
  cognition: cognitionSchema,
  database: databaseSchema,
  evaluator: evaluatorSchema,
  run: runSchema,
});

/** A fully validated configuration with every default filled in. */
export type Config = z.infer<typeof configSchema>;
/** What a user may write: every key optional. */
export type ConfigInput = z.input<typeof configSchema>;
