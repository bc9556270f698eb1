import { loadConfig, resolveExperiment, type Config, type ConfigInput, type Experiment } from '../config/index.js';
import type { Executor } from '../cluster/index.js';
import type { SamplingPolicy } from '../sampling/index.js';
import { openStore, type Store } from '../store/index.js';
import type { LoopEvent } from './events.js';
import { buildRunParts } from './preset.js';
import { runLoop, type RunSummary } from './run.js';
import { acquireRunLock } from './run-lock.js';

export interface OpenExperimentOptions {
  /** Config values over the folder's config.yaml (and `configFile`), shaped like config.yaml. */
  overrides?: ConfigInput;
  /** A further config file, as `--config FILE`. */
  configFile?: string;
  /** Where `${VAR}` references and API keys are read. @default process.env */
  env?: NodeJS.ProcessEnv;
}

export interface ExperimentRunOptions {
  /** The round the run ends at (rounds already stored count: a second `run({ steps: 20 })` resumes). @default config run.steps */
  steps?: number;
  /** Evaluations at once. @default config pipeline.parallel.num_workers */
  workers?: number;
  /** Stops the rounds in flight (they are redone by the next run) and resolves with reason "interrupted". */
  abortSignal?: AbortSignal;
  /** Every loop event: run start, seed evaluated, round start and end (with the stored node), notice, run end. */
  onEvent?: (event: LoopEvent) => void;
  /** Instead of the `database.sampling` policy. */
  policy?: SamplingPolicy;
  /** Instead of the `cluster.executor` one; you close it. */
  executor?: Executor;
}

/** The reading side of an experiment's database. */
export type ExperimentReader = Pick<
  Store,
  | 'listNodes'
  | 'getNode'
  | 'bestNode'
  | 'lineage'
  | 'nodeSummaries'
  | 'countNodes'
  | 'spendSummary'
  | 'listEvents'
  | 'listLlmCalls'
>;

/** An experiment folder, its config checked and its database open. */
export interface OpenedExperiment {
  readonly config: Config;
  readonly experiment: Experiment;
  /** The config files read, lowest priority first. */
  readonly configFiles: readonly string[];
  /** Nodes, lineage, spend and events as stored (also while a run goes on). */
  readonly nodes: ExperimentReader;
  /** Runs (or resumes) the loop, holding the experiment's run lock meanwhile. */
  run(options?: ExperimentRunOptions): Promise<RunSummary>;
  /** Closes the database; a run in progress must have ended. */
  close(): void;
}

/**
 * Opens an experiment folder as `asi-evolve run` does: the config layers (defaults, config.yaml,
 * `configFile`, `overrides`) are validated and the folder checked before anything is created.
 * Throws AsiEvolveError (a config or missing-file problem names the file and key).
 *
 * @example
 * const opened = openExperiment('examples/circle-packing', { overrides: { run: { steps: 5 } } });
 * try {
 *   const summary = await opened.run({ onEvent: (event) => event.type === 'round-end' && console.log(event.step, event.node.evalScore) });
 *   console.log(summary.best?.evalScore, opened.nodes.countNodes());
 * } finally {
 *   opened.close();
 * }
 */
export function openExperiment(dir: string, options: OpenExperimentOptions = {}): OpenedExperiment {
  const env = options.env ?? process.env;
  const { config, files } = loadConfig({
    experimentDir: dir,
    env,
    ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
    ...(options.overrides === undefined ? {} : { flags: options.overrides as Record<string, unknown> }),
  });
  const experiment = resolveExperiment(dir, config);
  const store = openStore(experiment.databasePath);
  let running = false;

  return {
    config,
    experiment,
    configFiles: files,
    nodes: store,
    async run(runOptions = {}) {
      if (running) throw new Error('this experiment is already running: await the first run() before starting another');
      running = true;
      // One run at a time per experiment, in this process or another (the CLI takes the same lock).
      const lock = acquireRunLock(`${experiment.databasePath}.lock`);
      try {
        const parts = await buildRunParts({
          config,
          experiment,
          store,
          env,
          ...(runOptions.policy === undefined ? {} : { policy: runOptions.policy }),
          ...(runOptions.executor === undefined ? {} : { executor: runOptions.executor }),
        });
        try {
          return await runLoop({
            parts: parts.loop,
            store,
            steps: runOptions.steps ?? config.run.steps,
            workers: runOptions.workers ?? config.pipeline.parallel.num_workers,
            seed: config.run.seed,
            ...(runOptions.abortSignal === undefined ? {} : { abortSignal: runOptions.abortSignal }),
            ...(runOptions.onEvent === undefined ? {} : { onEvent: runOptions.onEvent }),
          });
        } finally {
          await parts.close();
        }
      } finally {
        lock.release();
        running = false;
      }
    },
    close() {
      store.close();
    },
  };
}
