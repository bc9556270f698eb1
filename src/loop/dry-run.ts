import { formatUsd } from '../domain/index.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Templates } from '../agents/index.js';
import { analyzerVariables, judgeVariables, researcherVariables } from '../agents/index.js';
import { importCognitionPaths, type CognitionItem } from '../cognition/index.js';
import type { Config, Experiment } from '../config/index.js';
import {
  checkContextBudget,
  costOf,
  estimateTokens,
  pricingOf,
  providerDescriptor,
  resolveRoleTarget,
  type ContextCheck,
  type Pricing,
  type PromptPart,
  type RoleName,
  type RolePrompt,
  type RoleTarget,
} from '../llm/index.js';
import { createRandom } from '../random.js';
import { nodeRecord, type NodeRecord, type StoredLlmCall } from '../store/index.js';

/** What an experiment's earlier rounds tell about the next ones. */
export interface RunHistory {
  /** Rounds already stored (node 0 excluded) and whether the seed is stored. */
  completedRounds: number;
  hasSeed: boolean;
  meanProgramChars: number | undefined;
  meanAnalysisChars: number | undefined;
  meanResultsChars: number | undefined;
  meanRuntimeMs: number | undefined;
  /** Per role: attempts per node that used the role, mean output tokens of successful calls, mean duration. */
  roles: Record<string, { callsPerNode: number; meanOutputTokens: number | undefined; meanDurationMs: number }>;
  spent: { usd: number; tokens: number };
}

const mean = (values: number[]): number | undefined =>
  values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;

/** Reads a history from what the store holds. */
export function historyFromStore(store: { listNodes(): NodeRecord[]; listLlmCalls(): StoredLlmCall[] }): RunHistory {
  const nodes = store.listNodes();
  const calls = store.listLlmCalls();
  const roles: RunHistory['roles'] = {};
  for (const role of new Set(calls.map((call) => call.role))) {
    const mine = calls.filter((call) => call.role === role);
    const nodesWithCalls = new Set(mine.map((call) => call.nodeId).filter((id) => id !== null)).size;
    const outputs = mine
      .filter((call) => call.error === null && call.usage.outputTokens !== undefined)
      .map((call) => call.usage.outputTokens as number);
    roles[role] = {
      callsPerNode: nodesWithCalls === 0 ? 1 : mine.filter((call) => call.nodeId !== null).length / nodesWithCalls,
      meanOutputTokens: mean(outputs),
      meanDurationMs: mean(mine.map((call) => call.durationMs)) ?? 0,
    };
  }
  const successful = nodes.filter((node) => node.program !== '');
  const tokens = calls.reduce((sum, call) => sum + (call.usage.inputTokens ?? 0) + (call.usage.outputTokens ?? 0), 0);
  return {
    completedRounds: nodes.filter((node) => node.step > 0).length,
    hasSeed: nodes.some((node) => node.step === 0),
    meanProgramChars: mean(successful.map((node) => node.program.length)),
    meanAnalysisChars: mean(nodes.filter((node) => node.analysis !== '').map((node) => node.analysis.length)),
    meanResultsChars: mean(nodes.map((node) => JSON.stringify(node.results).length)),
    meanRuntimeMs: mean(nodes.filter((node) => node.runtimeMs > 0).map((node) => node.runtimeMs)),
    roles,
    spent: { usd: calls.reduce((sum, call) => sum + call.costUsd, 0), tokens },
  };
}

/** The estimate of one role over the run. */
export interface RoleEstimate {
  role: RoleName;
  models: string[];
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** False when a model of the role has no known price (its calls count $0). */
  priced: boolean;
  /** Seconds of LLM time over the run. */
  seconds: number;
}

