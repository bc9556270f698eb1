import { z } from 'zod';
import {
  OPENAI_DEFAULT_KEY_ENV,
  OPENAI_DEFAULT_URL,
  PROVIDER_NAMES,
  llmProviderSpec,
  type ProviderName,
} from './llm-providers.js';
import { compatibilitySchemas } from './compat-keys.js';
import { objectivesSchema } from './objectives.js';

/**
 * The configuration schema: one section per part of the tool. Keys of the Python reference
 * tool keep their names (`api.*`, `pipeline.*`, `cognition.*`, `database.*`); new keys follow
 * the same snake_case style. Every object is strict, so a misspelt key is an error.
 * Defaults live here, so a parsed config has every value filled in.
 */

const seconds = z.number().positive();

/** An endpoint: an http(s) URL, checked here so that a typo is a config error, not a failed call mid-run. */
const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'expected an http:// or https:// URL');

/** Workers beyond this are a typo (each holds a round in memory), not a cluster. */
export const MAX_WORKERS = 256;

/** A file name relative to the step folder that stays inside it. */
const programFileName = z
  .string()
  .min(1)
  .refine(
    (value) => !value.startsWith('/') && !value.split(/[\\/]/).includes('..'),
    'expected a file name inside the step folder (no leading / and no ..)',
  );

/** A model's price in USD per million tokens; `cached_input` defaults to `input`. */
const priceSchema = z.strictObject({
  input: z.number().min(0),
  cached_input: z.number().min(0).optional(),
  output: z.number().min(0),
});

/** Settings of a model beyond the reference `api.*` keys; shared by `api` and each entry of `models`. */
const modelExtraKeys = {
  /** Stream the answer (SSE); a stream silent for `idle_timeout` seconds is abandoned and retried. */
  stream: z.boolean().optional(),
  /** Seconds without a streamed chunk (or before the first one) before the call is abandoned. Default 120. */
  idle_timeout: seconds.optional(),
  /** Reasoning models (o-series, gpt-5): sent instead of `max_tokens`. */
  max_completion_tokens: z.number().int().positive().optional(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).optional(),
  /** llama-cpp: the GGUF model file (relative to the experiment folder). */
  model_path: z.string().optional(),
  /** replay: an experiment folder, its `asi-evolve.db`, or its `steps` folder, whose recorded calls are served. */
  transcript: z.string().optional(),
  /** replay: `prompt` serves the recorded answer to the same prompt (a different prompt is an error); `order` serves answers in recorded order. */
  replay_match: z.enum(['prompt', 'order']).optional(),
  /** Overrides the built-in price table for this model. */
  price: priceSchema.optional(),
};

/** One named model of `models`; unset settings fall back to `api`'s (endpoint and key only for the same provider). */
const modelSchema = z.strictObject({
  provider: z.enum(PROVIDER_NAMES).default('openai-compatible'),
  model: z.string().optional(),
  base_url: httpUrl.optional(),
  api_key: z.string().optional(),
  api_key_env: z.string().optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().positive().optional(),
  timeout: seconds.optional(),
  retry_times: z.number().int().min(0).optional(),
  retry_delay: z.number().min(0).optional(),
  context_window: z.number().int().positive().optional(),
  ...modelExtraKeys,
});

/** A role's model: a name of `models` (or `main` for `api`), or a weighted ensemble of them. */
const roleModelSchema = z.union([
  z.string().min(1),
  z.array(z.strictObject({ model: z.string().min(1), weight: z.number().positive().default(1) })).min(1),
]);

/** Every role that may name its own model (`roles`); the LLM part builds one model per role. */
export const ROLE_NAMES = [
  'researcher',
  'analyzer',
  'judge',
  'manager',
  'debug',
  'static_check',
  'cognition_extraction',
  'novelty_judge',
] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** The model of each role; a role left out uses the main model (`api`). */
const rolesSchema = z
  .strictObject(
    Object.fromEntries(ROLE_NAMES.map((role) => [role, roleModelSchema.optional()])) as Record<
      RoleName,
      z.ZodOptional<typeof roleModelSchema>
    >,
  )
  .prefault({});

