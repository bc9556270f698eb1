import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CognitionRetriever } from '../cognition/index.js';
import { loadConfig, objectiveSettings, resolveExperiment, type Config, type Experiment } from '../config/index.js';
import {
  acquireRunLock,
  buildRunParts,
  createEngineer,
  runLoop,
  stepDirFor,
  type Engineer,
  type LoopParts,
  type RunParts,
} from '../loop/index.js';
import { createSamplingPolicy } from '../sampling/index.js';
import { openStore, type Store } from '../store/index.js';
import { knownSecrets, secretRedactor } from '../llm/index.js';

/** What the MCP server opens an experiment with. */
export interface McpSessionOptions {
  dir: string;
  /** Extra YAML config layered over the experiment's config.yaml (as `run --config`). */
  configFile?: string;
  env: NodeJS.ProcessEnv;
  /** Where notices and diagnostics go (stderr: stdout belongs to the protocol). */
  log: (line: string) => void;
}

/**
 * One experiment opened for a coding agent: its config, store and the run's parts (built by the
 * same preset as `asi-evolve run`), plus the run lock taken only while something is written.
 */
export interface McpSession {
  readonly config: Config;
  readonly experiment: Experiment;
  readonly store: Store;
  /** The run's parts: a round's services (engineer, cognition retrieval, policy) and the loop's settings. */
  readonly parts: LoopParts;
  readonly retriever: CognitionRetriever | null;
  /** Aborted when the session closes: evaluations in flight stop, rounds in flight are not stored. */
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  /** Replaces the run's known secrets (API keys) in a text: what an agent sends is stored and evaluated without them. */
  readonly redact: (text: string) => string;
  /**
   * Runs `work` holding the experiment's run lock, one writer at a time in this process. A run
   * (or another server) holding the lock makes it throw STORE_BUSY, naming the holder.
   */
  withRunLock<T>(work: () => Promise<T>): Promise<T>;
  /** Evaluates the seed as node 0 when the experiment has one and it is not stored (as `run` does). Call under the lock. */
  ensureSeed(): Promise<void>;
  /** The run's parts with a policy of its own, to be restored from the store as `runLoop` does. */
  freshParts(): LoopParts;
  /**
   * A scratch evaluation: the run's engineer with step folders under `steps/mcp-XXXXXX/` (removed
   * on close), never a real step's, and the next scratch step with its folder.
   */
  scratch(): { engineer: Engineer; step: number; folder: string };
  close(): Promise<void>;
}

function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

/**
 * Opens an experiment for the MCP server: validates the config, opens (or creates) the database
 * and builds the run's parts. A config mistake throws before anything is served, and leaves no
 * new database behind, as with `run`.
 * @example
 * const session = await openMcpSession({ dir, env: process.env, log: (line) => process.stderr.write(line) });
 */
export async function openMcpSession(options: McpSessionOptions): Promise<McpSession> {
  const dir = resolve(options.dir);
  const { config } = loadConfig({
    experimentDir: dir,
    env: options.env,
    ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
  });
  const experiment = resolveExperiment(dir, config);
  const isNewDatabase = !existsSync(experiment.databasePath);
  const store = openStore(experiment.databasePath);
  let runParts: RunParts;
  try {
    runParts = await buildRunParts({ config, experiment, store, env: options.env });
  } catch (error) {
    store.close();
    if (isNewDatabase) removeDatabase(experiment.databasePath);
    throw error;
  }
  // The run's "no LLM: built-in operator" notice does not apply: here the agent designs and analyses.
  for (const notice of runParts.notices) if (!notice.startsWith('No LLM configured')) options.log(`${notice}\n`);
  options.log(
    "MCP: the agent designs and analyses the nodes it records; the seed's analysis comes from the configured analyst.\n",
  );

  const parts = runParts.loop;
  const controller = new AbortController();
  let writing: Promise<unknown> = Promise.resolve();
  let scratchRoot: string | null = null;

  const withRunLock = <T>(work: () => Promise<T>): Promise<T> => {
    // The lock file names a process, and this process would take over its own lock: writers here queue instead.
    const next = writing.then(async () => {
      const lock = acquireRunLock(`${experiment.databasePath}.lock`);
      try {
        return await work();
      } finally {
        lock.release();
      }
    });
    writing = next.catch(() => undefined);
    return next;
  };

  const freshParts = (): LoopParts => ({
    ...parts,
    round: {
      ...parts.round,
      policy: createSamplingPolicy(config.database.sampling, { objectives: objectiveSettings(config.objectives) }),
    },
  });

  const ensureSeed = async (): Promise<void> => {
    if (experiment.initialProgram === null || store.hasSeed()) return;
    // Zero rounds: the loop only evaluates and stores the seed, with the configured analyst.
    await runLoop({
      parts: freshParts(),
      store,
      steps: 0,
      workers: 1,
      seed: config.run.seed,
      abortSignal: controller.signal,
    });
  };

  let scratchSteps = 0;
  let scratchEngineer: Engineer | null = null;
  const scratch = (): { engineer: Engineer; step: number; folder: string } => {
    if (scratchRoot === null) {
      mkdirSync(experiment.stepsDir, { recursive: true });
      scratchRoot = mkdtempSync(join(experiment.stepsDir, 'mcp-'));
    }
    scratchEngineer ??= createEngineer({ ...parts.round.engineer.settings, stepsDir: scratchRoot });
    const step = ++scratchSteps;
    return { engineer: scratchEngineer, step, folder: stepDirFor(scratchRoot, step) };
  };

  let closed = false;
  return {
    config,
    experiment,
    store,
    parts,
    retriever: runParts.retriever,
    signal: controller.signal,
    log: options.log,
    redact: secretRedactor(knownSecrets(config, options.env)),
    withRunLock,
    ensureSeed,
    freshParts,
    scratch,
    close: async () => {
      if (closed) return;
      closed = true;
      controller.abort();
      // Lets a write in flight stop (its round is dropped, as on Ctrl-C) and release the lock first.
      await writing;
      await runParts.close();
      store.close();
      if (scratchRoot !== null) rmSync(scratchRoot, { recursive: true, force: true });
    },
  };
}
