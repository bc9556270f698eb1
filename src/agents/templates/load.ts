import { nodeRecord, type NodeRecord } from '../../store/index.js';
import { createRandom } from '../../random.js';
import { defaultPromptSource, readPromptSource, type PromptSource } from './prompt-files.js';
import { compileTemplate, type CompiledTemplate } from './environment.js';
import { TEMPLATE_FILES, type TemplateName } from './variable-docs.js';
import { analyzerVariables, judgeVariables, researcherVariables, type TemplateVariables } from './variables.js';

/** The four compiled prompt templates the agents render. */
export type Templates = Readonly<Record<TemplateName, CompiledTemplate>>;

/** The package's default text of a template, from `templates/prompts/` (see prompt-files.ts). */
export function defaultTemplateSource(name: TemplateName): string {
  return defaultPromptSource(TEMPLATE_FILES[name]);
}

const templateNames = Object.keys(TEMPLATE_FILES) as TemplateName[];

/**
 * One of the package's own templates, compiled at its first render: they are tested with the
 * package, and a run that never renders one (the judge, the other Researcher mode) does not
 * spend its start-up compiling it.
 */
function defaultTemplate(name: TemplateName): CompiledTemplate {
  const source = defaultTemplateSource(name);
  const origin = `default:${name}`;
  let compiled: CompiledTemplate | undefined;
  return {
    origin,
    source,
    render: (variables) => (compiled ??= compileTemplate(source, origin)).render(variables),
  };
}

/**
 * Compiles the templates given and renders each once with sample variables, so a broken
 * template (bad syntax, unknown filter) stops the run at start; the names not given get the
 * defaults (compiled when first rendered).
 * @example const templates = createTemplates({ judge: { source: '<score>{{ 50 }}</score>', origin: 'judge.jinja2' } });
 */
export function createTemplates(sources: Partial<Record<TemplateName, PromptSource>> = {}): Templates {
  let samples: Record<TemplateName, TemplateVariables> | undefined;
  const entries = templateNames.map((name) => {
    const given = sources[name];
    if (given === undefined) return [name, defaultTemplate(name)] as const;
    const template = compileTemplate(given.source, given.origin);
    samples ??= sampleVariables();
    template.render(samples[name]);
    return [name, template] as const;
  });
  return Object.fromEntries(entries) as Record<TemplateName, CompiledTemplate>;
}

/**
 * The templates of an experiment: `prompts/researcher.jinja2`, `prompts/researcher_diff.jinja2`,
 * `prompts/analyzer.jinja2` and `prompts/judge.jinja2` where present, our defaults elsewhere.
 * A template that does not compile or render is a CONFIG_INVALID error naming its file.
 * @example const templates = loadTemplates('/path/to/experiment');
 */
export function loadTemplates(experimentDir: string): Templates {
  const sources: Partial<Record<TemplateName, PromptSource>> = {};
  for (const name of templateNames) {
    const prompt = readPromptSource(experimentDir, TEMPLATE_FILES[name]);
    if (!prompt.origin.startsWith('default:')) sources[name] = prompt;
  }
  return createTemplates(sources);
}

function sampleNode(id: number): NodeRecord {
  return nodeRecord({
    id,
    name: `sample-${id}`,
    motivation: 'sample motivation',
    program: 'x = 0.5\n',
    results: { eval_score: 0.5, success: true },
    analysis: 'sample analysis',
    score: 0.5,
    evalScore: 0.5,
    createdAt: '1970-01-01T00:00:00.000Z',
  });
}

function sampleVariables(): Record<TemplateName, TemplateVariables> {
  const parent = sampleNode(0);
  const design = {
    task: 'sample task',
    step: 1,
    parent,
    context: [parent, sampleNode(1)],
    cognition: [
      { id: 'c1', title: 'sample item', content: 'sample content', source: 'sample', tags: [], metadata: {} },
    ],
    diffMode: true,
    maxCodeLength: 1000,
    random: createRandom(0),
  };
  const analysis = {
    task: 'sample task',
    step: 1,
    name: 'sample',
    motivation: 'sample motivation',
    program: 'x = 0.6\n',
    success: true,
    score: 0.6,
    results: { eval_score: 0.6 },
    error: null,
    logs: 'sample log',
    bestSampled: parent,
    parent,
  };
  return {
    researcher: researcherVariables(design, false),
    researcherDiff: researcherVariables(design, true),
    analyzer: analyzerVariables(analysis, 'sample log', 0),
    judge: judgeVariables({ task: 'sample task', program: 'x = 0.6\n', results: { eval_score: 0.6 } }),
  };
}