/** Spending limits of a run (all rounds of the experiment, resumed ones included). */
const budgetSchema = z
  .strictObject({
    usd: z.number().positive().optional(),
    tokens: z.number().int().positive().optional(),
  })
  .prefault({});

const apiSchema = z
  .strictObject({
    /**
     * `builtin` = the no-model operator; `auto` = openai-compatible when a model is named.
     * `anthropic`, `llama-cpp` (a local GGUF file, `model_path`) and `replay` (a recorded run, `transcript`)
     * take their settings from the same keys as an entry of `models`.
     */
    provider: z.enum(['auto', 'builtin', ...PROVIDER_NAMES]).default('auto'),
    base_url: httpUrl.default(OPENAI_DEFAULT_URL),
    /** Literal key; prefer `api_key_env` or `${VAR}` so that no secret sits in a file. */
    api_key: z.string().optional(),
    api_key_env: z.string().default(OPENAI_DEFAULT_KEY_ENV),
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
    ...modelExtraKeys,
  })
  .prefault({});

/** Keys accepted only for compatibility with reference experiment folders (no effect; see compat-keys.ts). */
const compat = compatibilitySchemas;

const pipelineSchema = z
  .strictObject({
    agents: z
      .strictObject({
        manager: z.boolean().default(false),
        researcher: compat.alwaysOn,
        engineer: compat.alwaysOn,
        analyzer: z.boolean().default(true),
      })
      .prefault({}),
    researcher: z
      .strictObject({
        diff_based_evolution: z.boolean().default(true),
        diff_pattern: compat.diffPattern,
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
    /**
     * The seed (the initial program) is the run's pre-flight: when its evaluation fails the run
     * stops before any LLM call. `true` keeps going with a failed seed (the LLM writes from scratch).
     */
    allow_failing_seed: z.boolean().default(false),
    parallel: z
      .strictObject({
        num_workers: z.number().int().positive().max(MAX_WORKERS, `at most ${MAX_WORKERS} workers`).default(1),
      })
      .prefault({}),
    sample_n: z.number().int().positive().default(3),
    judge: z
      .strictObject({
        enabled: z.boolean().default(false),
        ratio: z.number().min(0).max(1).default(0.2),
        /**
         * `blend`: `(1 - ratio) * eval + ratio * judge` (reference formula, judge on 0–100).
         * `composite` (paper): `(1 - ratio) * sigmoid((eval - center) / scale) + ratio * judge / 100`, in 0–1.
         */
        mode: z.enum(['blend', 'composite']).default('blend'),
        /** Composite mode: the evaluator score that maps to 0.5. */
        center: z.number().default(0),
        /** Composite mode: the evaluator-score distance that moves the sigmoid from 0.5 to about 0.73. */
        scale: z.number().positive().default(1),
      })
      .prefault({}),
    /** Debug agent: on a failed evaluation, an LLM repairs the program; 0 attempts disables it. */
    debug: z.strictObject({ attempts: z.number().int().min(0).default(0) }).prefault({}),
    /** Static check before evaluation: an LLM review against `constraints_file` and/or a command (exit 0 = pass). */
    static_check: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** Shell command run in the sandbox on the candidate ($1 = program path); a non-zero exit rejects it. */
        command: z.string().min(1).optional(),
        /** The experiment's hard constraints, relative to the experiment folder. */
        constraints_file: z.string().default('constraints.md'),
      })
      .prefault({}),
    /** Novelty gate before evaluation: a near-duplicate proposal is sent back to the designer. */
    novelty: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Similarity (0–1) at which a proposal counts as a near-duplicate. Identical programs always do. */
        threshold: z.number().min(0).max(1).default(0.95),
        /** Times a near-duplicate is sent back before the last proposal is evaluated anyway. */
        max_attempts: z.number().int().min(0).default(2),
        /** `program`: token-shingle Jaccard; `motivation`: embedding cosine; `both`: the higher. */
        compare: z.enum(['program', 'motivation', 'both']).default('motivation'),
        /** Let an LLM decide similarities inside `judge_band`. */
        llm_judge: z.boolean().default(false),
        judge_band: z
          .tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
          .refine(([low, high]) => low <= high, { message: 'expected [low, high] with low <= high' })
          .default([0.85, 0.95]),
      })
      .prefault({}),
  })
  .prefault({});

