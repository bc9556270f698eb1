import { AsiEvolveError } from '../errors.js';
import { runLoop, stepDirFor, toSampleable, type Evaluated, type LoopEvent } from '../loop/index.js';
import type { JsonValue, NodeRecord } from '../store/index.js';
import { applyCandidateEdits, candidateEdits, type CandidateInput } from './file-changes.js';
import { agentAnalyst, agentDesigner, agentPolicy } from './agent-parts.js';
import { nextFreeStep } from './context-tools.js';
import type { McpSession } from './session.js';

/** Why an evaluation failed, as a word: the executor's reason (`timeout`, `exit-code`…), else the error's prefix. */
function failureReason(evaluated: Pick<Evaluated, 'success' | 'error' | 'metadata'>): string | null {
  if (evaluated.success) return null;
  const failure = evaluated.metadata.failure as { reason?: JsonValue } | undefined;
  if (typeof failure?.reason === 'string') return failure.reason;
  return evaluated.error?.split(':')[0] ?? 'unknown';
}

/**
 * `evaluate`: the round's engineer (stages on the configured executor, lost jobs retried, the
 * debug agent and judge when configured) on a candidate, in a scratch folder. Stores no node.
 * The static check is left to `record_node`, where it runs as in a round.
 */
export async function evaluateTool(session: McpSession, options: CandidateInput & { base_id?: number | undefined }) {
  const edits = candidateEdits(session, options);
  if (edits === null && options.base_id !== undefined)
    throw new AsiEvolveError('USAGE', 'base_id goes with files or edits: a whole program needs no base', {
      key: 'base_id',
    });
  const base = edits === null ? null : evaluationBase(session, options.base_id);
  // No known secret reaches a candidate, whatever the agent sent.
  const program =
    edits === null || base === null
      ? session.redact(options.program ?? '')
      : applyCandidateEdits(session, base.program, edits);
  const { engineer, step, folder } = session.scratch();
  const candidate = { step, program, name: 'mcp-evaluate', motivation: '', gate: false };
  const evaluated = await engineer.evaluate(candidate, {
    bestScore: session.store.bestNode()?.score ?? null,
    abortSignal: session.signal,
  });
  return {
    status: evaluated.success ? 'ok' : 'failed',
    score: evaluated.score,
    eval_score: evaluated.evalScore,
    reason: failureReason(evaluated),
    error: evaluated.error,
    results: evaluated.results,
    logs: evaluated.logs,
    runtime_ms: evaluated.runtimeMs,
    metadata: evaluated.metadata,
    folder,
    ...(base === null ? {} : { base_id: base.id, program }),
    // The debug agent may have repaired it: the program that was scored.
    ...(evaluated.program === program ? {} : { repaired_program: evaluated.program }),
  };
}

/**
 * The program that `evaluate`'s file changes apply to: node `baseId`, else the best node, else the
 * seed (stored, or read from the project when no node is stored yet).
 */
function evaluationBase(session: McpSession, baseId: number | undefined): { id: number | null; program: string } {
  const { store } = session;
  if (baseId !== undefined) {
    const node = store.getNode(baseId);
    if (node === undefined)
      throw new AsiEvolveError('USAGE', `base_id: no node ${baseId} in this experiment`, { key: 'base_id' });
    return node;
  }
  const best = store.bestNode();
  if (best !== undefined) return best;
  const seed = store.seedSummary();
  if (seed !== undefined) return store.requireNode(seed.id);
  const initial = session.experiment.initialProgram;
  if (initial === null)
    throw new AsiEvolveError('USAGE', 'no node and no seed to apply the changes to', { key: 'base_id' });
  return { id: null, program: initial };
}

export interface RecordNodeOptions extends CandidateInput {
  name: string;
  motivation: string;
  analysis: string;
  parent_ids?: number[] | undefined;
}