/** What a configured run will take, estimated from the real templates and the experiment's files, calling no model. */
export interface RunEstimate {
  rounds: number;
  seedRound: boolean;
  roles: RoleEstimate[];
  totals: {
    calls: number;
    inputTokens: number;
    outputTokens: number;
    tokens: number;
    costUsd: number;
    priced: boolean;
  };
  time: { workers: number; expectedSeconds: number | null; upperBoundSeconds: number };
  budget: {
    usd: number | undefined;
    tokens: number | undefined;
    spent: { usd: number; tokens: number };
    withinBudget: boolean;
  };
  contextChecks: ContextCheck[];
  /** How each figure was obtained, for the reader. */
  assumptions: string[];
}

export interface EstimateRunOptions {
  config: Config;
  experiment: Experiment;
  templates: Templates;
  /** Total rounds wanted. @default config.run.steps */
  steps?: number;
  history?: RunHistory;
  /** @default imported from the experiment's cognition files */
  cognition?: CognitionItem[];
}

// Without history: what each role is expected to write (stated in `assumptions`).
const ANALYZER_OUTPUT_TOKENS = 400;
const JUDGE_OUTPUT_TOKENS = 100;
const MANAGER_INPUT_TOKENS = 1_500;
const MANAGER_OUTPUT_TOKENS = 2_500;
const DEFAULT_RESULTS_CHARS = 200;
const DEFAULT_LOG_CHARS = 500;
const TOKENS_PER_SECOND = 50;
const LATENCY_SECONDS = 2;
/** The evaluator output the preset shows the Analyzer at most. */
const LOG_BUDGET_CHARS = 24_000;
const SCORE = 0.123456;

/** `seed` repeated (or cut) to `length` characters; a neutral sentence when `seed` is empty. */
function fill(seed: string, length: number): string {
  const base = seed.trim() === '' ? 'The candidate changed one idea; the score moved as the metrics show. ' : seed;
  let text = base;
  while (text.length < length) text += `\n${base}`;
  return text.slice(0, Math.max(0, Math.round(length)));
}

function syntheticNode(id: number, program: string, analysis: string, resultsChars: number): NodeRecord {
  return nodeRecord({
    id,
    name: `candidate-${id}`,
    motivation: fill('Change one constant to raise the score. ', 160),
    program,
    results: { eval_score: SCORE, success: true, note: fill('metric ', Math.max(0, resultsChars - 45)) },
    analysis,
    score: SCORE,
    evalScore: SCORE,
    operator: 'llm',
  });
}

function maxOutput(target: RoleTarget): number {
  return Math.min(...target.members.map((member) => member.settings.maxCompletionTokens ?? member.settings.maxTokens));
}

function contextWindow(target: RoleTarget): number {
  return Math.min(...target.members.map((member) => member.settings.contextWindow));
}

function modelsOf(target: RoleTarget): string {
  return target.members.map((member) => member.settings.modelId).join('/');
}

/** The cost of a role's tokens, split over its ensemble members by weight. */
function priceRole(
  target: RoleTarget,
  input: number,
  output: number,
  pricing: Pricing,
): { costUsd: number; priced: boolean } {
  const weight = target.members.reduce((sum, member) => sum + member.weight, 0);
  let costUsd = 0;
  let priced = true;
  for (const member of target.members) {
    const share = member.weight / weight;
    const usage = { inputTokens: input * share, cachedInputTokens: 0, outputTokens: output * share };
    const cost = costOf(member.settings.modelId, usage, pricing);
    costUsd += cost.costUsd;
    // A provider whose calls cost nothing (a replay, a local model): no price is missing.
    priced &&= cost.priced || !providerDescriptor(member.settings.provider).costs;
  }
  return { costUsd, priced };
}

type Counted = Record<'researcher' | 'analyzer' | 'judge', number>;

interface PromptInputs {
  experiment: Experiment;
  templates: Templates;
  config: Config;
  roles: { researcher: boolean; analyzer: boolean; judge: boolean };
  program: string;
  analysis: string;
  resultsChars: number;
  cognition: CognitionItem[];
  seedRound: boolean;
  /** Nodes stored before the first round of this run. */
  storedBefore: number;
  rounds: number;
}