/** The cognition embedder: the built-in lexical one, an OpenAI-compatible endpoint, or a local model folder. */
const cognitionEmbeddingSchema = z
  .strictObject({
    /** `builtin` needs no model and no network; `local` needs the optional package @huggingface/transformers. */
    provider: z.enum(['builtin', 'openai-compatible', 'local']).default('builtin'),
    /** The embeddings model (openai-compatible). Reference model names with `builtin` fall back to the lexical embedder. */
    model: z.string().default('builtin-lexical'),
    /** Vector length: buckets of the lexical embedder (default 512), or `dimensions` sent to the endpoint; unset = the model's own. */
    dimension: z.number().int().positive().optional(),
    base_url: httpUrl.default('https://api.openai.com/v1'),
    api_key_env: z.string().default('OPENAI_API_KEY'),
    /** `local`: the model folder (ONNX weights and tokenizer), relative to the experiment folder. */
    model_path: z.string().optional(),
    /** Seconds one embeddings request may take. */
    timeout: seconds.default(60),
    /** Texts per embeddings request. */
    batch_size: z.number().int().positive().default(256),
  })
  .prefault({});

const cognitionSchema = z
  .strictObject({
    storage_dir: compat.storageDir('cognition_data'),
    /** Seed files (YAML/JSON/JSONL/Markdown) imported at the start of a run, relative to the experiment. */
    seed_files: z.array(z.string()).optional(),
    embedding: cognitionEmbeddingSchema,
    faiss: compat.faiss,
    /** Search is exact up to `approximate_above` stored vectors, then an approximate (HNSW) index. */
    index: z
      .strictObject({
        approximate_above: z.number().int().min(0).default(20_000),
        /** Candidates the approximate search explores per query: higher is slower and closer to exact. */
        expansion_search: z.number().int().positive().default(128),
      })
      .prefault({}),
    /** Similarity at or above which a new item (ingested or found by a run) counts as a duplicate of a stored one. */
    duplicate_threshold: z.number().min(-1).max(1).default(0.8),
    /** Items the Analyzer proposes from what a round revealed, stored as found by the run. */
    growth: z
      .strictObject({
        enabled: z.boolean().default(false),
        max_per_round: z.number().int().min(0).default(2),
      })
      .prefault({}),
    /** `cognition ingest`: papers read by an LLM that extracts heuristics, pitfalls and principles. */
    ingest: z
      .strictObject({
        /** Characters of paper text per extraction call. */
        chunk_chars: z.number().int().min(1000).default(12_000),
        max_items_per_paper: z.number().int().positive().default(8),
        /** Follow-ups after an answer without any <cognition_item> block or <no_items/>. */
        max_retries: z.number().int().min(0).default(1),
      })
      .prefault({}),
    retrieval: z
      .strictObject({
        top_k: z.number().int().min(0).default(3),
        /** Least similarity a retrieved item needs; unset = what suits the embedder (0.08 for the built-in lexical one, 0.3 for neural ones). */
        score_threshold: z.number().min(-1).max(1).optional(),
      })
      .prefault({}),
    web_search: compat.webSearch,
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

/** Selection on the Pareto front of `objectives` (docs/architecture.md, Several objectives). */
const paretoSchema = z
  .strictObject({
    /** How many fronts (rank 0, 1, …) a parent may come from; UCB1 chooses among them. */
    fronts: z.number().int().positive().default(3),
    /** Weight of the exploration bonus of a front sampled less often. */
    exploration_c: z.number().min(0).default(0.5),
    /** Members drawn for one crowded tournament (the parent is the least crowded of them). */
    tournament_size: z.number().int().positive().default(2),
    /** One front per island (`island.num_islands`, migrating every `island.migration_interval` generations). */
    islands: z.boolean().default(false),
  })
  .prefault({});

const samplingAlgorithmSchema = z.enum(['ucb1', 'greedy', 'random', 'island', 'pool', 'pareto']);

const databaseSchema = z
  .strictObject({
    storage_dir: compat.storageDir('database_data'),
    /** Keep at most this many nodes; the worst are evicted (never the best). null = unbounded. */
    max_size: z.number().int().positive().nullable().default(null),
    embedding: compat.nodeEmbedding,
    faiss: compat.faiss,
    sampling: z
      .strictObject({
        /**
         * `pool` = the paper's candidate pool (see `pool`); `pareto` = parents from the
         * non-dominated front of `objectives` (NSGA-II rank and crowding). Unset: `pareto` when
         * `objectives` are configured, else `ucb1`.
         */
        algorithm: samplingAlgorithmSchema.optional(),
        ucb1_c: z.number().min(0).default(1.414),
        /** Let failed nodes be sampled as parents (off by default). */
        allow_failed_parents: z.boolean().default(false),
        /** How scores become fitness for UCB1 and island draws; `sigmoid` is the paper's z-score + logistic. */
        fitness: z.enum(['min-max', 'sigmoid']).default('min-max'),
        island: islandSchema,
        pool: poolSchema,
        pareto: paretoSchema,
      })
      .prefault({}),
  })
  .prefault({});

/** A size in bytes: a number, or text such as `4GiB`, `512M`, `1.5 GB`; null = not limited. */
const sizeSchema = z
  .union([
    z.number().int().positive(),
    z
      .string()
      .regex(
        /^\s*\d+(\.\d+)?\s*(b|[kmgt]|[kmgt]b|[kmgt]ib)?\s*$/i,
        'expected a size like "4GiB", "512M" or a number of bytes',
      ),
  ])
  .nullable();

/** How candidates are contained (docs/architecture.md, “Running candidates safely”). */
const sandboxSchema = z
  .strictObject({
    /** `auto`: bubblewrap, else unshare, else none, as this machine allows. A named mode that is missing stops the run. */
    mode: z.enum(['auto', 'bubblewrap', 'unshare', 'none']).default('auto'),
    /** Let candidates reach the network; isolated by default where the machine allows it. */
    network: z.boolean().default(false),
    /** Address-space limit per process. */
    memory: sizeSchema.default('4GiB'),
    cpu_seconds: z.number().int().positive().nullable().default(null),
    /** Largest file a candidate may write. */
    file_size: sizeSchema.default('1GiB'),
    max_processes: z.number().int().positive().nullable().default(512),
    /** Extra paths the evaluator may read under bubblewrap (datasets, toolchains); GPU devices are passed through. */
    read_paths: z.array(z.string()).default([]),
  })
  .prefault({});

/** One evaluation stage; a score below `threshold` skips the later stages. */
const stageSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, ".", "_" or "-"'),
  command: z.string().min(1),
  /** Seconds; defaults to `evaluator.timeout`. */
  timeout: seconds.optional(),
  threshold: z.number().nullable().default(null),
});

