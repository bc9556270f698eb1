import { retrievalThreshold, type CognitionItem } from '../cognition/index.js';
import { objectiveSettings } from '../config/index.js';
import type { FrontMember } from '../domain/index.js';
import { AsiEvolveError, messageOf } from '../errors.js';
import { objectivesView, retrievalQueries, toSampleable } from '../loop/index.js';
import { createRandom } from '../random.js';
import type { SamplingPolicy } from '../sampling/index.js';
import type { NodeRecord } from '../store/index.js';
import type { McpSession } from './session.js';

/** The step a new node gets: the lowest one no round has stored (the loop gives id = step). */
export function nextFreeStep(completed: ReadonlySet<number>): number {
  let step = 1;
  while (completed.has(step)) step++;
  return step;
}

/** The configured policy with the state `runLoop` starts from: the saved sampler state, then every stored node observed. */
export function restoredPolicy(session: McpSession): SamplingPolicy {
  const { policy } = session.freshParts().round;
  const saved = session.store.loadSamplerState(policy.name);
  if (saved !== undefined) policy.restore(saved);
  for (const node of session.store.nodeSummaries()) policy.observe(toSampleable(node));
  return policy;
}

function contextNode(node: NodeRecord) {
  return {
    id: node.id,
    step: node.step,
    name: node.name,
    score: node.score,
    success: node.success,
    error: node.error,
    motivation: node.motivation,
    analysis: node.analysis,
    results: node.results,
    program: node.program,
  };
}

function cognitionEntry(item: CognitionItem) {
  return { id: item.id, title: item.title, content: item.content, source: item.source, tags: item.tags };
}

/**
 * `sample_context`: what the Researcher of the next round would be shown. The seed is evaluated
 * first when it is not stored yet (unless a run holds the lock: it stores the seed itself). With
 * objectives it adds them, and each context node's `standing` (on the front or its rank, its
 * values, the instances it wins).
 */
export async function sampleContextTool(session: McpSession, options: { n?: number | undefined }) {
  const { config, experiment, store, parts } = session;
  const notes: string[] = [];
  if (experiment.initialProgram !== null && !store.hasSeed()) {
    try {
      await session.withRunLock(() => session.ensureSeed());
    } catch (error) {
      if (!AsiEvolveError.isInstance(error) || error.code !== 'STORE_BUSY') throw error;
      notes.push(`the seed is not stored yet and ${error.message}: it stores the seed`);
    }
  }
  const step = nextFreeStep(store.completedSteps());
  const n = options.n ?? config.pipeline.sample_n;
  // The same draw as the round `step` of a run: the run's seed, forked by step.
  const policy = restoredPolicy(session);
  const selection = policy.select({ n, random: createRandom(config.run.seed).fork(`select:${step}`) });
  const context = selection.context.map((candidate) => store.requireNode(candidate.id));
  // With objectives, where each sampled node stands, read as a round reads it for the Researcher's
  // prompt: from the policy's kept fronts, not by ranking every stored node at each call.
  const objectives = objectiveSettings(config.objectives);
  const standings =
    objectivesView(
      policy,
      context.map((node) => node.id),
      () => store.nodeSummaries().map((node) => toSampleable(node)),
      objectives,
    )?.standings ?? null;
  const standingOf = (id: number): FrontMember | null => standings?.get(id) ?? null;

  // As a round retrieves.
  let cognition: CognitionItem[] = [];
  if (parts.round.retrieve) {
    try {
      cognition = await parts.round.retrieve(retrievalQueries(context, experiment.task));
    } catch (error) {
      notes.push(`cognition retrieval failed: ${messageOf(error)}`);
    }
  }
  return {
    step,
    parent_id: selection.parent?.id ?? null,
    island: selection.island,
    diff_mode: config.pipeline.researcher.diff_based_evolution,
    context: context.map((node) =>
      standings === null
        ? contextNode(node)
        : {
            ...contextNode(node),
            standing: {
              on_front: standingOf(node.id)?.rank === 0,
              rank: standingOf(node.id)?.rank ?? null,
              feasible: standingOf(node.id)?.feasible ?? null,
              values: standingOf(node.id)?.values ?? null,
              wins_instances: standingOf(node.id)?.winsInstances ?? [],
            },
          },
    ),
    ...(objectives === null ? {} : { objectives: objectives.objectives, instances: objectives.instances ?? null }),
    cognition: cognition.map(cognitionEntry),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** `search_cognition`: the items closest to a text, as `asi-evolve cognition search` lists them. */
export async function searchCognitionTool(session: McpSession, options: { query: string; top_k?: number | undefined }) {
  const { config, retriever } = session;
  if (retriever === null)
    return { items: [], note: 'the experiment has no cognition items (and cognition growth is off)' };
  const topK = options.top_k ?? Math.max(config.cognition.retrieval.top_k, 5);
  const found = await retriever.search(options.query, topK, { abortSignal: session.signal });
  const runThreshold = retrievalThreshold(config.cognition);
  return {
    embedder: retriever.embedderId,
    run_threshold: runThreshold,
    items: found.map(({ item, score }) => ({
      ...cognitionEntry(item),
      score,
      below_run_threshold: score < runThreshold,
    })),
  };
}
