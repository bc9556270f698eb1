import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScriptedModel } from '../../llm/test-support/scripted.js';
import { loadTemplates } from '../templates/load.js';
import { ManagerError, readEvalCriteria, runManager } from './manager.js';
import { loadManagerTemplate } from './template.js';

const researcherDiff = `Task: {{ task }}
{% for node in context %}#{{ node.id }} {{ node.name }} score {{ node.score }}
{{ node.analysis }}
{% endfor %}
Program to edit:
{{ parent.program }}
Circles must stay inside the square; overlapping circles score 0.
Answer with <name>, <motivation>, then SEARCH/REPLACE blocks:
<<<<<<< SEARCH
old lines
=======
new lines
>>>>>>> REPLACE`;

const analyzer = `Candidate {{ name }}: {% if success %}score {{ score }}{% else %}failed: {{ error }}{% endif %}
{{ results_json }}
{{ logs }}
Report on the sum of radii and the validity checks.
<analysis>
your report
</analysis>`;

const answer = (researcher: string, analyst: string) =>
  `<researcher_prompt>\n${researcher}\n</researcher_prompt>\n<analyzer_prompt>\n\`\`\`jinja\n${analyst}\n\`\`\`\n</analyzer_prompt>`;

describe('runManager', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'asi-manager-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes experiment-specific prompts that the loop then loads, from input.md and eval_criteria.md', async () => {
    writeFileSync(join(dir, 'eval_criteria.md'), 'Score = sum of radii; invalid packings score 0.');
    const model = createScriptedModel([answer(researcherDiff, analyzer)]);
    const result = await runManager({
      model,
      task: 'Pack 26 circles.',
      evalCriteria: readEvalCriteria(dir),
      experimentDir: dir,
      diffMode: true,
    });
    expect(result.calls).toBe(1);
    expect(result.written).toEqual([
      join(dir, 'prompts', 'researcher_diff.jinja2'),
      join(dir, 'prompts', 'analyzer.jinja2'),
    ]);
    expect(readFileSync(join(dir, 'prompts', 'analyzer.jinja2'), 'utf8')).toBe(`${analyzer}\n`);
    const prompt = model.calls[0]?.messages[0]?.content ?? '';
    expect(prompt).toContain('Pack 26 circles.');
    expect(prompt).toContain('Score = sum of radii');
    expect(prompt).toContain('researcher_diff.jinja2');
    expect(prompt).toContain('>>>>>>> REPLACE');
    // The written templates are what the loop now renders.
    const templates = loadTemplates(dir);
    expect(templates.researcherDiff.origin).toBe(join(dir, 'prompts', 'researcher_diff.jinja2'));
    expect(templates.analyzer.origin).toBe(join(dir, 'prompts', 'analyzer.jinja2'));
  });

  it("never overwrites the user's prompts: it writes only the missing one, or makes no call", async () => {
    mkdirSync(join(dir, 'prompts'));
    writeFileSync(join(dir, 'prompts', 'analyzer.jinja2'), 'my own analyzer <analysis></analysis>');
    const model = createScriptedModel([
      `<researcher_prompt>\nTask: {{ task }}\nAnswer <name>, <motivation> and <code>.\n</researcher_prompt>`,
    ]);
    const result = await runManager({ model, task: 't', experimentDir: dir, diffMode: false });
    expect(result.kept).toEqual([join(dir, 'prompts', 'analyzer.jinja2')]);
    expect(result.written).toEqual([join(dir, 'prompts', 'researcher.jinja2')]);
    expect(readFileSync(join(dir, 'prompts', 'analyzer.jinja2'), 'utf8')).toBe('my own analyzer <analysis></analysis>');
    expect(model.calls[0]?.messages[0]?.content).not.toContain('<analyzer_prompt>');

    const idle = createScriptedModel([]);
    const again = await runManager({ model: idle, task: 't', experimentDir: dir, diffMode: false });
    expect(again).toEqual({
      written: [],
      kept: [join(dir, 'prompts', 'researcher.jinja2'), join(dir, 'prompts', 'analyzer.jinja2')],
      calls: 0,
    });
    expect(idle.calls).toHaveLength(0);
  });

  it('sends back a template that does not compile or lacks the answer format, then accepts the fix', async () => {
    const model = createScriptedModel([
      answer('Task: {{ task }\n<name> <motivation> SEARCH REPLACE', analyzer),
      answer('Task: {{ task }} with no answer format', analyzer),
      answer(researcherDiff, analyzer),
    ]);
    const result = await runManager({ model, task: 't', experimentDir: dir, diffMode: true, maxRetries: 2 });
    expect(result.calls).toBe(3);
    const feedback = model.calls[1]?.messages.at(-1)?.content ?? '';
    expect(feedback).toContain('syntax error');
    expect(model.calls[2]?.messages.at(-1)?.content).toContain(
      'does not ask for <name>, <motivation>, SEARCH, REPLACE',
    );
  });

  it('gives up with a ManagerError and writes nothing when no answer is usable', async () => {
    const model = createScriptedModel(['I cannot help with that.', 'Still nothing.']);
    const error = await runManager({ model, task: 't', experimentDir: dir, diffMode: false, maxRetries: 1 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ManagerError);
    expect((error as ManagerError).problems).toHaveLength(4);
    expect((error as ManagerError).message).toContain('2 attempts');
    expect(existsSync(join(dir, 'prompts'))).toBe(false);
  });

  it('uses prompts/manager.jinja2 when the experiment has one', () => {
    mkdirSync(join(dir, 'prompts'));
    writeFileSync(join(dir, 'prompts', 'manager.jinja2'), 'Write prompts for {{ task }}.');
    expect(loadManagerTemplate(dir).render({ task: 'packing' })).toBe('Write prompts for packing.');
    writeFileSync(join(dir, 'prompts', 'manager.jinja2'), 'Broken {{ task }');
    expect(() => loadManagerTemplate(dir)).toThrow(/manager\.jinja2/);
  });
});