const evaluatorSchema = z
  .strictObject({
    /**
     * Shell command run with the step folder as working directory. Default: `bash "$ASI_EXPERIMENT_DIR/eval.sh" "$@"`
     * (the experiment's eval.sh; a bare `bash eval.sh` would look for it in the step folder).
     * It receives the candidate path and the step folder as $1 and $2, and as
     * ASI_PROGRAM_PATH / ASI_STEP_DIR / ASI_EXPERIMENT_DIR in its environment.
     */
    command: z.string().optional(),
    /** File name the candidate is also written under, for evaluators that need an extension. */
    program_file: programFileName.default('program'),
    /** Seconds; defaults to `pipeline.engineer_timeout`. */
    timeout: seconds.optional(),
    /** Seconds between SIGTERM and SIGKILL of the evaluation's process group. */
    kill_grace: seconds.default(2),
    /** Names of environment variables passed through to the evaluator (beyond a minimal base set). */
    env_allow: z.array(z.string()).default([]),
    /** Bytes of stdout and of stderr kept (the tail). */
    max_output_bytes: z.number().int().positive().default(1_000_000),
    sandbox: sandboxSchema,
    /** Ordered evaluation stages (e.g. quick test, then full run); when set they replace `command`. */
    stages: z
      .array(stageSchema)
      .default([])
      .refine(
        (stages) => new Set(stages.map((stage) => stage.name)).size === stages.length,
        'stage names must be unique',
      ),
    /**
     * Each new best is evaluated `count` more times and must reproduce within `tolerance` (relative); 0 disables.
     * The seed is then evaluated twice: unset `tolerance` is derived from how far its two scores lie apart
     * (1e-6 when they agree).
     */
    reproduce: z
      .strictObject({
        count: z.number().int().min(0).default(1),
        tolerance: z.number().min(0).optional(),
      })
      .prefault({}),
  })
  .prefault({});

