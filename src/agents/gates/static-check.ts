import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AsiEvolveError } from '../../errors.js';
import type { EvaluationOutcome } from '../../evaluation/index.js';
import type { LanguageModel } from '../../llm/index.js';
import { askUntilParsed } from '../ask-until-parsed.js';
import { ResponseFormatError } from '../errors.js';
import { cleanAnswer, extractTag } from '../tags.js';
import { readPromptSource } from '../templates/prompt-files.js';
import { compileTemplate, type CompiledTemplate } from '../templates/environment.js';

/** The gate's decision: pass, or reject with the reason (no evaluation is spent on a rejected candidate). */
export type StaticVerdict =
  { status: 'pass'; notes: string[] } | { status: 'reject'; by: 'command' | 'llm'; reason: string; notes: string[] };

/** What the gate looks at. */
export interface StaticCheckInput {
  task: string;
  /** The round, so that the command runs in that step's folder. */
  step: number;
  name: string;
  motivation: string;
  program: string;
  abortSignal?: AbortSignal;
}

/** The static check agent (paper): hard constraints checked before the costly evaluation. */
export interface StaticCheck {
  check(input: StaticCheckInput): Promise<StaticVerdict>;
}

/** Runs the user's check command on a program in the sandbox; `ok` = exit 0 (see `runSandboxed`'s `requireResults`). */
export type RunCheckCommand = (
  program: string,
  options: { step: number; abortSignal?: AbortSignal },
) => Promise<EvaluationOutcome>;

export interface StaticCheckOptions {
  /** The LLM review against the constraints; null skips it. */
  review: { model: LanguageModel; template: CompiledTemplate; constraints: string; maxRetries: number } | null;
  /** The user's command; null skips it. It runs first: it is cheaper and certain. */
  command: RunCheckCommand | null;
  /** Characters of the command's output kept in a rejection's reason. Default 2000. */
  reasonChars?: number;
}

/** The file an experiment may put in `prompts/` to replace the review prompt. */
export const STATIC_CHECK_TEMPLATE_FILE = 'static_check.jinja2';

/** Reads `<verdict>pass|reject</verdict>` and `<reason>`; throws ResponseFormatError when the verdict is missing or other. */
export function parseVerdict(answer: string): { verdict: 'pass' | 'reject'; reason: string } {
  const text = cleanAnswer(answer);
  const verdict = extractTag(text, 'verdict')?.trim().toLowerCase();
  if (verdict === undefined) throw new ResponseFormatError('the answer has no <verdict> tag', ['verdict']);
  if (verdict !== 'pass' && verdict !== 'reject') {
    throw new ResponseFormatError(`the <verdict> must be pass or reject, got ${JSON.stringify(verdict.slice(0, 40))}`, [
      'verdict',
    ]);
  }
  return { verdict, reason: extractTag(text, 'reason')?.trim() ?? '' };
}

function commandReason(outcome: Extract<EvaluationOutcome, { status: 'failed' }>, maxChars: number): string {
  const output = [outcome.logs.stdoutTail.trim(), outcome.logs.stderrTail.trim()]
    .filter((part) => part.length > 0)
    .join('\n');
  const tail = output.length > maxChars ? `…${output.slice(-maxChars)}` : output;
  return tail.length > 0 ? `${outcome.shortMessage}\n${tail}` : outcome.shortMessage;
}

async function review(
  options: NonNullable<StaticCheckOptions['review']>,
  input: StaticCheckInput,
): Promise<StaticVerdict> {
  const prompt = options.template.render({
    task: input.task,
    constraints: options.constraints,
    name: input.name,
    motivation: input.motivation,
    program: input.program,
    code: input.program,
  });
  const outcome = await askUntilParsed(options, {
    prompt,
    abortSignal: input.abortSignal,
    parse: parseVerdict,
    feedback: (problem) =>
      `Your answer could not be used: ${problem}. Answer with <verdict>pass</verdict> or <verdict>reject</verdict>, then <reason>…</reason>.`,
  });
  if (outcome.ok) {
    const { verdict, reason } = outcome.value;
    if (verdict === 'pass') return { status: 'pass', notes: reason ? [`review: ${reason}`] : [] };
    return {
      status: 'reject',
      by: 'llm',
      reason: reason || 'the review found a constraint violated (no reason given)',
      notes: [],
    };
  }
  // A review that cannot decide must not block the run: the candidate goes on, with a note.
  return { status: 'pass', notes: [`review gave no verdict (${outcome.problems.join('; ')}); passed unchecked`] };
}

