import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsiEvolveError } from '../../errors.js';
import type { ChatMessage, LanguageModel } from '../../llm/index.js';
import { cleanAnswer, extractTag } from '../tags.js';
import type { CompiledTemplate } from '../templates/environment.js';
import { createTemplates } from '../templates/load.js';
import { TEMPLATE_FILES, TEMPLATE_VARIABLES, type TemplateName } from '../templates/variable-docs.js';
import { defaultManagerTemplate } from './template.js';

/** What the manager is given. */
export interface ManagerOptions {
  /** An already-wrapped model (the `manager` role). */
  model: LanguageModel;
  /** input.md */
  task: string;
  /** eval_criteria.md, when the experiment has one. */
  evalCriteria?: string | null;
  /** The experiment folder: the prompts are written to its `prompts/`. */
  experimentDir: string;
  /** Diff mode writes the researcher prompt to researcher_diff.jinja2 (the one diff mode reads). */
  diffMode: boolean;
  /** Follow-ups after an unusable answer. @default 2 */
  maxRetries?: number;
  /** @default the built-in manager template */
  template?: CompiledTemplate;
  abortSignal?: AbortSignal;
}

/** What the manager did. */
export interface ManagerResult {
  /** Files written (absolute paths). */
  written: string[];
  /** Files that already existed and were left as they are (the user's, never overwritten). */
  kept: string[];
  /** Model calls made (0 when every file already existed). */
  calls: number;
}

/** The manager gave no usable templates. */
export class ManagerError extends AsiEvolveError {
  readonly problems: string[];

  constructor(message: string, problems: string[]) {
    super('LLM_RESPONSE_INVALID', message, {
      hint: 'write prompts/researcher.jinja2 and prompts/analyzer.jinja2 yourself, or turn the manager off (pipeline.agents.manager: false)',
    });
    this.name = 'ManagerError';
    this.problems = problems;
  }
}

const rewriteFormat = `<name>a short name for the idea</name>
<motivation>what changed, and why it should raise the score</motivation>
<provenance>cognition, experience or novel</provenance>
<code>
the complete program
</code>`;

const diffFormat = `<name>a short name for the idea</name>
<motivation>what changed, and why it should raise the score</motivation>
<provenance>cognition, experience or novel</provenance>
then one or more edit blocks of the program to edit, each exactly:
<<<<<<< SEARCH
lines copied exactly from the program
=======
the lines that replace them
>>>>>>> REPLACE`;

const analyzerFormat = `<analysis>
the report
</analysis>`;

/** Text each produced template must contain, so the agents can parse the answers it asks for. */
const requiredMarkers: Record<'rewrite' | 'diff' | 'analyzer', string[]> = {
  rewrite: ['<name>', '<motivation>', '<code>'],
  diff: ['<name>', '<motivation>', 'SEARCH', 'REPLACE'],
  analyzer: ['<analysis>'],
};

function describeVariables(name: TemplateName): string {
  return Object.entries(TEMPLATE_VARIABLES[name])
    .map(([variable, meaning]) => `- ${variable}: ${meaning}`)
    .join('\n');
}

/** Removes a Markdown fence the model may have put around a template. */
function unfence(text: string): string {
  const trimmed = text.trim();
  const fenced = /^```[\w-]*\n([\s\S]*?)\n```$/.exec(trimmed);
  return `${(fenced?.[1] ?? trimmed).trimEnd()}\n`;
}

interface Target {
  tag: 'researcher_prompt' | 'analyzer_prompt';
  name: TemplateName;
  path: string;
  markers: string[];
}