/**
 * A project folder as the seed (docs/architecture.md, “Multi-file candidates”): the candidate is
 * the set of files matching `editable`; the rest of the folder is read-only context.
 */
const projectSchema = z
  .strictObject({
    /** The project folder (a git repository or a plain folder), relative to the experiment folder. */
    dir: z.string().min(1),
    /** Paths or globs (relative to `dir`) of the files the Researcher may change, and of folders it may create files in (`pkg/` = `pkg/**`). */
    editable: z.array(z.string().min(1)).min(1),
    /** Characters of the read-only outline of the rest of the project shown to the Researcher. */
    context_chars: z.number().int().min(0).default(20_000),
  })
  .nullable()
  .default(null);

/** Where evaluations run (docs/architecture.md, “Beyond one machine”): this machine by default; Slurm or a Redis job queue beyond it. */
const clusterSchema = z
  .strictObject({
    /** `local`: this machine, no server. `slurm`: each evaluation a Slurm job. `queue`: a BullMQ queue that `asi-evolve worker`s serve. */
    executor: z.enum(['local', 'slurm', 'queue']).default('local'),
    /** A lost evaluation (job cancelled or failed by the cluster, node or worker gone) is resubmitted this many times before it counts as failed. */
    max_retries: z.number().int().min(0).default(2),
    slurm: z
      .strictObject({
        partition: z.string().nullable().default(null),
        account: z.string().nullable().default(null),
        qos: z.string().nullable().default(null),
        /** Generic resources per evaluation, e.g. `gpu:1`. */
        gres: z.string().nullable().default(null),
        cpus_per_task: z.number().int().positive().default(1),
        /** Memory per evaluation as sbatch takes it, e.g. `16G`; null = the partition's default. */
        mem: z.string().nullable().default(null),
        /** Minutes; null = the evaluation's timeout plus its kill grace, rounded up, plus one. */
        time_limit_minutes: z.number().int().positive().nullable().default(null),
        /** More sbatch arguments, passed as given (e.g. `--constraint=a100`). */
        extra_args: z.array(z.string()).default([]),
        /** Seconds between polls of the job states. */
        poll_interval: seconds.default(2),
        /** Where job scripts, job descriptions and outcomes go; null = `<experiment>/.slurm`. Must be on a filesystem the compute nodes share. */
        work_dir: z.string().nullable().default(null),
      })
      .prefault({}),
    queue: z
      .strictObject({
        /** Redis connection URL; its password never reaches candidates. */
        redis_url: z.string().default('redis://127.0.0.1:6379'),
        /** Queue name; null = `asi-evolve-<experiment folder name>`. Workers serve the queue they are given. */
        name: z.string().nullable().default(null),
        /** Seconds a worker may go silent before its job is presumed lost and handed to another worker. */
        stall_timeout: seconds.default(30),
      })
      .prefault({}),
  })
  .prefault({});

const runSchema = z
  .strictObject({
    /** Rounds to run (each round creates one node). The cap keeps a typo from scheduling rounds until memory runs out. */
    steps: z.number().int().min(0).max(1_000_000).default(10),
    seed: z.number().int().default(0),
  })
  .prefault({});

const isProviderName = (name: string): name is ProviderName => (PROVIDER_NAMES as readonly string[]).includes(name);