/** Renders every prompt of the run, round by round, with as many context nodes as each round will have. */
function promptTokens(input: PromptInputs): { tokens: Counted; calls: Counted } {
  const { experiment, templates, config } = input;
  const tokens: Counted = { researcher: 0, analyzer: 0, judge: 0 };
  const calls: Counted = { researcher: 0, analyzer: 0, judge: 0 };
  const results = syntheticNode(0, '', '', input.resultsChars).results;
  const diffMode = config.pipeline.researcher.diff_based_evolution;
  const topK = config.cognition.retrieval.top_k;
  const logs = fill('', DEFAULT_LOG_CHARS);
  const analyse = (parent: NodeRecord | null): void => {
    if (input.roles.analyzer) {
      const motivation = fill('Change one constant. ', 160);
      const candidate = {
        task: experiment.task,
        step: 1,
        name: 'candidate',
        motivation,
        program: input.program,
        success: true,
      };
      const context = { ...candidate, score: SCORE, results, error: null, logs, bestSampled: parent, parent };
      tokens.analyzer += estimateTokens(templates.analyzer.render(analyzerVariables(context, logs, 0)));
      calls.analyzer++;
    }
    if (input.roles.judge) {
      tokens.judge += estimateTokens(
        templates.judge.render(judgeVariables({ task: experiment.task, program: input.program, results })),
      );
      calls.judge++;
    }
  };
  if (input.seedRound) analyse(null);
  for (let index = 0; index < input.rounds; index++) {
    const k = Math.min(config.pipeline.sample_n, input.storedBefore + index);
    const context = Array.from({ length: k }, (_, id) =>
      syntheticNode(id, input.program, input.analysis, input.resultsChars),
    );
    const parent = context[0] ?? null;
    // One query per sampled node, top_k each; later queries overlap the first by about half.
    const retrieved = k === 0 ? 0 : Math.min(input.cognition.length, topK + Math.ceil(((k - 1) * topK) / 2));
    if (input.roles.researcher) {
      const diff = diffMode && parent !== null;
      const design = {
        task: experiment.task,
        step: index + 1,
        parent,
        context,
        cognition: input.cognition.slice(0, retrieved),
        diffMode,
        maxCodeLength: config.pipeline.researcher.max_code_length,
        random: createRandom(index),
      };
      tokens.researcher += estimateTokens(
        (diff ? templates.researcherDiff : templates.researcher).render(researcherVariables(design, diff)),
      );
      calls.researcher++;
    }
    analyse(parent);
  }
  return { tokens, calls };
}

/**
 * Estimates the calls, tokens, cost and time of the configured run before it starts: each
 * round's researcher, analyzer and judge prompts are rendered with the real templates from the
 * experiment's task, its initial program (as the programs of the sampled nodes, as many as
 * each round will have), its cognition items and expected analyses; tokens are counted at four
 * characters each. Output tokens and calls per node come from the stored calls when the
 * experiment has history, else from the expectations stated in `assumptions`.
 *
 * @example
 * const estimate = estimateRun({ config, experiment, templates: loadTemplates(experiment.dir), history: historyFromStore(store) });
 * write(formatEstimate(estimate));
 */
