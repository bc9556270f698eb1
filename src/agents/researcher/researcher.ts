import type { ChatMessage, GenerateResult, LanguageModel } from '../../llm/index.js';
import { parseFileSet, type JsonObject, type NodeRecord } from '../../domain/index.js';
import { ResearcherError, ResponseFormatError } from '../errors.js';
import type { Templates } from '../templates/load.js';
import { researcherVariables } from '../templates/variables.js';
import type { DesignContext, Designer, ProjectView, Proposal } from '../types.js';
import { checkEvolveBlocks } from './evolve-blocks.js';
import { diffFeedback, evolveBlockFeedback, formatFeedback, lengthFeedback } from './feedback.js';
import { applyFileEdits, parseMultiFileAnswer } from './multi-file.js';
import { parseDiffAnswer, parseRewriteAnswer, type RewriteAnswer } from './parse.js';
import { applySearchReplace, describeFailure } from './search-replace.js';

/** How the LLM Researcher is built. */
export interface LlmResearcherOptions {
  /** An already-wrapped model (retries of transport errors, deadlines and transcripts are its business). */
  model: LanguageModel;
  templates: Templates;
  /** Follow-ups after an unusable answer (format, length, EVOLVE-block boundaries) before giving up. */
  maxParseRetries: number;
  /** Follow-ups after SEARCH/REPLACE blocks that do not apply, before falling back to a full rewrite. */
  diffRetries: number;
  system?: string;
  temperature?: number;
  maxOutputTokens?: number;
  /** The project of a multi-file experiment; absent for a single-file one. */
  project?: ProjectView;
}

type Mode = 'rewrite' | 'diff';

interface Problem {
  attempt: number;
  mode: Mode;
  kind: 'format' | 'length' | 'evolve-block' | 'diff';
  message: string;
}

interface Attempts {
  count: number;
  problems: Problem[];
  lastAnswer: string;
}

async function ask(
  options: LlmResearcherOptions,
  messages: ChatMessage[],
  context: DesignContext,
): Promise<GenerateResult> {
  context.abortSignal?.throwIfAborted();
  return options.model.generate({
    ...(options.system === undefined ? {} : { system: options.system }),
    messages: [...messages],
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    ...(options.maxOutputTokens === undefined ? {} : { maxOutputTokens: options.maxOutputTokens }),
    ...(context.abortSignal === undefined ? {} : { abortSignal: context.abortSignal }),
  });
}

function parseFailure(error: unknown): string {
  if (error instanceof ResponseFormatError) return error.message;
  throw error;
}

/** Checks a finished program against the parent's EVOLVE blocks and the length limit. */
function programProblem(
  program: string,
  parent: NodeRecord | null,
  context: DesignContext,
  mode: Mode,
): Omit<Problem, 'attempt'> | null {
  if (parent !== null) {
    const check = checkEvolveBlocks(parent.program, program);
    if (!check.ok) return { mode, kind: 'evolve-block', message: check.message };
  }
  if (program.length > context.maxCodeLength) {
    return {
      mode,
      kind: 'length',
      message: `program is ${program.length} characters, over the limit of ${context.maxCodeLength}`,
    };
  }
  return null;
}

function feedbackFor(
  problem: Omit<Problem, 'attempt'>,
  program: string,
  result: GenerateResult,
  context: DesignContext,
): string {
  if (problem.kind === 'length') return lengthFeedback(program.length, context.maxCodeLength, problem.mode);
  if (problem.kind === 'evolve-block') return evolveBlockFeedback(problem.message, problem.mode);
  return formatFeedback(problem.message, result, problem.mode);
}

function notes(mode: 'diff' | 'full-rewrite', attempts: Attempts, extra: JsonObject = {}): JsonObject {
  return {
    mode,
    attempts: attempts.count,
    problems: attempts.problems.map((problem) => ({ ...problem })),
    ...extra,
  };
}

type Answer = Pick<RewriteAnswer, 'name' | 'motivation' | 'provenance'>;

type Verdict =
  | { ok: true; answer: Answer; program: string; blocks: number }
  | { ok: false; problem: Omit<Problem, 'attempt'>; feedback: string };

function giveUp(attempts: Attempts): ResearcherError {
  const last = attempts.problems[attempts.problems.length - 1]?.message ?? 'no usable answer';
  return new ResearcherError(
    `the Researcher gave no usable answer in ${attempts.count} attempts (last problem: ${last})`,
    attempts.problems.map(
      (problem) => `attempt ${problem.attempt} (${problem.mode}, ${problem.kind}): ${problem.message}`,
    ),
    attempts.lastAnswer,
  );
}

