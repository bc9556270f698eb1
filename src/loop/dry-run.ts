import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Templates } from '../agents/index.js';
import { analyzerVariables, judgeVariables, researcherVariables } from '../agents/templates/variables.js';
import { importCognitionPaths, type CognitionItem } from '../cognition/index.js';
import type { Config, Experiment } from '../config/index.js';
import {
  checkContextBudget,
  costOf,
  estimateTokens,
  pricingOf,
  resolveRoleTarget,
  type ContextCheck,
  type PromptPart,
  type RoleName,
  type RoleTarget,
} from '../llm/index.js';
import { createRandom } from '../random.js';
import type { NodeRecord, StoredLlmCall } from '../store/index.js';

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

const mean = (values: number[]): number | undefined => (values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length);

/** Reads a history from what the store holds. */
export function historyFromStore(store: { listNodes(): NodeRecord[]; listLlmCalls(): StoredLlmCall[] }): RunHistory {
  const nodes = store.listNodes();
  const calls = store.listLlmCalls();
  const roles: RunHistory['roles'] = {};
  for (const role of new Set(calls.map((call) => call.role))) {
    const mine = calls.filter((call) => call.role === role);
    const nodesWithCalls = new Set(mine.map((call) => call.nodeId).filter((id) => id !== null)).size;
    const outputs = mine.filter((call) => call.error === null && call.usage.outputTokens !== undefined).map((call) => call.usage.outputTokens as number);
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
  totals: { calls: number; inputTokens: number; outputTokens: number; tokens: number; costUsd: number; priced: boolean };
  time: { workers: number; expectedSeconds: number | null; upperBoundSeconds: number };
  budget: { usd: number | undefined; tokens: number | undefined; spent: { usd: number; tokens: number }; withinBudget: boolean };
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

// Without history: what each role is expected to write (documented in `assumptions`).
const ANALYZER_OUTPUT_TOKENS = 400;
const JUDGE_OUTPUT_TOKENS = 100;
const MANAGER_INPUT_TOKENS = 1_500;
const MANAGER_OUTPUT_TOKENS = 2_500;
const DEFAULT_RESULTS_CHARS = 200;
const DEFAULT_LOG_CHARS = 500;
const TOKENS_PER_SECOND = 50;
const LATENCY_SECONDS = 2;
const LOG_BUDGET_CHARS = 24_000;

function fill(seed: string, length: number): string {
  const base = seed.trim() === '' ? 'The candidate changed one idea; the score moved as the metrics show. ' : seed;
  let text = base;
  while (text.length < length) text += `\n${base}`;
  return text.slice(0, Math.max(0, Math.round(length)));
}

function syntheticNode(id: number, program: string, analysis: string, resultsChars: number): NodeRecord {
  const results = { eval_score: 0.123456, success: true, note: fill('metric ', Math.max(0, resultsChars - 45)) };
  return {
    id, step: id, name: `candidate-${id}`, motivation: fill('Change one constant to raise the score. ', 160), program, results, analysis,
    score: 0.123456, evalScore: 0.123456, success: true, error: null, parentIds: [], cognitionIds: [], provenance: 'unknown',
    visitCount: 0, runtimeMs: 0, island: null, operator: 'llm', metadata: {},
    usage: { inputTokens: undefined, cachedInputTokens: undefined, outputTokens: undefined }, costUsd: 0, createdAt: '',
  };
}

function maxOutput(target: RoleTarget): number {
  return Math.min(...target.members.map((member) => member.settings.maxCompletionTokens ?? member.settings.maxTokens));
}

/**
 * Estimates the calls, tokens, cost and time of the configured run before it starts: each
 * round's researcher, analyzer and judge prompts are rendered with the real templates from the
 * experiment's task, its initial program (as the programs of the sampled nodes, as many as
 * there will be), its cognition items and expected analyses; tokens are counted at four
 * characters each. Output tokens and call counts come from the stored calls when the
 * experiment has history, else from the documented expectations in `assumptions`.
 *
 * @example
 * const estimate = estimateRun({ config, experiment, templates: loadTemplates(experiment.dir), history: historyFromStore(store) });
 * write(formatEstimate(estimate));
 */
export function estimateRun(options: EstimateRunOptions): RunEstimate {
  const { config, experiment, templates, history } = options;
  const steps = options.steps ?? config.run.steps;
  const pricing = pricingOf(config);
  const cognition = options.cognition ?? importCognitionPaths(experiment.cognitionFiles).items;
  const assumptions: string[] = ['tokens are estimated at 4 characters each'];
  const seedRound = experiment.initialProgram !== null && !(history?.hasSeed ?? false);
  const rounds = Math.max(0, steps - (history?.completedRounds ?? 0));
  const seedProgram = experiment.initialProgram ?? '';
  const programChars = history?.meanProgramChars ?? (seedProgram.length || 2000);
  const program = fill(seedProgram, programChars);
  const diffMode = config.pipeline.researcher.diff_based_evolution;
  const roleTarget = (role: RoleName): RoleTarget | null => resolveRoleTarget(config, role);
  const researcher = roleTarget('researcher');
  const analyzer = config.pipeline.agents.analyzer ? roleTarget('analyzer') : null;
  const judge = config.pipeline.judge.enabled ? roleTarget('judge') : null;

  const expectedOutput = (role: RoleName, target: RoleTarget, fallback: number): number => {
    const observed = history?.roles[role]?.meanOutputTokens;
    return Math.min(maxOutput(target), Math.round(observed ?? fallback));
  };
  const researcherOutput = researcher ? expectedOutput('researcher', researcher, 200 + (diffMode ? 0.3 : 1) * estimateTokens(program)) : 0;
  const analyzerOutput = analyzer ? expectedOutput('analyzer', analyzer, ANALYZER_OUTPUT_TOKENS) : 0;
  const analysisChars = history?.meanAnalysisChars ?? (analyzer ? analyzerOutput * 4 : 600);
  const resultsChars = history?.meanResultsChars ?? DEFAULT_RESULTS_CHARS;
  const analysis = fill('', analysisChars);
  if (!history || Object.keys(history.roles).length === 0) {
    assumptions.push(
      `no history: the researcher writes ~${researcherOutput} tokens (${diffMode ? 'edits of ~30 % of' : 'all of'} a program plus name and motivation), the analyzer ~${ANALYZER_OUTPUT_TOKENS}, the judge ~${JUDGE_OUTPUT_TOKENS}; results JSON ~${resultsChars} characters, evaluator logs ~${DEFAULT_LOG_CHARS}`,
    );
  }

  const storedBefore = (history?.completedRounds ?? 0) + ((history?.hasSeed ?? false) || seedRound ? 1 : 0);
  const inputs: Record<'researcher' | 'analyzer' | 'judge', number> = { researcher: 0, analyzer: 0, judge: 0 };
  const counts: Record<'researcher' | 'analyzer' | 'judge', number> = { researcher: 0, analyzer: 0, judge: 0 };
  const random = createRandom(0);
  const candidateResults = syntheticNode(0, '', '', resultsChars).results;
  const analyse = (parent: NodeRecord | null): void => {
    if (analyzer) {
      const context = { task: experiment.task, step: 1, name: 'candidate', motivation: fill('Change one constant. ', 160), program, success: true, score: 0.123456, results: candidateResults, error: null, logs: fill('', DEFAULT_LOG_CHARS), bestSampled: parent, parent };
      inputs.analyzer += estimateTokens(templates.analyzer.render(analyzerVariables(context, context.logs, 0)));
      counts.analyzer++;
    }
    if (judge) {
      inputs.judge += estimateTokens(templates.judge.render(judgeVariables({ task: experiment.task, program, results: candidateResults })));
      counts.judge++;
    }
  };
  if (seedRound) analyse(null);
  for (let index = 0; index < rounds; index++) {
    const available = storedBefore + index;
    const k = Math.min(config.pipeline.sample_n, available);
    const context = Array.from({ length: k }, (_, position) => syntheticNode(position, program, analysis, resultsChars));
    const parent = context[0] ?? null;
    // Each query retrieves top_k; later queries overlap the first by about half.
    const topK = config.cognition.retrieval.top_k;
    const retrieved = k === 0 || !experiment.cognitionFiles.length ? 0 : Math.min(cognition.length, topK + Math.ceil(((k - 1) * topK) / 2));
    if (researcher) {
      const design = { task: experiment.task, step: index + 1, parent, context, cognition: cognition.slice(0, retrieved), diffMode, maxCodeLength: config.pipeline.researcher.max_code_length, random };
      const template = diffMode && parent ? templates.researcherDiff : templates.researcher;
      inputs.researcher += estimateTokens(template.render(researcherVariables(design, diffMode && parent !== null)));
      counts.researcher++;
    }
    analyse(parent);
  }

  const roles: RoleEstimate[] = [];
  const addRole = (role: RoleName, target: RoleTarget | null, calls: number, inputTokens: number, outputPerCall: number): void => {
    if (!target || calls === 0) return;
    const factor = history?.roles[role]?.callsPerNode ?? 1;
    const totalCalls = Math.round(calls * factor);
    const input = Math.round(inputTokens * factor);
    const output = Math.round(totalCalls * outputPerCall);
    const weight = target.members.reduce((sum, member) => sum + member.weight, 0);
    let costUsd = 0;
    let priced = true;
    for (const member of target.members) {
      const share = member.weight / weight;
      const cost = costOf(member.settings.modelId, { inputTokens: input * share, cachedInputTokens: 0, outputTokens: output * share }, pricing);
      costUsd += cost.costUsd;
      priced &&= cost.priced || member.settings.provider === 'replay' || member.settings.provider === 'llama-cpp';
    }
    const perCallMs = history?.roles[role]?.meanDurationMs;
    const seconds = totalCalls * (perCallMs ? perCallMs / 1000 : LATENCY_SECONDS + outputPerCall / TOKENS_PER_SECOND);
    roles.push({ role, models: target.members.map((member) => member.settings.modelId), calls: totalCalls, inputTokens: input, outputTokens: output, costUsd, priced, seconds });
  };
  addRole('researcher', researcher, counts.researcher, inputs.researcher, researcherOutput);
  addRole('analyzer', analyzer, counts.analyzer, inputs.analyzer, analyzerOutput);
  if (judge) addRole('judge', judge, counts.judge, inputs.judge, expectedOutput('judge', judge, JUDGE_OUTPUT_TOKENS));
  const manager = config.pipeline.agents.manager ? roleTarget('manager') : null;
  const managerNeeded = manager && !existsSync(join(experiment.dir, 'prompts', 'analyzer.jinja2'));
  if (manager && managerNeeded) {
    addRole('manager', manager, 1, MANAGER_INPUT_TOKENS + estimateTokens(experiment.task), Math.min(maxOutput(manager), MANAGER_OUTPUT_TOKENS));
    assumptions.push(`the manager's one call: ~${MANAGER_INPUT_TOKENS} tokens of instructions plus the task in, ~${MANAGER_OUTPUT_TOKENS} out`);
  }
  if (!Object.keys(history?.roles ?? {}).length) assumptions.push(`LLM time: ${LATENCY_SECONDS} s per call plus ${TOKENS_PER_SECOND} output tokens per second`);

  const sum = (pick: (role: RoleEstimate) => number): number => roles.reduce((total, role) => total + pick(role), 0);
  const totals = { calls: sum((role) => role.calls), inputTokens: sum((role) => role.inputTokens), outputTokens: sum((role) => role.outputTokens), tokens: 0, costUsd: sum((role) => role.costUsd), priced: roles.every((role) => role.priced) };
  totals.tokens = totals.inputTokens + totals.outputTokens;

  const workers = config.pipeline.parallel.num_workers;
  const evaluations = rounds + (seedRound ? 1 : 0);
  const timeoutSeconds = config.evaluator.timeout ?? config.pipeline.engineer_timeout;
  const llmSeconds = sum((role) => role.seconds);
  const upperBoundSeconds = (llmSeconds + evaluations * timeoutSeconds) / workers;
  const expectedSeconds = history?.meanRuntimeMs === undefined ? null : (llmSeconds + (evaluations * history.meanRuntimeMs) / 1000) / workers;
  if (expectedSeconds === null) assumptions.push(`evaluation time unknown without history: the upper bound takes every evaluation at its ${timeoutSeconds} s limit`);

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

/** Each role's worst-case prompt: sample_n nodes with programs of max_code_length, top_k items per node, full logs. */
function worstCaseChecks(input: { config: Config; experiment: Experiment; templates: Templates; cognition: CognitionItem[]; researcher: RoleTarget | null; analyzer: RoleTarget | null; judge: RoleTarget | null }): ContextCheck[] {
  const { config, experiment, templates } = input;
  const length = config.pipeline.researcher.max_code_length;
  const program = fill(experiment.initialProgram ?? '', length);
  const analysis = fill('', 3000);
  const k = config.pipeline.sample_n;
  const context = Array.from({ length: k }, (_, position) => syntheticNode(position, program, analysis, 1000));
  const longest = [...input.cognition].sort((first, second) => second.content.length - first.content.length);
  const cognition = longest.slice(0, config.cognition.retrieval.top_k * k);
  const diffMode = config.pipeline.researcher.diff_based_evolution;
  const window = (target: RoleTarget): number => Math.min(...target.members.map((member) => member.settings.contextWindow));
  const prompts = [];
  if (input.researcher) {
    const design = { task: experiment.task, step: 1, parent: context[0] ?? null, context, cognition, diffMode, maxCodeLength: length, random: createRandom(0) };
    const rendered = (diffMode ? templates.researcherDiff : templates.researcher).render(researcherVariables(design, diffMode));
    const parts: PromptPart[] = [];
    for (const node of context.slice(1).reverse()) {
      parts.push({ kind: 'context-code', label: `code of #${node.id}`, text: node.program });
      parts.push({ kind: 'context-results', label: `results of #${node.id}`, text: JSON.stringify(node.results) });
      parts.push({ kind: 'context-analysis', label: `analysis of #${node.id}`, text: node.analysis });
    }
    for (const item of cognition) parts.push({ kind: 'cognition', label: `cognition ${item.id}`, text: `${item.title}\n${item.content}` });
    const trimmable = parts.reduce((sum, part) => sum + part.text.length, 0);
    parts.unshift({ kind: 'fixed', label: 'task, parent and instructions', text: rendered.slice(0, Math.max(0, rendered.length - trimmable)) });
    prompts.push({ role: 'researcher', modelId: input.researcher.members.map((member) => member.settings.modelId).join('/'), contextWindow: window(input.researcher), maxOutputTokens: maxOutput(input.researcher), parts });
  }
  if (input.analyzer) {
    const parent = context[0] ?? null;
    const logs = fill('', LOG_BUDGET_CHARS);
    const analysisContext = { task: experiment.task, step: 1, name: 'candidate', motivation: 'motivation', program, success: true, score: 1, results: parent?.results ?? {}, error: null, logs, bestSampled: parent, parent };
    const text = templates.analyzer.render(analyzerVariables(analysisContext, logs, 0));
    prompts.push({ role: 'analyzer', modelId: input.analyzer.members.map((member) => member.settings.modelId).join('/'), contextWindow: window(input.analyzer), maxOutputTokens: maxOutput(input.analyzer), parts: [{ kind: 'fixed' as const, label: 'analyzer prompt', text }] });
  }
  if (input.judge) {
    const text = templates.judge.render(judgeVariables({ task: experiment.task, program, results: { eval_score: 1 } }));
    prompts.push({ role: 'judge', modelId: input.judge.members.map((member) => member.settings.modelId).join('/'), contextWindow: window(input.judge), maxOutputTokens: maxOutput(input.judge), parts: [{ kind: 'fixed' as const, label: 'judge prompt', text }] });
  }
  return checkContextBudget(prompts);
}

function formatUsd(value: number): string {
  return `$${value < 1 ? value.toFixed(4) : value.toFixed(2)}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

const count = (value: number): string => Math.round(value).toLocaleString('en-US');

/** The estimate as text for the terminal. */
export function formatEstimate(estimate: RunEstimate): string {
  const lines = [`Dry run: ${estimate.rounds} rounds${estimate.seedRound ? ' plus the seed evaluation' : ''}; no model is called.`];
  if (estimate.roles.length === 0) lines.push('No LLM configured: the built-in operator runs at no cost.');
  for (const role of estimate.roles) {
    lines.push(
      `  ${role.role.padEnd(11)} ${role.models.join(', ')}: ${count(role.calls)} calls, ${count(role.inputTokens)} in + ${count(role.outputTokens)} out tokens, ${role.priced ? formatUsd(role.costUsd) : `${formatUsd(role.costUsd)} (no price known)`}`,
    );
  }
  const { totals, time, budget } = estimate;
  lines.push(`  total       ${count(totals.calls)} calls, ${count(totals.tokens)} tokens, ${formatUsd(totals.costUsd)}${totals.priced ? '' : ' (some models have no price: set pricing)'}`);
  const expected = time.expectedSeconds === null ? '' : `~${formatDuration(time.expectedSeconds)}, `;
  lines.push(`  time        ${expected}at most ~${formatDuration(time.upperBoundSeconds)} with ${time.workers} worker${time.workers === 1 ? '' : 's'}`);
  if (budget.usd !== undefined || budget.tokens !== undefined) {
    const limits = [budget.usd === undefined ? null : `${formatUsd(budget.usd)}`, budget.tokens === undefined ? null : `${count(budget.tokens)} tokens`].filter(Boolean).join(' and ');
    lines.push(`  budget      ${limits}; already spent ${formatUsd(budget.spent.usd)} / ${count(budget.spent.tokens)} tokens: ${budget.withinBudget ? 'the run fits' : 'the run will stop at the limit before its last round'}`);
  }
  for (const check of estimate.contextChecks) if (check.warning) lines.push(`  context     ${check.warning}`);
  lines.push(`Assumptions: ${estimate.assumptions.join('; ')}.`);
  return `${lines.join('\n')}\n`;
}