export function estimateRun(options: EstimateRunOptions): RunEstimate {
  const { config, experiment, templates, history } = options;
  const pricing = pricingOf(config);
  const cognition = options.cognition ?? importCognitionPaths(experiment.cognitionFiles).items;
  const assumptions: string[] = ['tokens are estimated at 4 characters each'];
  const seedRound = experiment.initialProgram !== null && !(history?.hasSeed ?? false);
  const rounds = Math.max(0, (options.steps ?? config.run.steps) - (history?.completedRounds ?? 0));
  const seedProgram = experiment.initialProgram ?? '';
  const program = fill(seedProgram, history?.meanProgramChars ?? (seedProgram.length || 2000));
  const diffMode = config.pipeline.researcher.diff_based_evolution;
  const researcher = resolveRoleTarget(config, 'researcher');
  const analyzer = config.pipeline.agents.analyzer ? resolveRoleTarget(config, 'analyzer') : null;
  const judge = config.pipeline.judge.enabled ? resolveRoleTarget(config, 'judge') : null;
  const hasHistory = history !== undefined && Object.keys(history.roles).length > 0;

  const expectedOutput = (role: RoleName, target: RoleTarget | null, fallback: number): number =>
    target ? Math.min(maxOutput(target), Math.round(history?.roles[role]?.meanOutputTokens ?? fallback)) : 0;
  const output = {
    researcher: expectedOutput('researcher', researcher, 200 + (diffMode ? 0.3 : 1) * estimateTokens(program)),
    analyzer: expectedOutput('analyzer', analyzer, ANALYZER_OUTPUT_TOKENS),
    judge: expectedOutput('judge', judge, JUDGE_OUTPUT_TOKENS),
  };
  const resultsChars = history?.meanResultsChars ?? DEFAULT_RESULTS_CHARS;
  if (!hasHistory) {
    assumptions.push(
      `no history: the researcher writes ~${output.researcher} tokens (${diffMode ? 'edits of ~30 % of' : 'all of'} a program, ` +
        `plus name and motivation), the analyzer ~${ANALYZER_OUTPUT_TOKENS}, the judge ~${JUDGE_OUTPUT_TOKENS}; ` +
        `results JSON ~${resultsChars} characters, evaluator logs ~${DEFAULT_LOG_CHARS}`,
      `LLM time: ${LATENCY_SECONDS} s per call plus ${TOKENS_PER_SECOND} output tokens per second`,
    );
  }
  const { tokens, calls } = promptTokens({
    experiment,
    templates,
    config,
    roles: { researcher: researcher !== null, analyzer: analyzer !== null, judge: judge !== null },
    program,
    analysis: fill('', history?.meanAnalysisChars ?? (analyzer ? output.analyzer * 4 : 600)),
    resultsChars,
    cognition,
    seedRound,
    storedBefore: (history?.completedRounds ?? 0) + ((history?.hasSeed ?? false) || seedRound ? 1 : 0),
    rounds,
  });

  const roles: RoleEstimate[] = [];
  const addRole = (
    role: RoleName,
    target: RoleTarget | null,
    callCount: number,
    inputTokens: number,
    outputPerCall: number,
  ): void => {
    if (!target || callCount === 0) return;
    // Retries and parse follow-ups: as many calls per node as history shows.
    const factor = history?.roles[role]?.callsPerNode ?? 1;
    const total = Math.round(callCount * factor);
    const input = Math.round(inputTokens * factor);
    const outputTokens = Math.round(total * outputPerCall);
    const perCallMs = history?.roles[role]?.meanDurationMs;
    const seconds = total * (perCallMs ? perCallMs / 1000 : LATENCY_SECONDS + outputPerCall / TOKENS_PER_SECOND);
    const models = target.members.map((member) => member.settings.modelId);
    roles.push({
      role,
      models,
      calls: total,
      inputTokens: input,
      outputTokens,
      ...priceRole(target, input, outputTokens, pricing),
      seconds,
    });
  };
  addRole('researcher', researcher, calls.researcher, tokens.researcher, output.researcher);
  addRole('analyzer', analyzer, calls.analyzer, tokens.analyzer, output.analyzer);
  addRole('judge', judge, calls.judge, tokens.judge, output.judge);
  const manager = config.pipeline.agents.manager ? resolveRoleTarget(config, 'manager') : null;
  if (manager && !existsSync(join(experiment.dir, 'prompts', 'analyzer.jinja2'))) {
    const managerOutput = Math.min(maxOutput(manager), MANAGER_OUTPUT_TOKENS);
    addRole('manager', manager, 1, MANAGER_INPUT_TOKENS + estimateTokens(experiment.task), managerOutput);
    assumptions.push(
      `the manager's one call: ~${MANAGER_INPUT_TOKENS} tokens of instructions plus the task in, ~${MANAGER_OUTPUT_TOKENS} out`,
    );
  }

  const sum = (pick: (role: RoleEstimate) => number): number => roles.reduce((total, role) => total + pick(role), 0);
  const inputTokens = sum((role) => role.inputTokens);
  const outputTokens = sum((role) => role.outputTokens);
  const totals = {
    calls: sum((role) => role.calls),
    inputTokens,
    outputTokens,
    tokens: inputTokens + outputTokens,
    costUsd: sum((role) => role.costUsd),
    priced: roles.every((role) => role.priced),
  };

  const workers = config.pipeline.parallel.num_workers;
  const evaluations = rounds + (seedRound ? 1 : 0);
  const timeoutSeconds = config.evaluator.timeout ?? config.pipeline.engineer_timeout;
  const llmSeconds = sum((role) => role.seconds);
  const upperBoundSeconds = (llmSeconds + evaluations * timeoutSeconds) / workers;
  const meanRuntimeMs = history?.meanRuntimeMs;
  const expectedSeconds =
    meanRuntimeMs === undefined ? null : (llmSeconds + (evaluations * meanRuntimeMs) / 1000) / workers;
  if (expectedSeconds === null) {
    assumptions.push(
      `evaluation time unknown without history: the upper bound takes every evaluation at its ${timeoutSeconds} s limit`,
    );
  }

  const spent = history?.spent ?? { usd: 0, tokens: 0 };
  const withinBudget =
    (config.budget.usd === undefined || spent.usd + totals.costUsd <= config.budget.usd) &&
    (config.budget.tokens === undefined || spent.tokens + totals.tokens <= config.budget.tokens);

  return {
    rounds,
    seedRound,
    roles,
    totals,
    time: { workers, expectedSeconds, upperBoundSeconds },
    budget: { usd: config.budget.usd, tokens: config.budget.tokens, spent, withinBudget },
    contextChecks: worstCaseChecks({ config, experiment, templates, cognition, researcher, analyzer, judge }),
    assumptions,
  };
}