function formatVerdict(error: unknown, result: GenerateResult, mode: Mode): Verdict {
  const message = parseFailure(error);
  return { ok: false, problem: { mode, kind: 'format', message }, feedback: formatFeedback(message, result, mode) };
}

function finish(
  answer: Answer,
  program: string,
  blocks: number,
  parent: NodeRecord | null,
  result: GenerateResult,
  context: DesignContext,
  mode: Mode,
): Verdict {
  const problem = programProblem(program, parent, context, mode);
  if (problem === null) return { ok: true, answer, program, blocks };
  return { ok: false, problem, feedback: feedbackFor(problem, program, result, context) };
}

/**
 * The files a multi-file round edits: the parent's bundle, or the seed's when there is no
 * parent; null for a single-file round.
 */
function baseFiles(context: DesignContext, project: ProjectView | undefined): Map<string, string> | null {
  if (context.parent !== null) return parseFileSet(context.parent.program);
  return project === undefined ? null : parseFileSet(project.seedProgram);
}

/** Judges a multi-file answer (either mode): its edits applied to `base` give the new bundle. */
function judgeFiles(
  result: GenerateResult,
  base: ReadonlyMap<string, string>,
  context: DesignContext,
  project: ProjectView | undefined,
  mode: Mode,
): Verdict {
  let answer: ReturnType<typeof parseMultiFileAnswer>;
  try {
    answer = parseMultiFileAnswer(result.text);
  } catch (error) {
    const message = parseFailure(error);
    return {
      ok: false,
      problem: { mode, kind: 'format', message },
      feedback: formatFeedback(message, result, 'files'),
    };
  }
  const editable = project ?? { editable: [...base.keys()], isEditable: () => false };
  const applied = applyFileEdits(base, answer.edits, {
    patterns: editable.editable,
    isEditable: editable.isEditable,
    unwritable: project?.unwritable,
  });
  if (!applied.ok) {
    const message = applied.problems.join(' ');
    const feedback =
      applied.kind === 'diff'
        ? diffFeedback(applied.problems, 'files')
        : applied.kind === 'evolve-block'
          ? evolveBlockFeedback(message, 'files')
          : formatFeedback(message, result, 'files');
    return { ok: false, problem: { mode, kind: applied.kind, message }, feedback };
  }
  if (applied.program.length > context.maxCodeLength) {
    const message = `the files are ${applied.program.length} characters together, over the limit of ${context.maxCodeLength}`;
    return {
      ok: false,
      problem: { mode, kind: 'length', message },
      feedback: lengthFeedback(applied.program.length, context.maxCodeLength, 'files'),
    };
  }
  return { ok: true, answer, program: applied.program, blocks: answer.edits.length };
}

function judgeRewrite(result: GenerateResult, context: DesignContext, project?: ProjectView): Verdict {
  const base = baseFiles(context, project);
  if (base !== null) return judgeFiles(result, base, context, project, 'rewrite');
  let answer: RewriteAnswer;
  try {
    answer = parseRewriteAnswer(result.text);
  } catch (error) {
    return formatVerdict(error, result, 'rewrite');
  }
  return finish(answer, answer.program, 0, context.parent, result, context, 'rewrite');
}

function judgeDiff(result: GenerateResult, parent: NodeRecord, context: DesignContext, project?: ProjectView): Verdict {
  const base = parseFileSet(parent.program);
  if (base !== null) return judgeFiles(result, base, context, project, 'diff');
  let answer: ReturnType<typeof parseDiffAnswer>;
  try {
    answer = parseDiffAnswer(result.text);
  } catch (error) {
    return formatVerdict(error, result, 'diff');
  }
  if (answer.kind === 'rewrite') return finish(answer, answer.program, 0, parent, result, context, 'diff');
  const applied = applySearchReplace(parent.program, answer.blocks);
  if (!applied.ok) {
    const descriptions = applied.failures.map((failure) => describeFailure(failure, parent.program));
    return {
      ok: false,
      problem: { mode: 'diff', kind: 'diff', message: descriptions.join(' ') },
      feedback: diffFeedback(descriptions),
    };
  }
  return finish(answer, applied.program, answer.blocks.length, parent, result, context, 'diff');
}

/** The rendered prompt, followed by the note on why the round's previous proposal was sent back. */
interface RenderedPrompt {
  templates: Templates;
  diff: boolean;
  project: ProjectView | undefined;
  text: string;
}

/** The last prompt rendered for each design context (a round's context is not changed once built). */
const renderedPrompts = new WeakMap<DesignContext, RenderedPrompt>();