function checkParents(session: McpSession, ids: readonly number[]): void {
  const seen = new Set<number>();
  for (const id of ids) {
    if (seen.has(id))
      throw new AsiEvolveError('USAGE', `parent_ids: node ${id} is listed twice`, { key: 'parent_ids' });
    seen.add(id);
    if (session.store.getNode(id) === undefined) {
      throw new AsiEvolveError('USAGE', `parent_ids: no node ${id} in this experiment`, {
        key: 'parent_ids',
        hint: 'use the ids that sample_context, stats or best return',
      });
    }
  }
}

/**
 * `record_node`: one round of the loop whose Researcher and Analyzer are the agent. Under the run
 * lock, the seed is stored first if missing, then the loop evaluates the program as a round does
 * and stores it as the next free step (id = step) with the agent's analysis and parents, its
 * step folder and, on a new best, best/. Without `parent_ids` the parents are the policy's draw
 * for that step: the nodes `sample_context` showed.
 */
export async function recordNodeTool(session: McpSession, given: RecordNodeOptions) {
  const { config, store } = session;
  // Whatever the agent echoed, no known secret is stored or evaluated.
  const options: RecordNodeOptions = {
    ...given,
    ...(given.program === undefined ? {} : { program: session.redact(given.program) }),
    name: session.redact(given.name),
    motivation: session.redact(given.motivation),
    analysis: session.redact(given.analysis),
  };
  if (options.parent_ids !== undefined) checkParents(session, options.parent_ids);
  const edits = candidateEdits(session, options);
  const parentId = options.parent_ids?.[0];
  // File changes apply to the first parent: the one given (checked now), else the one the round draws.
  const program: string | ((parent: NodeRecord | null) => string) =
    edits === null
      ? (options.program ?? '')
      : parentId !== undefined
        ? applyCandidateEdits(session, store.requireNode(parentId).program, edits)
        : (parent) => applyCandidateEdits(session, parent?.program ?? session.experiment.initialProgram ?? '', edits);
  return session.withRunLock(async () => {
    await session.ensureSeed();
    if (session.signal.aborted) throw new AsiEvolveError('USAGE', 'the node was not stored: the server is closing');
    const step = nextFreeStep(store.completedSteps());
    const base = session.freshParts();
    const chosen = options.parent_ids?.map((id) => toSampleable(store.requireNode(id))) ?? null;
    let ended: Extract<LoopEvent, { type: 'round-end' }> | null = null;
    const summary = await runLoop({
      parts: {
        ...base,
        round: {
          ...base.round,
          designer: agentDesigner({ name: options.name, motivation: options.motivation, program }),
          analyst: agentAnalyst(options.analysis),
          policy: agentPolicy(base.round.policy, chosen),
          // One check, recorded on the node: asking the agent's fixed proposal again would change nothing.
          novelty: base.round.novelty ? { ...base.round.novelty, maxAttempts: 0 } : null,
        },
      },
      store,
      steps: step,
      workers: 1,
      seed: config.run.seed,
      abortSignal: session.signal,
      onEvent: (event) => {
        if (event.type === 'round-end') ended = event;
      },
    });
    const round = ended as Extract<LoopEvent, { type: 'round-end' }> | null;
    if (round === null) {
      const why =
        summary.reason === 'budget'
          ? 'the LLM budget is reached (budget.usd / budget.tokens)'
          : 'the server is closing';
      throw new AsiEvolveError('USAGE', `the node was not stored: ${why}`);
    }
    const { node } = round;
    return {
      id: node.id,
      step: node.step,
      name: node.name,
      score: node.score,
      eval_score: node.evalScore,
      success: node.success,
      error: node.error,
      is_new_best: round.isNewBest,
      best: round.best === null ? null : { id: round.best.id, score: round.best.score },
      parent_ids: node.parentIds,
      cognition_ids: node.cognitionIds,
      results: node.results,
      step_folder: stepDirFor(session.experiment.stepsDir, node.step),
    };
  });
}
