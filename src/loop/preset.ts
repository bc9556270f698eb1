import {
  createBuiltinDesigner,
  createLlmAnalyzer,
  createLlmJudge,
  createLlmResearcher,
  createRawAnalyst,
  createRuleBasedAnalyst,
  createLlmDebugAgent,
  loadDebugTemplate,
  loadStaticCheck,
  loadTemplates,
  projectOutline,
  readEvalCriteria,
  researcherPrompt,
  runManager,
  type Analyst,
  type ProjectView,
} from '../agents/index.js';
import { createLlmNoveltyJudge, createNoveltyGate, type NoveltyJudge } from '../agents/index.js';
import { createExecutorFromConfig, type Executor } from '../cluster/index.js';
import { prepareRunCognition, type CognitionRetriever } from '../cognition/index.js';
import {
  editableMatcher,
  unwritableProjectPath,
  objectiveSettings,
  readProjectContext,
  type Config,
  type Experiment,
} from '../config/index.js';
import {
  describeSandbox,
  exactTolerance,
  filterEvaluatorEnv,
  limitsFromConfig,
  loadSandboxCapabilities,
  planSandbox,
  sandboxSettingsFromConfig,
  stagesFromConfig,
} from '../evaluation/index.js';
import { createRoleModels, withContextFit, type LanguageModel, type RoleName } from '../llm/index.js';
import { createRandom } from '../random.js';
import { estimateRun } from './dry-run.js';
import { createSamplingPolicy, type SamplingPolicy } from '../sampling/index.js';
import type { Store } from '../store/index.js';
import { withActivity } from './activity.js';
import { recordCall } from './call-context.js';
import { createEngineer, runCheckCommand, type EngineerSettings, type EvaluationSite } from './engineer.js';
import { createNoticeRelay } from './events.js';
import type { RoundSettings } from './round.js';
import type { LoopParts, LoopSettings } from './run.js';

/**
 * What the Researcher sees of a multi-file experiment's project (docs/architecture.md,
 * “Multi-file candidates”): the editable patterns and the outline of the read-only rest, built
 * once per run from the seed; undefined for a single-file experiment.
 */
export function projectViewOf(experiment: Experiment): ProjectView | undefined {
  const project = experiment.project;
  if (project === null || experiment.initialProgram === null) return undefined;
  return {
    editable: project.editable,
    isEditable: editableMatcher(project.editable),
    unwritable: (path) => unwritableProjectPath(project.dir, path),
    outline: projectOutline(readProjectContext(project), project.files, project.contextChars),
    seedProgram: experiment.initialProgram,
  };
}

/** What a round reads of the config and the experiment. */
export function roundSettingsFromConfig(config: Config, experiment: Experiment): RoundSettings {
  return {
    task: experiment.task,
    stepsDir: experiment.stepsDir,
    sampleN: config.pipeline.sample_n,
    diffMode: config.pipeline.researcher.diff_based_evolution,
    maxCodeLength: config.pipeline.researcher.max_code_length,
    allowFailingSeed: config.pipeline.allow_failing_seed,
    objectives: objectiveSettings(config.objectives),
  };
}

/** What the loop itself reads of the config and the experiment. */
export function loopSettingsFromConfig(config: Config, experiment: Experiment): LoopSettings {
  return {
    bestDir: experiment.bestDir,
    programFile: config.evaluator.program_file,
    initialProgram: experiment.initialProgram,
    maxSize: config.database.max_size,
    ...(experiment.project === null ? {} : { projectDir: experiment.project.dir }),
    objectives: objectiveSettings(config.objectives),
  };
}

export interface RunParts {
  loop: LoopParts;
  /** Lines worth telling the user before the first round (what runs, what is missing). */
  notices: string[];
  /** The run's cognition retriever (configured embedder), or null when there is nothing to search. */
  retriever: CognitionRetriever | null;
  close(): Promise<void>;
}