/**
 * The Researcher's prompt for `context` (the diff template when `diff`), before any feedback.
 * The context fit measures this very prompt just before the Researcher sends it, so a second
 * render of the same context, templates and mode reuses the text instead of rendering it again.
 * @example const tokens = estimateTokens(researcherPrompt(templates, context, true, project));
 */
export function researcherPrompt(
  templates: Templates,
  context: DesignContext,
  diff: boolean,
  project?: ProjectView,
): string {
  const last = renderedPrompts.get(context);
  if (last !== undefined && last.templates === templates && last.diff === diff && last.project === project) {
    return last.text;
  }
  const text = (diff ? templates.researcherDiff : templates.researcher).render(
    researcherVariables(context, diff, project),
  );
  renderedPrompts.set(context, { templates, diff, project, text });
  return text;
}

function withFeedback(prompt: string, context: DesignContext): string {
  const feedback = context.feedback?.trim();
  return feedback ? `${prompt.trimEnd()}\n\n## Your previous proposal was sent back\n\n${feedback}\n` : prompt;
}

function toProposal(verdict: Extract<Verdict, { ok: true }>, operator: string, noteObject: JsonObject): Proposal {
  const { answer, program } = verdict;
  return {
    name: answer.name,
    motivation: answer.motivation,
    program,
    provenance: answer.provenance,
    operator,
    notes: noteObject,
  };
}

async function designRewrite(
  options: LlmResearcherOptions,
  context: DesignContext,
  attempts: Attempts,
  operator: string,
): Promise<Proposal> {
  const prompt = withFeedback(researcherPrompt(options.templates, context, false, options.project), context);
  const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
  const fallback = operator !== 'llm';
  for (let retry = 0; retry <= options.maxParseRetries; retry++) {
    const result = await ask(options, messages, context);
    attempts.count++;
    attempts.lastAnswer = result.text;
    const verdict = judgeRewrite(result, context, options.project);
    if (verdict.ok)
      return toProposal(verdict, operator, notes(fallback ? 'diff' : 'full-rewrite', attempts, { fallback }));
    attempts.problems.push({ attempt: attempts.count, ...verdict.problem });
    messages.push({ role: 'assistant', content: result.text }, { role: 'user', content: verdict.feedback });
  }
  throw giveUp(attempts);
}

async function designDiff(
  options: LlmResearcherOptions,
  context: DesignContext,
  parent: NodeRecord,
): Promise<Proposal> {
  const attempts: Attempts = { count: 0, problems: [], lastAnswer: '' };
  const prompt = withFeedback(researcherPrompt(options.templates, context, true, options.project), context);
  const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
  let formatFailures = 0;
  let diffFailures = 0;
  for (;;) {
    const result = await ask(options, messages, context);
    attempts.count++;
    attempts.lastAnswer = result.text;
    const verdict = judgeDiff(result, parent, context, options.project);
    if (verdict.ok)
      return toProposal(verdict, 'llm', notes('diff', attempts, { fallback: false, blocks: verdict.blocks }));
    attempts.problems.push({ attempt: attempts.count, ...verdict.problem });
    const editProblem = verdict.problem.kind === 'diff' || verdict.problem.kind === 'evolve-block';
    if (editProblem) diffFailures++;
    else formatFailures++;
    if (formatFailures > options.maxParseRetries) throw giveUp(attempts);
    if (diffFailures > options.diffRetries)
      return designRewrite(options, context, attempts, 'llm:full-rewrite-fallback');
    messages.push({ role: 'assistant', content: result.text }, { role: 'user', content: verdict.feedback });
  }
}

/**
 * The LLM Researcher. Full-rewrite mode renders `researcher.jinja2` and parses `<name>`,
 * `<motivation>`, `<code>`; an unusable answer is reported back in the same conversation up to
 * `maxParseRetries` times, then a ResearcherError is thrown. Diff mode (context.diffMode with a
 * parent) renders `researcher_diff.jinja2` and applies SEARCH/REPLACE blocks to the parent's
 * program; blocks that do not apply are reported back up to `diffRetries` times, then it falls
 * back to a full rewrite (operator `llm:full-rewrite-fallback`). Every attempt's problem is kept
 * in `notes.problems`.
 * @example const researcher = createLlmResearcher({ model, templates: loadTemplates(dir), maxParseRetries: 3, diffRetries: 1 });
 */
export function createLlmResearcher(options: LlmResearcherOptions): Designer {
  return {
    name: 'llm',
    design(context) {
      if (context.diffMode && context.parent !== null) return designDiff(options, context, context.parent);
      return designRewrite(options, context, { count: 0, problems: [], lastAnswer: '' }, 'llm');
    },
  };
}
