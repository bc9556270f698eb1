import { parseFileSet } from '../../domain/index.js';
import type { LanguageModel } from '../../llm/index.js';
import { askUntilParsed } from '../ask-until-parsed.js';
import { ResponseFormatError } from '../errors.js';
import { cleanAnswer, extractTag } from '../tags.js';
import type { CompiledTemplate } from '../templates/environment.js';
import { applyFileEdits, parseFileEdits } from '../researcher/multi-file.js';
import type { ProjectView } from '../types.js';

/** What the debug agent is asked to repair. */
export interface RepairRequest {
  task: string;
  program: string;
  /** Reason and one-line message, e.g. `exit-code: exited with code 1: NameError: name 'np' is not defined`. */
  error: string;
  /** The tail of the error output. */
  errorTail: string;
  /** From 1. */
  attempt: number;
  maxAttempts: number;
  /** Earlier attempts of this round that still failed. */
  previous: ReadonlyArray<{ attempt: number; error: string }>;
  abortSignal?: AbortSignal;
}

/** A repaired program, and what the agent says it changed. */
export interface Repair {
  program: string;
  explanation: string;
}

/** Repairs a program that failed its evaluation (the paper's debug agent). */
export interface DebugAgent {
  readonly name: string;
  repair(request: RepairRequest): Promise<Repair>;
}

/** How the LLM debug agent is built. */
export interface LlmDebugAgentOptions {
  /** An already-wrapped model (retries, deadline, recorder). */
  model: LanguageModel;
  /** `debug.jinja2` ({@link loadDebugTemplate}). */
  template: CompiledTemplate;
  /** Follow-ups after an answer without a usable `<code>`. */
  maxRetries: number;
  /** Longest program accepted, in characters. */
  maxCodeLength?: number;
  temperature?: number;
  maxOutputTokens?: number;
  /** The project of a multi-file experiment: where a fix may create files. */
  project?: ProjectView;
}

/** Code fences a model may put inside `<code>`; removed when they wrap the whole program. */
function unfence(code: string): string {
  const match = /^\s*```[\w+-]*\n([\s\S]*?)\n?```\s*$/.exec(code);
  return match?.[1] === undefined ? code : `${match[1]}\n`;
}

/**
 * Reads a debug answer: the program in `<code>` (the last closing tag, so a program may mention
 * the tag) and the optional `<explanation>`. Throws ResponseFormatError when there is no
 * program, an empty one, the unchanged program, or one longer than `maxCodeLength`.
 */
export function parseRepairAnswer(
  answer: string,
  original: string,
  maxCodeLength = Number.POSITIVE_INFINITY,
  project?: ProjectView,
): Repair {
  const text = cleanAnswer(answer);
  const base = parseFileSet(original);
  if (base !== null) return parseFilesRepair(text, base, original, maxCodeLength, project);
  const raw = extractTag(text, 'code', true);
  if (raw === null) throw new ResponseFormatError('the answer has no <code>…</code> block', ['code']);
  const program = unfence(raw.replace(/^\n/, ''));
  if (program.trim().length === 0) throw new ResponseFormatError('the <code> block is empty', ['code']);
  if (program.trim() === original.trim()) throw new ResponseFormatError('the program in <code> is unchanged', ['code']);
  if (program.length > maxCodeLength) {
    throw new ResponseFormatError(
      `the program has ${program.length} characters, more than the ${maxCodeLength} allowed`,
      ['code'],
    );
  }
  return { program, explanation: extractTag(text, 'explanation')?.trim() ?? '' };
}

/**
 * Reads a debug answer for a multi-file candidate: edits that name their file (SEARCH/REPLACE
 * blocks or whole `<file path="…">` blocks), applied to the failed candidate's files.
 */
function parseFilesRepair(
  text: string,
  base: ReadonlyMap<string, string>,
  original: string,
  maxCodeLength: number,
  project: ProjectView | undefined,
): Repair {
  const missing: string[] = [];
  const edits = parseFileEdits(text, missing);
  if (missing.length > 0) throw new ResponseFormatError(`the answer is missing ${missing.join(', ')}`, missing);
  const applied = applyFileEdits(base, edits, {
    patterns: project?.editable ?? [...base.keys()],
    isEditable: project?.isEditable ?? (() => false),
    unwritable: project?.unwritable,
  });
  if (!applied.ok) throw new ResponseFormatError(applied.problems.join(' '), ['edits']);
  if (applied.program === original) throw new ResponseFormatError('the edits leave the files unchanged', ['edits']);
  if (applied.program.length > maxCodeLength)
    throw new ResponseFormatError(
      `the files have ${applied.program.length} characters together, more than the ${maxCodeLength} allowed`,
      ['edits'],
    );
  return { program: applied.program, explanation: extractTag(text, 'explanation')?.trim() ?? '' };
}

const filesAgain =
  'Answer again with <explanation>…</explanation>, then your fix as SEARCH/REPLACE blocks that name their file on the SEARCH line (`<<<<<<< SEARCH path/to/file`) or as whole files <file path="path/to/file">…</file>.';

/**
 * The LLM debug agent: renders `debug.jinja2` with the failed program and the tail of its error
 * output, and reads the fixed program from `<code>`. An unusable answer is reported back up to
 * `maxRetries` times, then a ResponseFormatError is thrown.
 *
 * @example
 * const agent = createLlmDebugAgent({ model, template: loadDebugTemplate(experiment.dir), maxRetries: 1 });
 * const { program } = await agent.repair({ task, program, error, errorTail, attempt: 1, maxAttempts: 2, previous: [] });
 */
export function createLlmDebugAgent(options: LlmDebugAgentOptions): DebugAgent {
  return {
    name: 'llm-debug',
    async repair(request) {
      const files = parseFileSet(request.program);
      const prompt = options.template.render({
        task: request.task,
        program: request.program,
        code: request.program,
        error: request.error,
        error_tail: request.errorTail,
        attempt: request.attempt,
        max_attempts: request.maxAttempts,
        previous: request.previous,
        files: files === null ? null : [...files].map(([path, content]) => ({ path, content })),
      });
      const outcome = await askUntilParsed(options, {
        prompt,
        abortSignal: request.abortSignal,
        parse: (answer) => parseRepairAnswer(answer, request.program, options.maxCodeLength, options.project),
        feedback: (problem) =>
          files === null
            ? `Your answer could not be used: ${problem}. Answer again with the complete fixed program inside <code>…</code>.`
            : `Your answer could not be used: ${problem}. ${filesAgain}`,
      });
      if (outcome.ok) return outcome.value;
      const problems = outcome.problems.map((problem, index) => `answer ${index + 1}: ${problem}`);
      throw new ResponseFormatError(
        `the debug agent gave no usable program in ${options.maxRetries + 1} answers: ${problems.join('; ')}`,
        ['code'],
      );
    },
  };
}
