import { messageOf } from '../../errors.js';
import type { EvaluationOutcome } from '../../evaluation/index.js';
import type { JsonObject } from '../../domain/index.js';
import type { DebugAgent } from './debug-agent.js';

/** One repair attempt, as kept in the node's `metadata.repairs`. */
export interface RepairRecord {
  attempt: number;
  /** The failure the agent was asked to fix. */
  error: string;
  /** The program the agent returned (empty when it gave none). */
  program: string;
  explanation: string;
  /** `ok`/`failed`: how the repaired program's evaluation ended; `agent-error`: no program came back. */
  status: 'ok' | 'failed' | 'agent-error';
  score: number | null;
  /** Why the repaired program still failed, or why the agent gave none. */
  outcomeError: string | null;
}

/** The program the node stores (the last one evaluated), its outcome, and every attempt. */
export interface DebugResult<Outcome extends EvaluationOutcome> {
  program: string;
  outcome: Outcome;
  repairs: RepairRecord[];
  /** True when a repaired program's evaluation succeeded. */
  repaired: boolean;
}

export interface DebugAttemptsOptions<Outcome extends EvaluationOutcome> {
  agent: DebugAgent;
  /** `pipeline.debug.attempts`; 0 disables. */
  attempts: number;
  task: string;
  program: string;
  /** The failed evaluation of `program`. */
  outcome: Outcome;
  /** Evaluates a repaired program (attempt from 1). */
  evaluate: (program: string, attempt: number) => Promise<Outcome>;
  /** Errors of the agent that must stop the round (a reached budget, a refused key); others end the repairs. */
  isFatal?: (error: unknown) => boolean;
  abortSignal?: AbortSignal;
  /** Characters of error output shown to the agent. Default 4000. */
  tailChars?: number;
}

const defaultTailChars = 4_000;

/** Whether the debug agent can help: a candidate's own failure, not an abort, a lost job or a low stage score. */
export function isRepairable(outcome: EvaluationOutcome): boolean {
  if (outcome.status !== 'failed') return false;
  if (outcome.reason === 'lost' || outcome.reason === 'below-threshold') return false;
  return !(outcome.reason === 'signal' && outcome.shortMessage === 'aborted');
}

/** The end of the output that explains a failure: stderr, else stdout, then evaluator.log. */
export function errorTail(outcome: EvaluationOutcome, maxChars = defaultTailChars): string {
  const parts = [outcome.logs.stderrTail.trim() ? outcome.logs.stderrTail : outcome.logs.stdoutTail];
  if (outcome.logs.logFileTail?.trim()) parts.push(`--- evaluator.log ---\n${outcome.logs.logFileTail}`);
  const text = parts.join('\n');
  return text.length > maxChars ? text.slice(-maxChars) : text;
}

function describe(outcome: EvaluationOutcome): string {
  return outcome.status === 'failed' ? `${outcome.reason}: ${outcome.shortMessage}` : 'succeeded';
}

/**
 * The debug loop (docs/architecture.md, “Running candidates safely”): while the evaluation failed in a repairable way and attempts
 * remain, the agent sees the program and the tail of its error output and returns a fixed
 * program, which is evaluated again. Every attempt is recorded. It stops at the first success,
 * when attempts run out, or when the agent gives no program (recorded as `agent-error`; a fatal
 * error of the agent, per `isFatal`, and an abort are thrown).
 *
 * @example
 * const debugged = await runDebugAttempts({ agent, attempts: 2, task, program, outcome,
 *   evaluate: (fixed) => runStagesOn(fixed), isFatal });
 * node.program = debugged.program; node.metadata.repairs = repairsToJson(debugged.repairs);
 */
export async function runDebugAttempts<Outcome extends EvaluationOutcome>(
  options: DebugAttemptsOptions<Outcome>,
): Promise<DebugResult<Outcome>> {
  let program = options.program;
  let outcome = options.outcome;
  const repairs: RepairRecord[] = [];
  for (let attempt = 1; attempt <= options.attempts && isRepairable(outcome); attempt++) {
    options.abortSignal?.throwIfAborted();
    const error = describe(outcome);
    let repair;
    try {
      repair = await options.agent.repair({
        task: options.task,
        program,
        error,
        errorTail: errorTail(outcome, options.tailChars),
        attempt,
        maxAttempts: options.attempts,
        previous: repairs.map((record) => ({ attempt: record.attempt, error: record.outcomeError ?? '' })),
        ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
      });
    } catch (caught) {
      if (options.abortSignal?.aborted === true || options.isFatal?.(caught) === true) throw caught;
      repairs.push({
        attempt,
        error,
        program: '',
        explanation: '',
        status: 'agent-error',
        score: null,
        outcomeError: messageOf(caught),
      });
      break;
    }
    const next = await options.evaluate(repair.program, attempt);
    program = repair.program;
    outcome = next;
    repairs.push({
      attempt,
      error,
      program: repair.program,
      explanation: repair.explanation,
      status: next.status,
      score: next.status === 'ok' ? next.evalScore : null,
      outcomeError: next.status === 'failed' ? describe(next) : null,
    });
  }
  return { program, outcome, repairs, repaired: repairs.some((record) => record.status === 'ok') };
}

/** The repair history as JSON for `metadata.repairs`. */
export function repairsToJson(repairs: readonly RepairRecord[]): JsonObject[] {
  return repairs.map((record) => ({ ...record }));
}
