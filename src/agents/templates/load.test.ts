import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrownAsiError } from '../../test-support/asi-error.js';
import { analysisContext, designContext, makeCognition, makeNode } from '../test-support/fixtures.js';
import { defaultTemplateSource, loadTemplates } from './load.js';
import { TEMPLATE_FILES, TEMPLATE_VARIABLES } from './variable-docs.js';
import { analyzerVariables, judgeVariables, researcherVariables } from './variables.js';

let experimentDir: string;

beforeEach(() => {
  experimentDir = mkdtempSync(join(tmpdir(), 'asi-templates-'));
});

afterEach(() => {
  rmSync(experimentDir, { recursive: true, force: true });
});

function writePrompt(file: string, text: string): string {
  mkdirSync(join(experimentDir, 'prompts'), { recursive: true });
  const path = join(experimentDir, 'prompts', file);
  writeFileSync(path, text);
  return path;
}

describe('loadTemplates', () => {
  it('uses the defaults when the experiment has no prompts folder', () => {
    const templates = loadTemplates(experimentDir);
    expect(templates.researcher.origin).toBe('default:researcher');
    expect(templates.researcher.source).toBe(defaultTemplateSource('researcher'));
    expect(templates.judge.origin).toBe('default:judge');
  });

  it('lets prompts/<agent>.jinja2 override each template, leaving the others', () => {
    const path = writePrompt(TEMPLATE_FILES.researcherDiff, 'EDIT #{{ parent.id }} for {{ task_description }}');
    const templates = loadTemplates(experimentDir);
    expect(templates.researcherDiff.origin).toBe(path);
    expect(templates.researcherDiff.render(researcherVariables(designContext(), true))).toBe(
      'EDIT #1 for Maximise the score.',
    );
    expect(templates.researcher.origin).toBe('default:researcher');
  });

  it('names the file and the line of a syntax error', () => {
    const path = writePrompt('analyzer.jinja2', 'line one\n{% if success %}\nok\n{% endfor %}\n');
    const error = thrownAsiError(() => loadTemplates(experimentDir));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.file).toBe(path);
    expect(error.message).toContain(`${path} line 4`);
  });

  it('rejects at load time a template that cannot render (unknown filter)', () => {
    const path = writePrompt('judge.jinja2', '{{ program | no_such_filter }}');
    const error = thrownAsiError(() => loadTemplates(experimentDir));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.file).toBe(path);
    expect(error.message).toContain('no_such_filter');
  });
});

describe('default templates', () => {
  const emptyExperiment = mkdtempSync(join(tmpdir(), 'asi-defaults-'));
  const templates = loadTemplates(emptyExperiment);
  afterAll(() => rmSync(emptyExperiment, { recursive: true, force: true }));

  it('the researcher prompt shows the task, context nodes with scores and analyses, cognition and the format', () => {
    const parent = makeNode({ id: 4, name: 'ring', score: 0.96, analysis: 'ANALYSIS-4', program: 'PROGRAM-4' });
    const other = makeNode({ id: 9, success: false, score: null, error: 'timeout: timed out after 30 s' });
    const prompt = templates.researcher.render(
      researcherVariables(designContext({ parent, context: [parent, other], cognition: [makeCognition('c7')] }), false),
    );
    expect(prompt).toContain('Maximise the score.');
    expect(prompt).toContain('Candidate #4: ring (score 0.96)');
    expect(prompt).toContain('ANALYSIS-4');
    expect(prompt).toContain('PROGRAM-4');
    expect(prompt).toContain('FAILED: timeout: timed out after 30 s');
    expect(prompt).toContain('[c7] title c7 (source: paper c7)');
    expect(prompt).toContain('at most 10000 characters');
    expect(prompt).toMatch(/<name>.*<\/name>[\s\S]*<motivation>[\s\S]*<provenance>[\s\S]*<code>/);
  });

  it('the diff prompt shows the parent program and the SEARCH/REPLACE format', () => {
    const parent = makeNode({ id: 2, program: 'def f():\n    return 1\n' });
    const prompt = templates.researcherDiff.render(
      researcherVariables(designContext({ parent, diffMode: true }), true),
    );
    expect(prompt).toContain('def f():\n    return 1\n');
    expect(prompt).toContain('<<<<<<< SEARCH');
    expect(prompt).toContain('>>>>>>> REPLACE');
  });

  it('the first-round researcher prompt says there is nothing yet', () => {
    const prompt = templates.researcher.render(researcherVariables(designContext({ parent: null }), false));
    expect(prompt).toContain('no previous candidates yet');
  });

  it('the analyzer prompt states the trimming and shows results, parent and best', () => {
    const variables = analyzerVariables(
      analysisContext({
        results: { eval_score: 0.6, accuracy: 0.9 },
        parent: makeNode({ id: 1, score: 0.5 }),
        bestSampled: makeNode({ id: 5, score: 0.8, name: 'best-one' }),
      }),
      'head…tail',
      1234,
    );
    const prompt = templates.analyzer.render(variables);
    expect(prompt).toContain('1234 characters were trimmed');
    expect(prompt).toContain('"accuracy": 0.9');
    expect(prompt).toContain('#5: best-one');
    expect(prompt).toContain('<analysis>');
  });

  it('the judge prompt shows program and results and asks for score and reason', () => {
    const prompt = templates.judge.render(judgeVariables({ task: 'T', program: 'P = 1', results: { eval_score: 2 } }));
    expect(prompt).toContain('P = 1');
    expect(prompt).toContain('"eval_score": 2');
    expect(prompt).toContain('<score>');
    expect(prompt).toContain('<reason>');
  });

  it('results print as JSON and keep their fields reachable', () => {
    const render = loadTemplates(experimentDir).researcher;
    expect(render.origin).toBe('default:researcher');
    const variables = researcherVariables(
      designContext({ parent: makeNode({ id: 1, results: { eval_score: 1, n: 26 } }) }),
      false,
    );
    const parent = variables.parent as { results: { n: number }; results_json: string };
    expect(String(parent.results)).toBe('{"eval_score":1,"n":26}');
    expect(parent.results.n).toBe(26);
    expect(JSON.stringify(parent.results)).toBe(parent.results_json);
  });

  it('documents every variable the builders provide', () => {
    const researcher = Object.keys(researcherVariables(designContext(), false)).sort();
    expect(Object.keys(TEMPLATE_VARIABLES.researcher).sort()).toEqual(researcher);
    expect(Object.keys(TEMPLATE_VARIABLES.analyzer).sort()).toEqual(
      Object.keys(analyzerVariables(analysisContext(), '', 0)).sort(),
    );
    expect(Object.keys(TEMPLATE_VARIABLES.judge).sort()).toEqual(
      Object.keys(judgeVariables({ task: '', program: '', results: {} })).sort(),
    );
  });
});
