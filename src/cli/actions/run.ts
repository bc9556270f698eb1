import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  describeCompatibilityKeys,
  loadConfig,
  resolveExperiment,
  type Config,
  type Experiment,
} from '../../config/index.js';
import { loadTemplates } from '../../agents/index.js';
import { acquireRunLock, buildRunParts, runLoop, type RunLock, type RunParts } from '../../loop/index.js';
import { estimateRun, formatEstimate, historyFromStore } from '../../loop/index.js';
import { openStore } from '../../store/index.js';
import { listenForInterrupt } from '../interrupt.js';
import { createJsonEventWriter, jsonNotice } from '../json-events.js';
import { createProgressPrinter } from '../progress.js';

export interface RunCommandOptions {
  steps?: number;
  workers?: number;
  sampleN?: number;
  config?: string;
  evalScript?: string;
  seed?: number;
  budgetUsd?: number;
  budgetTokens?: number;
  dryRun?: boolean;
  /** One JSON object a line (`run --json`) instead of progress lines; with --dry-run, the estimate as JSON. */
  json?: boolean;
  /** `--allow-failing-seed`: `pipeline.allow_failing_seed: true`. */
  allowFailingSeed?: boolean;
  /** `--builtin`: the built-in no-model operator, whatever models and roles the config names. */
  builtin?: boolean;
}

/**
 * The config with every model dropped: `api.provider: builtin`, no named models, no roles. A
 * config written for another tool (an imported ensemble, a reference folder) then runs with the
 * built-in operator and rule-based analysis without a key, as the README's first try does.
 */
function withoutModels(config: Config): Config {
  return { ...config, api: { ...config.api, provider: 'builtin' }, models: {}, roles: {} };
}

/** Flags shaped as a config layer (the highest-priority one). */
function flagsLayer(options: RunCommandOptions): Record<string, unknown> {
  const layer: Record<string, Record<string, unknown>> = { run: {}, pipeline: {}, evaluator: {}, budget: {} };
  if (options.budgetUsd !== undefined) layer.budget!.usd = options.budgetUsd;
  if (options.budgetTokens !== undefined) layer.budget!.tokens = options.budgetTokens;
  if (options.steps !== undefined) layer.run!.steps = options.steps;
  if (options.seed !== undefined) layer.run!.seed = options.seed;
  if (options.workers !== undefined) layer.pipeline!.parallel = { num_workers: options.workers };
  if (options.sampleN !== undefined) layer.pipeline!.sample_n = options.sampleN;
  if (options.allowFailingSeed === true) layer.pipeline!.allow_failing_seed = true;
  if (options.evalScript !== undefined)
    layer.evaluator!.command = `bash '${resolve(options.evalScript).replaceAll("'", `'\\''`)}' "$@"`;
  return Object.fromEntries(Object.entries(layer).filter(([, value]) => Object.keys(value).length > 0));
}

function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

/** `run DIR`: validates everything first, then runs (or resumes) the loop until the rounds are stored. */
export async function runCommand(
  dir: string,
  options: RunCommandOptions,
  write: (text: string) => void,
): Promise<void> {
  const loaded = loadConfig({
    experimentDir: dir,
    // A dry run only estimates and --builtin drops every model: neither needs an API key.
    callsNoModel: options.dryRun === true || options.builtin === true,
    flags: flagsLayer(options),
    ...(options.config !== undefined ? { configFile: options.config } : {}),
  });
  const { files, noEffect } = loaded;
  const config = options.builtin === true ? withoutModels(loaded.config) : loaded.config;
  const experiment = resolveExperiment(dir, config);
  const compatibilityNotice = describeCompatibilityKeys(noEffect);
  if (options.dryRun) {
    // With --json, stdout carries only the estimate.
    if (compatibilityNotice !== null)
      (options.json ? (text: string) => void process.stderr.write(text) : write)(`${compatibilityNotice}\n`);
    // Estimates from the real templates and files (and the stored history, if any); calls no model, creates nothing.
    const history = existsSync(experiment.databasePath) ? openStore(experiment.databasePath, { readonly: true }) : null;
    try {
      const estimate = estimateRun({
        config,
        experiment,
        templates: loadTemplates(experiment.dir),
        ...(history ? { history: historyFromStore(history) } : {}),
      });
      write(options.json ? `${JSON.stringify(estimate, null, 2)}\n` : formatEstimate(estimate));
    } finally {
      history?.close();
    }
    return;
  }
  // One run at a time per experiment: two would evaluate the same steps in the same folders.
  const lock = acquireRunLock(`${experiment.databasePath}.lock`);
  try {
    await runWithLock(config, experiment, { files, compatibilityNotice }, write, lock, options.json === true);
  } finally {
    lock.release();
  }
}

async function runWithLock(
  config: Config,
  experiment: Experiment,
  loaded: { files: readonly string[]; compatibilityNotice: string | null },
  write: (text: string) => void,
  lock: RunLock,
  json: boolean,
): Promise<void> {
  const isNewDatabase = !existsSync(experiment.databasePath);
  const store = openStore(experiment.databasePath);
  let parts: RunParts;
  try {
    parts = await buildRunParts({ config, experiment, store, env: process.env });
  } catch (error) {
    // A problem found while building the parts (no API key, a bad model setting) is a config
    // mistake: like one found by the schema, it must leave no database behind.
    store.close();
    if (isNewDatabase) removeDatabase(experiment.databasePath);
    throw error;
  }
  // With --json, stdout carries only the events; what people read goes to stderr.
  const tell = json ? (text: string) => void process.stderr.write(text) : write;
  const notice = json ? (message: string) => write(jsonNotice(message)) : (message: string) => write(`${message}\n`);
  const interrupt = listenForInterrupt({
    write: tell,
    stopping:
      '\nInterrupted: stopping the rounds in flight (they will be redone on resume; Ctrl-C again to stop at once)…\n',
    // Each round is stored in one transaction, so exiting now loses only the rounds in flight.
    forced: '\nStopped at once: the rounds in flight are dropped and will be redone on the next run.\n',
    beforeForcedExit: () => lock.release(),
  });
  try {
    const { files, compatibilityNotice } = loaded;
    notice(`Experiment ${experiment.dir} (config: ${files.length ? files.join(', ') : 'defaults'})`);
    if (compatibilityNotice !== null) notice(compatibilityNotice);
    for (const message of parts.notices) notice(message);
    const summary = await runLoop({
      parts: parts.loop,
      store,
      steps: config.run.steps,
      workers: config.pipeline.parallel.num_workers,
      seed: config.run.seed,
      abortSignal: interrupt.signal,
      onEvent: json ? createJsonEventWriter(write) : createProgressPrinter(write),
    });
    if (summary.reason === 'interrupted') process.exitCode = 130;
  } finally {
    interrupt.dispose();
    await parts.close();
    store.close();
  }
}