/**
 * The static check gate: first the user's command (exit 0 = pass; otherwise rejected, with the
 * exit message and the end of its output as the reason), then the LLM review against the
 * constraints (`<verdict>reject</verdict>` rejects with its `<reason>`). An LLM error is thrown
 * (the round decides: a budget stop, a failed call); an answer without a verdict passes with a note.
 *
 * @example
 * const verdict = await gate.check({ task, name, motivation, program });
 * if (verdict.status === 'reject') failNode(`static-check: ${verdict.reason}`);
 */
export function createStaticCheck(options: StaticCheckOptions): StaticCheck {
  const reasonChars = options.reasonChars ?? 2_000;
  return {
    async check(input) {
      const notes: string[] = [];
      if (options.command !== null) {
        const outcome = await options.command(input.program, {
          step: input.step,
          ...(input.abortSignal === undefined ? {} : { abortSignal: input.abortSignal }),
        });
        input.abortSignal?.throwIfAborted();
        if (outcome.status === 'failed')
          return { status: 'reject', by: 'command', reason: commandReason(outcome, reasonChars), notes };
        notes.push('command: passed');
      }
      if (options.review !== null) {
        const verdict = await review(options.review, input);
        return { ...verdict, notes: [...notes, ...verdict.notes] };
      }
      return { status: 'pass', notes };
    },
  };
}

/** The review prompt of an experiment: `prompts/static_check.jinja2` when present, else the default. */
export function loadStaticCheckTemplate(experimentDir: string): CompiledTemplate {
  const { source, origin } = readPromptSource(experimentDir, STATIC_CHECK_TEMPLATE_FILE);
  const template = compileTemplate(source, origin);
  template.render({ task: 't', constraints: 'c', name: 'n', motivation: 'm', program: 'p', code: 'p' });
  return template;
}

/** `pipeline.static_check`, as the config holds it. */
export interface StaticCheckSection {
  enabled: boolean;
  command?: string | undefined;
  constraints_file: string;
}

/**
 * Builds the gate from `pipeline.static_check`, or null when it is off. The review needs a model
 * and the constraints file; the command needs `runCommand` (which runs `section.command` in the
 * sandbox). Throws CONFIG_INVALID when the check is enabled but has neither a constraints file
 * nor a command; the notices say what is skipped.
 *
 * @example
 * const { gate, notices } = loadStaticCheck({ section: config.pipeline.static_check, experimentDir: experiment.dir,
 *   model: roleModel('static_check'), maxRetries: 1, runCommand });
 */
export function loadStaticCheck(options: {
  section: StaticCheckSection;
  experimentDir: string;
  model: LanguageModel | null;
  maxRetries: number;
  runCommand: RunCheckCommand;
}): { gate: StaticCheck | null; notices: string[] } {
  const { section } = options;
  if (!section.enabled) return { gate: null, notices: [] };
  const constraintsPath = resolve(options.experimentDir, section.constraints_file);
  const constraints = existsSync(constraintsPath) ? readFileSync(constraintsPath, 'utf8') : null;
  const command = section.command === undefined ? null : options.runCommand;
  if (constraints === null && command === null) {
    throw new AsiEvolveError(
      'CONFIG_INVALID',
      `pipeline.static_check is enabled, but ${constraintsPath} does not exist and no command is set`,
      {
        key: 'pipeline.static_check',
        file: constraintsPath,
        hint: 'Write the hard constraints in constraints.md, set pipeline.static_check.command, or disable the check.',
      },
    );
  }
  const notices: string[] = [];
  let reviewOptions: StaticCheckOptions['review'] = null;
  if (constraints !== null && options.model !== null) {
    reviewOptions = {
      model: options.model,
      template: loadStaticCheckTemplate(options.experimentDir),
      constraints,
      maxRetries: options.maxRetries,
    };
  } else if (constraints !== null) {
    notices.push(`Static check: no LLM configured, so the review against ${section.constraints_file} is skipped.`);
  }
  const parts = [
    command === null ? null : `command \`${section.command}\``,
    reviewOptions === null ? null : `LLM review against ${section.constraints_file}`,
  ];
  const active = parts.filter((part): part is string => part !== null);
  if (active.length === 0) return { gate: null, notices };
  notices.push(`Static check before each evaluation: ${active.join(', then ')}.`);
  return { gate: createStaticCheck({ review: reviewOptions, command }), notices };
}