/**
 * The default preset: picks each part of a run from the validated config. The loop itself
 * only sees the parts, so tests and other presets can swap any of them.
 */
/** Beyond this many objectives Pareto dominance rarely separates nodes (many-objective optimisation): the run says so. */
const manyObjectives = 5;

export async function buildRunParts(options: {
  config: Config;
  experiment: Experiment;
  store: Store;
  env: NodeJS.ProcessEnv;
  /** Instead of the `database.sampling` policy (a library caller's own). */
  policy?: SamplingPolicy;
  /** Instead of the `cluster.executor` one; the caller closes it, the run does not. */
  executor?: Executor;
}): Promise<RunParts> {
  const { config, experiment, store, env } = options;
  const notices: string[] = [];
  // The sandbox probes run in their own processes while the models, templates and cognition are set up.
  const capabilitiesLoading = loadSandboxCapabilities();
  capabilitiesLoading.catch(() => undefined); // awaited below; an early throw must not leave it unhandled

  const spend = store.spendSummary();
  const models = createRoleModels(config, env, {
    random: createRandom(`${config.run.seed}:llm`),
    onCall: (draft) => recordCall(draft, (orphan) => store.insertLlmCall({ ...orphan, nodeId: null, step: null })),
    initialSpend: { usd: spend.totalUsd, tokens: spend.inputTokens + spend.outputTokens },
    baseDir: experiment.dir,
  });
  // Loads local models now, so a missing package or model file stops the run before round 1.
  await models.prepare();
  notices.push(...models.notices);
  // Each call is reported while it runs, so a long one shows in the progress line (the heartbeat).
  const roleModel = (role: RoleName): LanguageModel | null => {
    const model = models.forRole(role);
    return model === null ? null : withActivity(model, role);
  };
  const researcherModel = roleModel('researcher');
  const analyzerModel = roleModel('analyzer');
  const judgeModel = roleModel('judge');

  if (researcherModel === null) {
    notices.push(
      `No LLM configured (${config.api.provider === 'builtin' ? 'api.provider is builtin' : 'api.model is not set'}): using the BUILT-IN NO-MODEL OPERATOR, which perturbs numeric constants and recombines parents, with a rule-based analysis. Set api.model in config.yaml to use an LLM.`,
    );
  } else {
    notices.push(`LLM: ${models.description}`);
  }

  // The manager writes experiment-specific prompts before round 1 (never over the user's files).
  if (config.pipeline.agents.manager) {
    const managerModel = roleModel('manager');
    if (managerModel) {
      const result = await runManager({
        model: managerModel,
        task: experiment.task,
        evalCriteria: readEvalCriteria(experiment.dir),
        experimentDir: experiment.dir,
        diffMode: config.pipeline.researcher.diff_based_evolution,
      });
      for (const file of result.written) notices.push(`Manager wrote ${file}`);
    } else {
      notices.push('pipeline.agents.manager is set but no LLM is configured: the default prompts are used.');
    }
  }
  const templates = loadTemplates(experiment.dir);
  if (researcherModel) {
    for (const check of estimateRun({ config, experiment, templates, steps: 1 }).contextChecks)
      if (check.warning) notices.push(check.warning);
  }

  const project = projectViewOf(experiment);
  const designer = researcherModel
    ? withContextFit(
        createLlmResearcher({
          model: researcherModel,
          templates,
          maxParseRetries: config.pipeline.max_retries.researcher,
          diffRetries: config.pipeline.researcher.diff_retries,
          ...(project === undefined ? {} : { project }),
        }),
        {
          // Trims the least useful parts of the prompt, in a stated order, when it would not fit the window.
          maxPromptTokens: (researcherModel.contextWindow ?? config.api.context_window) - config.api.max_tokens,
          render: (context) =>
            researcherPrompt(templates, context, context.diffMode && context.parent !== null, project),
        },
      )
    : createBuiltinDesigner();

  const fallbackAnalyst = createRuleBasedAnalyst();
  let analyst: Analyst;
  if (!config.pipeline.agents.analyzer) {
    analyst = createRawAnalyst();
    notices.push(
      'Analyzer off (pipeline.agents.analyzer: false): raw results and log tails are stored as the analysis.',
    );
  } else if (analyzerModel) {
    analyst = createLlmAnalyzer({
      model: analyzerModel,
      templates,
      maxRetries: config.pipeline.max_retries.analyzer,
      logBudgetChars: 24_000,
      ...(config.cognition.growth.enabled ? { proposeItems: { maxItems: config.cognition.growth.max_per_round } } : {}),
    });
  } else {
    analyst = fallbackAnalyst;
  }

  // Whether the judge runs is decided here only: the engineer runs the judge it is given.
  let judge: EngineerSettings['judge'] = null;
  if (config.pipeline.judge.enabled) {
    if (judgeModel)
      judge = {
        judge: createLlmJudge({ model: judgeModel, templates, maxRetries: config.pipeline.max_retries.analyzer }),
        combination: config.pipeline.judge,
      };
    else notices.push('pipeline.judge.enabled is set but no LLM is configured: the judge is skipped.');
  }

  // Cognition: seed files re-imported at every start, the configured embedder, growth when on.
  const liveNotices = createNoticeRelay();
  const cognition = await prepareRunCognition({
    cognition: config.cognition,
    seedFiles: experiment.cognitionFiles,
    store,
    env,
    baseDir: experiment.dir,
    notify: (message) => liveNotices.notify(message),
  });
  notices.push(...cognition.notices);
  const objectives = objectiveSettings(config.objectives);
  if (objectives !== null && config.database.sampling.algorithm !== 'pareto' && options.policy === undefined) {
    notices.push(
      `objectives are configured, but database.sampling.algorithm is ${config.database.sampling.algorithm}: parents are chosen by eval_score alone; set it to pareto to choose them from the front.`,
    );
  }
  if (objectives !== null && objectives.objectives.length > manyObjectives) {
    notices.push(
      `${objectives.objectives.length} objectives: with more than ${manyObjectives}, most nodes are non-dominated, so the front holds nearly every node and selects little; make the objectives that are limits bounds (min/max) instead, or keep fewer.`,
    );
  }

  // Sandbox (docs/architecture.md, “Running candidates safely”): a named mode this machine lacks stops the run here (CONFIG_INVALID).
  const capabilities = await capabilitiesLoading;
  const sandbox = sandboxSettingsFromConfig(config.evaluator.sandbox, experiment.dir);
  const limits = limitsFromConfig(config.evaluator.sandbox);
  notices.push(describeSandbox(planSandbox(sandbox, capabilities), capabilities, limits));
  const envReport = filterEvaluatorEnv(env, config.evaluator.env_allow, {});
  if (envReport.refused.length > 0)
    notices.push(`evaluator.env_allow: refused secret-looking variables: ${envReport.refused.join(', ')}`);

  const timeoutMs = (config.evaluator.timeout ?? config.pipeline.engineer_timeout) * 1000;
  const stages = stagesFromConfig(config.evaluator, experiment.evaluatorCommand, timeoutMs);
  if (config.evaluator.stages.length > 0) {
    const described = stages.map(
      (stage) => `${stage.name}${stage.threshold === null ? '' : ` (threshold ${stage.threshold})`}`,
    );
    notices.push(`Evaluation stages: ${described.join(' → ')}.`);
  }
  const debugModel = roleModel('debug');
  const debugAttempts = config.pipeline.debug.attempts;
  let debug: EngineerSettings['debug'] = null;
  if (debugAttempts > 0 && debugModel) {
    const template = loadDebugTemplate(experiment.dir);
    const maxCodeLength = config.pipeline.researcher.max_code_length;
    const agent = createLlmDebugAgent({
      model: debugModel,
      template,
      maxRetries: config.pipeline.max_retries.engineer,
      maxCodeLength,
      ...(project === undefined ? {} : { project }),
    });
    debug = { agent, attempts: debugAttempts };
    notices.push(`Debug agent: up to ${debugAttempts} repair attempt(s) of each failed evaluation.`);
  } else if (debugAttempts > 0) {
    notices.push('pipeline.debug.attempts is set but no LLM is configured: failed candidates are not repaired.');
  }
  const configuredTolerance = config.evaluator.reproduce.tolerance;
  const reproduce = {
    count: config.evaluator.reproduce.count,
    tolerance: configuredTolerance ?? exactTolerance,
    toleranceFromSeed: configuredTolerance === undefined,
  };
  if (reproduce.count > 0) {
    const within =
      configuredTolerance === undefined
        ? "a tolerance set by how far the seed's two evaluations lie apart"
        : `${configuredTolerance} (relative)`;
    notices.push(
      `Each new best is evaluated ${reproduce.count} more time(s), beside its step folder, and must reproduce within ${within}.`,
    );
  }

  const novelty = config.pipeline.novelty;
  let noveltyJudge: NoveltyJudge | undefined;
  if (novelty.enabled && novelty.llm_judge) {
    const noveltyModel = roleModel('novelty_judge');
    if (noveltyModel)
      noveltyJudge = createLlmNoveltyJudge({
        model: noveltyModel,
        task: experiment.task,
        maxRetries: config.pipeline.max_retries.analyzer,
      });
    else
      notices.push(
        'pipeline.novelty.llm_judge is set but no LLM is configured: borderline cases are decided by the threshold.',
      );
  }
  const noveltyGate = novelty.enabled
    ? createNoveltyGate({
        threshold: novelty.threshold,
        compare: novelty.compare,
        judgeBand: novelty.judge_band,
        ...(noveltyJudge ? { judge: noveltyJudge } : {}),
      })
    : null;

  const executor =
    options.executor ??
    createExecutorFromConfig(config, experiment, { notify: (message) => liveNotices.notify(message) });
  notices.push(`Evaluations: ${executor.description}.`);
  const site: EvaluationSite = {
    executor,
    experimentDir: experiment.dir,
    stepsDir: experiment.stepsDir,
    evaluatorCommand: experiment.evaluatorCommand,
    programFile: config.evaluator.program_file,
    timeoutMs,
    killGraceMs: config.evaluator.kill_grace * 1000,
    maxOutputBytes: config.evaluator.max_output_bytes,
    limits,
    env: envReport.env,
    sandbox,
    ...(experiment.project === null ? {} : { projectDir: experiment.project.dir }),
  };
  const staticCheck = loadStaticCheck({
    section: config.pipeline.static_check,
    experimentDir: experiment.dir,
    model: roleModel('static_check'),
    maxRetries: config.pipeline.max_retries.analyzer,
    runCommand: (program, { step, abortSignal }) =>
      runCheckCommand(site, config.pipeline.static_check.command ?? 'true', step, program, abortSignal),
  });
  notices.push(...staticCheck.notices);
  const engineer = createEngineer({
    ...site,
    task: experiment.task,
    stages,
    staticCheck: staticCheck.gate,
    debug,
    judge,
    reproduce,
  });

  const loop: LoopParts = {
    round: {
      settings: roundSettingsFromConfig(config, experiment),
      policy:
        options.policy ??
        createSamplingPolicy(config.database.sampling, { objectives: objectiveSettings(config.objectives) }),
      retrieve: config.cognition.retrieval.top_k > 0 ? cognition.retrieve : null,
      designer,
      novelty: noveltyGate === null ? null : { gate: noveltyGate, maxAttempts: novelty.max_attempts },
      engineer,
      analyst,
      fallbackAnalyst,
    },
    settings: loopSettingsFromConfig(config, experiment),
    recordFound: cognition.recordFound,
    liveNotices,
  };
  return {
    loop,
    notices,
    retriever: cognition.retriever,
    close: async () => {
      if (options.executor === undefined) await executor.close();
      await models.close();
    },
  };
}
