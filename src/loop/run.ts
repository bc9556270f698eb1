import { createRandom } from '../random.js';
import { withinStep } from './activity.js';
import type { SampleableNode } from '../sampling/index.js';
import { checkMaxSize, EvictionIndex } from '../sampling/index.js';
import {
  paretoFront,
  objectiveGaps,
  summaryMetrics,
  type JsonValue,
  type LlmCallRecord,
  type NewNode,
  type NodeRecord,
  type NodeSummary,
  type ObjectiveSettings,
} from '../domain/index.js';
import { callsMadeBefore, type LlmCallDraft } from './call-context.js';
import type { ProposedCognitionItem } from '../cognition/index.js';
import { messageOf } from '../errors.js';
import { BudgetReachedError, isFatal } from '../llm/index.js';
import type { LoopEvent, NoticeRelay } from './events.js';
import { createEngineer } from './engineer.js';
import type { WarmSandbox } from '../evaluation/index.js';
import { runRound, runSeedRound, type RoundParts, type RoundResult, type RunState } from './round.js';
import { projectDriftNotice } from './project-drift.js';
import { reproductionAfterSeed } from './seed-check.js';
import {
  createStepMirrorWriter,
  isSnapshotOf,
  moveAsideOldSteps,
  restoreStepMirrors,
  roundEndEvent,
  stepDirFor,
  stepMirrorOf,
  writeBestSnapshot,
  type StepMirrorWriter,
} from './step-files.js';

/** The store operations the loop needs (the SQLite store satisfies this). */
export interface LoopStore {
  insertNode(
    node: NewNode & { id?: number },
    extras: {
      calls?: LlmCallRecord[];
      visitedIds?: number[];
      samplerState?: { name: string; state: JsonValue };
      events?: ReadonlyArray<{ type: string; message: string; data?: Record<string, JsonValue> }>;
    },
  ): NodeRecord;
  deleteNodes(ids: readonly number[]): number;
  /** Stores one call outside a node (e.g. of a round that was cut short). */
  insertLlmCall(call: LlmCallRecord): number;
  getNode(id: number): NodeRecord | undefined;
  /** The steps of the newest `count` events of `type` (start-up finds the rounds stored last). */
  newestEventSteps(type: string, count: number): number[];
  /** A node's LLM calls in the order they were made (start-up rewrites step files a crash left unwritten). */
  listLlmCalls(filter: { nodeId: number }): LlmCallRecord[];
  /** What sampling sees of every node: start-up reads no program, analysis or results. */
  sampleableNodes(): SampleableNode[];
  /** Every node without its long texts; read at start-up only when database.max_size bounds the population. */
  nodeSummaries(): NodeSummary[];
  requireNode(id: number): NodeRecord;
  bestNode(): NodeRecord | undefined;
  hasSeed(): boolean;
  completedSteps(): Set<number>;
  loadSamplerState(name: string): JsonValue | undefined;
  /** Recomputes summary metrics when the flattened results objects changed; returns how many nodes changed. */
  resummarizeMetrics(flatten: readonly string[]): number;
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  addEvent(type: string, message: string, data?: Record<string, JsonValue>, step?: number | null): void;
  /** Read after every round: the store keeps it as a running total, so it costs the same at any size. */
  spendSummary(): { totalUsd: number };
}

/** What the loop itself reads, beyond a round's parts. */
export interface LoopSettings {
  /** `best/`: the snapshot of the best node. */
  bestDir: string;
  /** The name the program is written under in snapshots (`evaluator.program_file`). */
  programFile: string;
  /** The experiment's seed program, evaluated as node 0; null when it has none. */
  initialProgram: string | null;
  /** `database.max_size`: null keeps every node. */
  maxSize: number | null;
  /** A multi-file experiment's project folder: a run says when it changed since the last one. */
  projectDir?: string;
  /** The experiment's objectives (`objectives`); absent or null with one score. */
  objectives?: ObjectiveSettings | null;
}

/** A run's parts: a round's services, the loop's settings and its optional hooks. */
export interface LoopParts {
  round: RoundParts;
  settings: LoopSettings;
  /** Stores the cognition items an Analyzer proposed (cognition growth), or null when off. */
  recordFound:
    | ((
        nodeId: number,
        step: number,
        proposals: readonly ProposedCognitionItem[],
      ) => Promise<{ stored: unknown[]; skipped: unknown[] }>)
    | null;
  /** Notices raised while the run goes on (e.g. an evaluation waiting for a worker); the run shows and records them. */
  liveNotices: NoticeRelay | null;
}