interface WorstCaseInput {
  config: Config;
  experiment: Experiment;
  templates: Templates;
  cognition: CognitionItem[];
  researcher: RoleTarget | null;
  analyzer: RoleTarget | null;
  judge: RoleTarget | null;
}

/**
 * Each role's worst-case prompt against its context window: sample_n nodes with programs of
 * max_code_length, the longest cognition items, evaluator logs at the Analyzer's budget.
 */
function worstCaseChecks(input: WorstCaseInput): ContextCheck[] {
  const { config, experiment, templates } = input;
  const length = config.pipeline.researcher.max_code_length;
  const program = fill(experiment.initialProgram ?? '', length);
  const k = config.pipeline.sample_n;
  const context = Array.from({ length: k }, (_, id) => syntheticNode(id, program, fill('', 3000), 1000));
  const longest = [...input.cognition].sort((first, second) => second.content.length - first.content.length);
  const cognition = longest.slice(0, config.cognition.retrieval.top_k * k);
  const diffMode = config.pipeline.researcher.diff_based_evolution;
  const prompts: RolePrompt[] = [];
  const add = (role: string, target: RoleTarget, parts: PromptPart[]): void => {
    prompts.push({
      role,
      modelId: modelsOf(target),
      contextWindow: contextWindow(target),
      maxOutputTokens: maxOutput(target),
      parts,
    });
  };
  if (input.researcher) {
    const parent = context[0] ?? null;
    const design = {
      task: experiment.task,
      step: 1,
      parent,
      context,
      cognition,
      diffMode,
      maxCodeLength: length,
      random: createRandom(0),
    };
    const rendered = (diffMode ? templates.researcherDiff : templates.researcher).render(
      researcherVariables(design, diffMode),
    );
    const parts: PromptPart[] = [];
    for (const node of context.slice(1)) {
      parts.push({ kind: 'context-code', label: `code of #${node.id}`, text: node.program });
      parts.push({ kind: 'context-results', label: `results of #${node.id}`, text: JSON.stringify(node.results) });
      parts.push({ kind: 'context-analysis', label: `analysis of #${node.id}`, text: node.analysis });
    }
    for (const item of cognition)
      parts.push({ kind: 'cognition', label: `cognition ${item.id}`, text: `${item.title}\n${item.content}` });
    // What is not trimmable: the task, the parent, the instructions (the rest of the rendered prompt).
    const trimmable = parts.reduce((sum, part) => sum + part.text.length, 0);
    const fixed = rendered.slice(0, Math.max(0, rendered.length - trimmable));
    add('researcher', input.researcher, [
      { kind: 'fixed', label: 'task, parent and instructions', text: fixed },
      ...parts,
    ]);
  }
  if (input.analyzer) {
    const parent = context[0] ?? null;
    const logs = fill('', LOG_BUDGET_CHARS);
    const candidate = {
      task: experiment.task,
      step: 1,
      name: 'candidate',
      motivation: 'motivation',
      program,
      success: true,
      score: SCORE,
    };
    const analysisContext = {
      ...candidate,
      results: parent?.results ?? {},
      error: null,
      logs,
      bestSampled: parent,
      parent,
    };
    const text = templates.analyzer.render(analyzerVariables(analysisContext, logs, 0));
    add('analyzer', input.analyzer, [{ kind: 'fixed', label: 'analyzer prompt', text }]);
  }
  if (input.judge) {
    const text = templates.judge.render(
      judgeVariables({ task: experiment.task, program, results: { eval_score: SCORE } }),
    );
    add('judge', input.judge, [{ kind: 'fixed', label: 'judge prompt', text }]);
  }
  return checkContextBudget(prompts);
}

