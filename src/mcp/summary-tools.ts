import { join } from 'node:path';
import type { NodeRecord } from '../store/index.js';
import type { McpSession } from './session.js';

/** A node as the agent sees it in lists: no program, no analysis. */
export function nodeLine(node: NodeRecord) {
  return {
    id: node.id,
    step: node.step,
    name: node.name,
    score: node.score,
    success: node.success,
    error: node.error,
    operator: node.operator,
  };
}

/** `task`: what the experiment asks for and how candidates are scored. */
export function taskTool(session: McpSession) {
  const { config, experiment, store } = session;
  const best = store.bestNode();
  const rounds = store.countNodes() - (store.hasSeed() ? 1 : 0);
  return {
    experiment: experiment.dir,
    task: experiment.task,
    evaluator_command: experiment.evaluatorCommand,
    program_file: config.evaluator.program_file,
    has_initial_program: experiment.initialProgram !== null,
    seed_stored: store.hasSeed(),
    stored_rounds: rounds,
    best_score: best?.score ?? null,
    best_node: best?.id ?? null,
    diff_mode: config.pipeline.researcher.diff_based_evolution,
    max_code_length: config.pipeline.researcher.max_code_length,
    sample_n: config.pipeline.sample_n,
    sampling: config.database.sampling.algorithm,
    // A multi-file experiment: candidates are changes to these files (evaluate/record_node `files`, `edits`).
    project:
      experiment.project === null
        ? null
        : { editable: experiment.project.editable, seed_files: [...experiment.project.files.keys()] },
  };
}

/** `best`: the best node, as `asi-evolve best` finds it. */
export function bestTool(session: McpSession) {
  const best = session.store.bestNode();
  if (best === undefined) return { best: null, message: 'No successful node yet.' };
  return {
    best: {
      id: best.id,
      step: best.step,
      name: best.name,
      score: best.score,
      eval_score: best.evalScore,
      motivation: best.motivation,
      analysis: best.analysis,
      results: best.results,
      program: best.program,
      program_path: join(session.experiment.bestDir, 'code'),
    },
  };
}

/** `stats`: where the experiment stands, as `asi-evolve status` counts it. */
export function statsTool(session: McpSession, options: { recent: number }) {
  const { store } = session;
  const nodes = store.listNodes();
  const rounds = nodes.filter((node) => node.step > 0);
  const succeeded = rounds.filter((node) => node.success).length;
  const seed = nodes.find((node) => node.step === 0);
  const best = store.bestNode();
  const spend = store.spendSummary();
  return {
    rounds: rounds.length,
    succeeded,
    failed: rounds.length - succeeded,
    seed: seed === undefined ? null : { score: seed.score, success: seed.success, error: seed.error },
    best: best === undefined ? null : { id: best.id, step: best.step, name: best.name, score: best.score },
    spend: {
      usd: spend.totalUsd,
      calls: spend.calls,
      input_tokens: spend.inputTokens,
      output_tokens: spend.outputTokens,
    },
    recent: rounds.slice(-options.recent).map(nodeLine),
  };
}