/**
 * How many rounds ahead their sandboxes are started. Two, not one: a sandbox's start (about
 * 8 ms of bubblewrap on an idle machine, more under load) then has two rounds to get ready in,
 * and the spawner, busy starting the next sandbox at an evaluation's release, no longer delays
 * that evaluation's exit by the round's critical path (bench/round-overhead.ts: 0 nodes, 9–10 ms
 * a round against 11–13 with one). A waiting sandbox holds a few processes and no CPU.
 */
const warmAhead = 2;

/** The meta key holding the objectives the experiment's last run ranked by (JSON; `null` for one score). */
const objectivesMetaKey = 'objectives';

function describeObjectives(settings: ObjectiveSettings | null): string {
  if (settings === null) return 'eval_score alone';
  const names = settings.objectives.map((objective) => `${objective.name} (${objective.direction})`);
  return settings.instances === undefined ? names.join(', ') : `${names.join(', ')}, instances '${settings.instances}'`;
}

/**
 * Brings the stored summaries in line with this run's objectives and says what changed when an
 * experiment is resumed with other objectives than its last run (null when nothing did): nodes are
 * never dropped, their summaries are remade from their results when `instances` changed, and the
 * policy and every view rank them afresh on the objectives now configured.
 */
function reconcileObjectives(
  store: LoopStore,
  settings: ObjectiveSettings | null,
  flatten: readonly string[],
): string | null {
  const resummarized = store.resummarizeMetrics(flatten);
  const now = JSON.stringify(settings);
  const before = store.getMeta(objectivesMetaKey);
  store.setMeta(objectivesMetaKey, now);
  if (before === undefined || before === now) return null;
  let previous: ObjectiveSettings | null = null;
  try {
    previous = JSON.parse(before) as ObjectiveSettings | null;
  } catch {
    previous = null;
  }
  const remade = resummarized > 0 ? `; ${resummarized} node summaries were remade from their results` : '';
  return `The objectives changed since the last run (were: ${describeObjectives(previous)}; now: ${describeObjectives(settings)}): every stored node is kept and ranked again on the objectives now configured${remade}.`;
}

export interface RunLoopOptions {
  parts: LoopParts;
  store: LoopStore;
  /** Total rounds wanted for the experiment; rounds already stored count toward it. */
  steps: number;
  workers: number;
  seed: number;
  abortSignal?: AbortSignal;
  onEvent?: (event: LoopEvent) => void;
}

export interface RunSummary {
  reason: 'done' | 'interrupted' | 'budget';
  completed: number;
  target: number;
  ranThisTime: number;
  best: NodeRecord | null;
}

/**
 * The policy's view of a stored node, whole or summarised. A whole node's metrics are read from
 * its results as the store summarises them (`flatten`: the results objects kept as dotted metrics).
 */
export function toSampleable(node: NodeRecord | NodeSummary, flatten: readonly string[] = []): SampleableNode {
  const summarised = 'programLength' in node;
  return {
    id: node.id,
    step: node.step,
    score: node.score,
    success: node.success,
    visitCount: node.visitCount,
    island: node.island,
    programLength: summarised ? node.programLength : node.program.length,
    metrics: summarised ? node.metrics : summaryMetrics(node.results, flatten),
  };
}

function withIds(calls: readonly LlmCallDraft[], step: number): LlmCallRecord[] {
  return calls.map((call) => ({ ...call, nodeId: step, step }));
}

/**
 * Runs rounds until `steps` are stored, `workers` at a time, resuming whatever the store
 * already holds. The database is the only shared state: each round is stored in one
 * transaction, so a crash loses only the rounds in flight, which the next run redoes.
 * The step folders' files mirror the database; they are written after each commit off the
 * round's path, and all of them are on disk when the run returns, however it ends.
 */
export async function runLoop(options: RunLoopOptions): Promise<RunSummary> {
  const mirrors = createStepMirrorWriter();
  try {
    return await runLoopWith(options, mirrors);
  } catch (error) {
    // What stopped the run is what it reports; the files it had queued are written first.
    await mirrors.settle();
    throw error;
  }
}