type ModelEntry = {
  provider: string;
  model?: string | undefined;
  model_path?: string | undefined;
  transcript?: string | undefined;
};

/** What each provider needs beyond its name; `where` is the key path of the entry. */
function checkModelEntry(entry: ModelEntry, where: string[], context: z.core.$RefinementCtx): void {
  const need = (key: 'model' | 'model_path' | 'transcript', why: string): void => {
    const value = entry[key];
    if (value === undefined || value.trim() === '')
      context.addIssue({ code: 'custom', path: [...where, key], message: why });
  };
  if (!isProviderName(entry.provider)) return;
  const { requires } = llmProviderSpec(entry.provider);
  need(requires.key, requires.why);
}

/** Cross-field checks: each role names a known model, and each model has what its provider needs. */
function checkModelReferences(
  config: { api: ModelEntry; models: Record<string, ModelEntry>; roles: Record<string, unknown> },
  context: z.core.$RefinementCtx,
): void {
  checkModelEntry(config.api, ['api'], context);
  for (const [name, entry] of Object.entries(config.models)) {
    if (name === 'main')
      context.addIssue({
        code: 'custom',
        path: ['models', name],
        message: '`main` is reserved for the model of `api`; choose another name',
      });
    checkModelEntry(entry, ['models', name], context);
  }
  const known = [...new Set(['main', ...Object.keys(config.models)])].join(', ');
  for (const [role, target] of Object.entries(config.roles)) {
    if (target === undefined) continue;
    const names =
      typeof target === 'string'
        ? [[target, ['roles', role]] as const]
        : (target as { model: string }[]).map(
            (member, index) => [member.model, ['roles', role, index, 'model']] as const,
          );
    for (const [name, path] of names) {
      if (name !== 'main' && !(name in config.models)) {
        context.addIssue({
          code: 'custom',
          path: [...path],
          message: `unknown model '${name}' (known: ${known}); define it under models`,
        });
      }
    }
  }
}

const configObjectSchema = z
  .strictObject({
    experiment_name: compat.experimentName,
    api: apiSchema,
    logging: compat.logging,
    pipeline: pipelineSchema,
    cognition: cognitionSchema,
    database: databaseSchema,
    evaluator: evaluatorSchema,
    /** A project folder as the seed instead of `initial_program`; null = a single-file experiment. */
    project: projectSchema,
    cluster: clusterSchema,
    run: runSchema,
    /** Several objectives instead of one score; empty = `eval_score` alone, as always. */
    objectives: objectivesSchema,
    /** Named models that roles may use, beside the main model `api`. */
    models: z.record(z.string(), modelSchema).default({}),
    roles: rolesSchema,
    budget: budgetSchema,
    /** Price overrides by model id, consulted before the built-in table. */
    pricing: z.record(z.string(), priceSchema).default({}),
  })
  .superRefine(checkModelReferences);

type ParsedConfig = z.output<typeof configObjectSchema>;
type ParsedSampling = ParsedConfig['database']['sampling'];

/**
 * The sampling algorithm a config that names none gets: with objectives configured, selection on
 * their front (`pareto`), since ranking by `eval_score` alone would ignore them; `ucb1` otherwise,
 * as it always was (docs/architecture.md, Several objectives).
 */
function withSamplingAlgorithm(config: ParsedConfig) {
  const sampling = config.database.sampling;
  const configured = config.objectives.metrics.length > 0 || config.objectives.instances !== null;
  const algorithm: z.output<typeof samplingAlgorithmSchema> = sampling.algorithm ?? (configured ? 'pareto' : 'ucb1');
  const withAlgorithm: Omit<ParsedSampling, 'algorithm'> & { algorithm: typeof algorithm } = { ...sampling, algorithm };
  return { ...config, database: { ...config.database, sampling: withAlgorithm } };
}

export const configSchema = configObjectSchema.transform(withSamplingAlgorithm);

/** A fully validated configuration with every default filled in. */
export type Config = z.infer<typeof configSchema>;
/** What a user may write: every key optional. */
export type ConfigInput = z.input<typeof configSchema>;