function problemOf(target: Target, source: string | null): string | null {
  if (source === null || source.trim() === '') return `the answer has no <${target.tag}>…</${target.tag}>`;
  const missing = target.markers.filter((marker) => !source.includes(marker));
  if (missing.length > 0)
    return `the ${target.name} template does not ask for ${missing.join(', ')} (the answer format the loop parses)`;
  try {
    createTemplates({ [target.name]: { source, origin: target.path } });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return null;
}

/**
 * The manager agent (optional, `pipeline.agents.manager`): before round 1 it asks the model
 * for experiment-specific researcher and analyzer prompts, from input.md and eval_criteria.md,
 * and saves them in the experiment's `prompts/` for the user to read and edit. A file that
 * already exists is the user's and is never overwritten (it is reported in `kept`; with both
 * present no call is made). Each template must compile, render with sample variables, and ask
 * for the answer format the loop parses; otherwise the problem is sent back, up to
 * `maxRetries` times, then a ManagerError is thrown and nothing is written.
 *
 * @example
 * const result = await runManager({ model, task: experiment.task, evalCriteria: readEvalCriteria(dir), experimentDir: dir, diffMode: true });
 */
export async function runManager(options: ManagerOptions): Promise<ManagerResult> {
  const promptsDir = join(options.experimentDir, 'prompts');
  const researcherName: TemplateName = options.diffMode ? 'researcherDiff' : 'researcher';
  const all: Target[] = [
    {
      tag: 'researcher_prompt',
      name: researcherName,
      path: join(promptsDir, TEMPLATE_FILES[researcherName]),
      markers: requiredMarkers[options.diffMode ? 'diff' : 'rewrite'],
    },
    {
      tag: 'analyzer_prompt',
      name: 'analyzer',
      path: join(promptsDir, TEMPLATE_FILES.analyzer),
      markers: requiredMarkers.analyzer,
    },
  ];
  const kept = all.filter((target) => existsSync(target.path)).map((target) => target.path);
  const wanted = all.filter((target) => !kept.includes(target.path));
  if (wanted.length === 0) return { written: [], kept, calls: 0 };

  const template = options.template ?? defaultManagerTemplate();
  const prompt = template.render({
    task: options.task,
    eval_criteria: options.evalCriteria ?? '',
    diff_mode: options.diffMode,
    researcher_file: TEMPLATE_FILES[researcherName],
    researcher_variables: describeVariables(researcherName),
    analyzer_variables: describeVariables('analyzer'),
    researcher_answer_format: options.diffMode ? diffFormat : rewriteFormat,
    analyzer_answer_format: analyzerFormat,
    wanted: wanted.map((target) => (target.tag === 'researcher_prompt' ? 'researcher' : 'analyzer')),
  });
  const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
  const maxRetries = options.maxRetries ?? 2;
  const problems: string[] = [];
  for (let attempt = 1; attempt <= maxRetries + 1; attempt++) {
    options.abortSignal?.throwIfAborted();
    const result = await options.model.generate({
      messages: [...messages],
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    });
    const answer = cleanAnswer(result.text);
    const sources = wanted.map((target) => {
      const raw = extractTag(answer, target.tag, true);
      return raw === null ? null : unfence(raw);
    });
    const found = wanted
      .map((target, index) => problemOf(target, sources[index] ?? null))
      .filter((problem): problem is string => problem !== null);
    if (found.length === 0) {
      mkdirSync(promptsDir, { recursive: true });
      const written: string[] = [];
      wanted.forEach((target, index) => {
        // 'wx': a file the user created meanwhile is never replaced.
        try {
          writeFileSync(target.path, sources[index] as string, { flag: 'wx' });
          written.push(target.path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          kept.push(target.path);
        }
      });
      return { written, kept, calls: attempt };
    }
    problems.push(...found.map((problem) => `attempt ${attempt}: ${problem}`));
    messages.push(
      { role: 'assistant', content: result.text },
      {
        role: 'user',
        content: `Your answer could not be used:\n- ${found.join('\n- ')}\nAnswer again with every template complete, in the tags asked for.`,
      },
    );
  }
  throw new ManagerError(`the manager gave no usable prompts in ${maxRetries + 1} attempts`, problems);
}

/** eval_criteria.md of an experiment, or null when it has none. */
export function readEvalCriteria(experimentDir: string): string | null {
  const path = join(experimentDir, 'eval_criteria.md');
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}