async function runLoopWith(options: RunLoopOptions, mirrors: StepMirrorWriter): Promise<RunSummary> {
  const { parts, store, steps, workers } = options;
  const emit = (event: LoopEvent): void => options.onEvent?.(event);
  const random = createRandom(options.seed);
  const started = Date.now();
  const settings = parts.settings;
  // Replaced once the seed's two evaluations have set the reproduction tolerance.
  let round = parts.round;
  const policy = round.policy;
  const stepsDir = round.settings.stepsDir;

  const objectives = settings.objectives ?? null;
  const instancesKey = objectives?.instances;
  // Per-instance scores reach the policy and the stored summary as dotted metrics.
  const flattenMetrics: readonly string[] = instancesKey === undefined ? [] : [instancesKey];
  // Resumed with other objectives: the stored nodes are summarised and ranked on the new ones.
  const objectivesNotice = reconcileObjectives(store, objectives, flattenMetrics);
  const saved = store.loadSamplerState(policy.name);
  const stored = store.sampleableNodes();
  // The population is read from the store once, then kept in step with each commit; the policy
  // indexes it node by node, so no sampling decision rereads or rescans the whole database.
  const population = new Map(stored.map((node) => [node.id, node]));
  if (saved !== undefined) policy.restore(saved);
  for (const node of population.values()) policy.observe(node);

  // Only rounds up to the target count toward it; an earlier run may have stored more.
  const storedSteps = store.completedSteps();
  const completed = new Set([...storedSteps].filter((step) => step <= steps));
  // A run killed between a round's commit and its files: write them from the database.
  await restoreStepMirrors(stepsDir, store, storedSteps, workers);
  // Eviction (database.max_size): the evictable order of the stored nodes, and the nodes each round in flight sampled.
  const maxSize = settings.maxSize;
  checkMaxSize(maxSize);
  const evictable = maxSize === null ? null : EvictionIndex.from(store.nodeSummaries());
  const inFlight = new Map<number, readonly number[]>();
  // The run's live state, as its rounds see it: kept here, in step with each commit.
  const state: RunState = {
    population: () => population.values(),
    bestScore: () => best?.score ?? null,
    getNode: (id) => store.requireNode(id),
    claim: (step, ids) => inFlight.set(step, ids),
  };
  const evictIfFull = (): void => {
    if (evictable === null || maxSize === null || population.size <= maxSize) return;
    const spared = new Set([...inFlight.values()].flat());
    if (best !== null) spared.add(best.id);
    // With several objectives the front is what selection keeps: no member of it is evicted.
    if (objectives) {
      // The pareto policy keeps the front up to date; other policies leave it to be ranked here.
      const kept = policy.standings?.(objectives, []) ?? null;
      const front = kept === null ? paretoFront([...population.values()], objectives) : [...kept.values()];
      for (const member of front) if (member.rank === 0) spared.add(member.id);
    }
    const ids = evictable.evict(population.size - maxSize, spared);
    if (ids.length === 0) return;
    store.deleteNodes(ids);
    for (const id of ids) {
      population.delete(id);
      policy.forget(id);
    }
  };
  // Notices raised during the run (an evaluation waiting for a worker) are shown and recorded.
  parts.liveNotices?.listen((message) => {
    emit({ type: 'notice', message });
    try {
      store.addEvent('notice', message);
    } catch {
      // Raised after the run closed its store: shown, not recorded.
    }
  });
  const driftNotice = settings.projectDir === undefined ? null : projectDriftNotice(store, settings.projectDir);
  if (driftNotice !== null) {
    emit({ type: 'notice', message: driftNotice });
    store.addEvent('notice', driftNotice);
  }
  if (objectivesNotice !== null) {
    emit({ type: 'notice', message: objectivesNotice });
    store.addEvent('notice', objectivesNotice);
  }
  // A new or emptied database beside the step folders of an earlier run: keep them, out of the way.
  if (stored.length === 0) {
    const movedTo = moveAsideOldSteps(stepsDir);
    if (movedTo !== null) {
      const message = `The database holds no rounds, but ${stepsDir} held step folders of an earlier run: moved to ${movedTo}.`;
      emit({ type: 'notice', message });
      store.addEvent('notice', message);
    }
  }
  emit({
    type: 'run-start',
    completed: completed.size,
    beyondTarget: storedSteps.size - completed.size,
    target: steps,
    workers,
    designer: round.designer.name,
    resumed: stored.length > 0,
  });

  let best: NodeRecord | null = store.bestNode() ?? null;
  // A crash between a round's commit and its snapshot leaves best/ behind the store: bring it up to date.
  if (best !== null && !isSnapshotOf(settings.bestDir, best)) {
    writeBestSnapshot(settings.bestDir, best, settings.programFile);
  }
  let succeeded = stored.filter((node) => node.step > 0 && node.step <= steps && node.success).length;
  let ranThisTime = 0;

  // What keeps a successful node's results from counting on the objectives, said once per kind a run.
  const reportedGaps = new Set<string>();
  const objectiveGapNotices = (node: RoundResult['node']): Array<{ type: 'notice'; message: string }> => {
    if (settings.objectives == null || !node.success) return [];
    const fresh = objectiveGaps(node.results, settings.objectives).filter((gap) => !reportedGaps.has(gap.kind));
    for (const gap of fresh) reportedGaps.add(gap.kind);
    return fresh.map((gap) => ({ type: 'notice', message: `step ${node.step}: ${gap.message}` }));
  };
  /** Stores the round's node with its calls, visits, sampler state and events (`closing` after the round's own) in one transaction. */
  const commit = (result: RoundResult, closing: ReadonlyArray<{ type: string; message: string }> = []): NodeRecord => {
    const step = result.node.step;
    const gapNotices = objectiveGapNotices(result.node);
    policy.observe(toSampleable({ ...result.node, id: step, visitCount: 0, createdAt: '' }, flattenMetrics));
    const node = store.insertNode(
      { ...result.node, id: step, flattenMetrics },
      {
        calls: withIds(result.calls, step),
        visitedIds: result.visitedIds,
        samplerState: { name: policy.name, state: policy.state() },
        events: [...result.events, ...gapNotices, ...closing],
      },
    );
    for (const notice of gapNotices) emit({ type: 'notice', message: notice.message });
    evictable?.add(node);
    population.set(node.id, toSampleable(node, flattenMetrics));
    for (const id of result.visitedIds) {
      const visited = population.get(id);
      if (visited === undefined) continue;
      const counted = { ...visited, visitCount: visited.visitCount + 1 };
      population.set(id, counted);
      policy.observe(counted);
    }
    mirrors.write(stepMirrorOf(stepDirFor(stepsDir, step), result.calls, node));
    const isNewBest =
      node.success && node.score !== null && (best === null || best.score === null || node.score > best.score);
    if (isNewBest) {
      best = node;
      // Written at once, not queued: rare (a new best only), and start-up compares it with the store.
      writeBestSnapshot(settings.bestDir, node, settings.programFile);
    }
    return node;
  };

  // Cognition growth: what the Analyzer proposed is stored as found by the run (deduplicated, capped).
  // One round at a time: the duplicate check and the store would otherwise interleave across rounds.
  let growthQueue: Promise<void> = Promise.resolve();
  const growCognition = (node: NodeRecord, result: RoundResult): Promise<void> => {
    growthQueue = growthQueue.then(() => growCognitionNow(node, result));
    return growthQueue;
  };
  const growCognitionNow = async (node: NodeRecord, result: RoundResult): Promise<void> => {
    if (!parts.recordFound || result.proposedItems.length === 0) return;
    try {
      const grown = await parts.recordFound(node.id, node.step, result.proposedItems);
      store.addEvent(
        'cognition-grown',
        `${grown.stored.length} stored, ${grown.skipped.length} skipped`,
        {},
        node.step,
      );
    } catch (error) {
      store.addEvent('cognition-growth-failed', messageOf(error), {}, node.step);
    }
  };

  // The seed is evaluated once, as node 0, before round 1.
  const initialProgram = settings.initialProgram;
  const seedEvaluatedNow = initialProgram !== null && !store.hasSeed();
  if (initialProgram !== null && !store.hasSeed()) {
    const seedResult = await withinStep(0, emit, () => runSeedRound(round, state, initialProgram, options.abortSignal));
    // Interrupted while the seed ran: a round in flight, not a failed seed; the next run redoes it.
    if (options.abortSignal?.aborted) {
      for (const call of seedResult.calls) store.insertLlmCall({ ...call, nodeId: null, step: 0 });
      await mirrors.drain();
      emit({ type: 'run-end', reason: 'interrupted', completed: completed.size, target: steps, best });
      return { reason: 'interrupted', completed: completed.size, target: steps, ranThisTime: 0, best };
    }
    const seed = commit(seedResult);
    store.addEvent('seed-evaluated', `seed scored ${seed.score ?? 'n/a'}`, { success: seed.success }, 0);
    emit({ type: 'seed-evaluated', node: seed });
  }
  // The seed's two evaluations say whether the evaluator is stochastic, and so how closely a new best must reproduce.
  const seedNode = store.getNode(0);
  if (seedNode !== undefined) {
    const reproduce = round.engineer.settings.reproduce;
    const after = reproductionAfterSeed(reproduce, seedNode.metadata);
    if (after.settings !== reproduce)
      round = { ...round, engineer: createEngineer({ ...round.engineer.settings, reproduce: after.settings }) };
    if (after.notice !== null) {
      emit({ type: 'notice', message: after.notice });
      if (seedEvaluatedNow) store.addEvent('notice', after.notice, {}, 0);
    }
  }

  const pending: number[] = [];
  for (let step = 1; step <= steps; step++) if (!completed.has(step)) pending.push(step);
  let done = completed.size;
  const stopController = new AbortController();
  const signal = options.abortSignal
    ? AbortSignal.any([options.abortSignal, stopController.signal])
    : stopController.signal;
  let fatal: unknown = null;
  let budgetStop: unknown = null;

  // The next rounds' sandboxes, started when a round's evaluation starts (or, evaluated cold, when
  // it ends), so that each gets ready while the rounds before it are evaluated, analysed and
  // stored and its own designed (docs/architecture.md, “A round's seam: the warm sandbox”).
  const warmedSteps = new Map<number, WarmSandbox>();
  const warmNextSteps = (): void => {
    for (const next of pending.slice(0, warmAhead)) {
      if (warmedSteps.has(next) || signal.aborted) continue;
      const warm = round.engineer.warm?.(next) ?? null;
      if (warm !== null) warmedSteps.set(next, warm);
    }
  };

  const worker = async (): Promise<void> => {
    while (!signal.aborted) {
      const step = pending.shift();
      if (step === undefined) return;
      emit({ type: 'round-start', step });
      // This step's sandbox, started while the round before was evaluated, or now.
      const warmed = warmedSteps.get(step) ?? round.engineer.warm?.(step) ?? null;
      warmedSteps.delete(step);
      // The next steps' sandboxes start as this round's evaluation does; a round evaluated cold
      // starts them at its end.
      void warmed?.started.then(warmNextSteps);
      let result: RoundResult;
      try {
        result = await withinStep(step, emit, () => runRound(round, state, step, random, signal, warmed));
      } catch (error) {
        inFlight.delete(step);
        // The round is lost, but what it spent is not: keep its calls, filed under its step.
        const spent = callsMadeBefore(error);
        for (const call of spent) store.insertLlmCall({ ...call, nodeId: null, step });
        if (signal.aborted) return;
        if (BudgetReachedError.isInstance(error)) {
          // Stop scheduling, but let the rounds in flight finish and be stored.
          budgetStop ??= error;
          pending.length = 0;
          return;
        }
        if (isFatal(error)) {
          fatal = error;
          stopController.abort();
          return;
        }
        throw error;
      }
      // Interrupted mid-round: the round is in flight and is redone by the next run; what it spent is kept.
      if (signal.aborted) {
        inFlight.delete(step);
        for (const call of result.calls) store.insertLlmCall({ ...call, nodeId: null, step });
        return;
      }
      warmNextSteps();
      // The round-end event is written with the node: one commit (one fsync) per round, not two.
      const outcome = result.node.success ? `score ${result.node.score}` : (result.node.error ?? 'failed');
      const node = commit(result, [{ type: roundEndEvent, message: `step ${step}: ${outcome}` }]);
      inFlight.delete(step);
      await growCognition(node, result);
      evictIfFull();
      done++;
      ranThisTime++;
      if (node.success) succeeded++;
      emit({
        type: 'round-end',
        step,
        node,
        best,
        isNewBest: best?.id === node.id,
        completed: done,
        target: steps,
        succeeded,
        elapsedMs: Date.now() - started,
        spendUsd: store.spendSummary().totalUsd,
      });
    }
  };

  // A worker that fails unexpectedly (a bug, a store write) stops the others too: rounds that could not be stored would be wasted.
  const stopOnCrash = (error: unknown): never => {
    stopController.abort();
    throw error;
  };
  const results = await Promise.allSettled(
    Array.from({ length: Math.max(1, workers) }, () => worker().catch(stopOnCrash)),
  );
  for (const warm of warmedSteps.values()) void warm.discard();
  const crashed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (crashed) throw crashed.reason;
  if (fatal !== null) throw fatal;
  // Every file of the rounds stored is on disk before the run says it ended (a failed write stops it here).
  await mirrors.drain();
  if (budgetStop !== null) {
    const message = messageOf(budgetStop);
    store.addEvent('budget-reached', message, {}, null);
    emit({ type: 'run-end', reason: 'budget', completed: done, target: steps, best, message });
    return { reason: 'budget', completed: done, target: steps, ranThisTime, best };
  }
  const reason = options.abortSignal?.aborted ? 'interrupted' : 'done';
  emit({ type: 'run-end', reason, completed: done, target: steps, best });
  return { reason, completed: done, target: steps, ranThisTime, best };
}