function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

const count = (value: number): string => Math.round(value).toLocaleString('en-US');

/** The estimate as text for the terminal. */
export function formatEstimate(estimate: RunEstimate): string {
  const { totals, time, budget } = estimate;
  const lines = [
    `Dry run: ${estimate.rounds} rounds${estimate.seedRound ? ' plus the seed evaluation' : ''}; no model is called.`,
  ];
  if (estimate.roles.length === 0) lines.push('No LLM configured: the built-in operator runs at no cost.');
  for (const role of estimate.roles) {
    const cost = role.priced ? formatUsd(role.costUsd) : `${formatUsd(role.costUsd)} (no price known)`;
    const tokens = `${count(role.inputTokens)} in + ${count(role.outputTokens)} out tokens`;
    lines.push(`  ${role.role.padEnd(11)} ${role.models.join(', ')}: ${count(role.calls)} calls, ${tokens}, ${cost}`);
  }
  const unpriced = totals.priced ? '' : ' (some models have no price: set pricing)';
  lines.push(
    `  total       ${count(totals.calls)} calls, ${count(totals.tokens)} tokens, ${formatUsd(totals.costUsd)}${unpriced}`,
  );
  const expected = time.expectedSeconds === null ? '' : `~${formatDuration(time.expectedSeconds)}, `;
  const workers = `${time.workers} worker${time.workers === 1 ? '' : 's'}`;
  lines.push(`  time        ${expected}at most ~${formatDuration(time.upperBoundSeconds)} with ${workers}`);
  if (budget.usd !== undefined || budget.tokens !== undefined) {
    const limits = [
      budget.usd === undefined ? null : formatUsd(budget.usd),
      budget.tokens === undefined ? null : `${count(budget.tokens)} tokens`,
    ];
    const verdict = budget.withinBudget ? 'the run fits' : 'the run will stop at the limit before its last round';
    const spent = `${formatUsd(budget.spent.usd)} / ${count(budget.spent.tokens)} tokens`;
    lines.push(`  budget      ${limits.filter(Boolean).join(' and ')}; already spent ${spent}: ${verdict}`);
  }
  for (const check of estimate.contextChecks) if (check.warning) lines.push(`  context     ${check.warning}`);
  lines.push(`Assumptions: ${estimate.assumptions.join('; ')}.`);
  return `${lines.join('\n')}\n`;
}
