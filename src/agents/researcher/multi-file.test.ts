import { describe, expect, it } from 'vitest';
import { formatFileSet, parseFileSet } from '../../domain/index.js';
import { parseRepairAnswer } from '../debug/debug-agent.js';
import { createTemplates } from '../templates/load.js';
import { designContext, makeNode, scriptedModel } from '../test-support/fixtures.js';
import type { ProjectView } from '../types.js';
import { applyFileEdits, parseMultiFileAnswer } from './multi-file.js';
import { projectOutline } from './outline.js';
import { createLlmResearcher } from './researcher.js';

const templates = createTemplates();

const seedFiles = new Map([
  ['model.py', 'import config\n\ndef predict(x):\n    return config.SCALE * x\n'],
  ['config.py', 'SCALE = 1.0\nSTEPS = 10\n'],
  ['kernel.py', '# fixed\n# EVOLVE-BLOCK-START\nK = 1\n# EVOLVE-BLOCK-END\ndef k():\n    return K\n'],
]);
const seedProgram = formatFileSet(seedFiles);
const parent = makeNode({ id: 4, program: seedProgram });
const project: ProjectView = {
  editable: ['model.py', 'config.py', 'kernel.py', 'extra/**'],
  isEditable: (path) => ['model.py', 'config.py', 'kernel.py'].includes(path) || path.startsWith('extra/'),
  outline: 'train.py\n  def train(model, steps):\n',
  seedProgram,
};

const header = '<name>coordinated</name>\n<motivation>scale and steps together</motivation>\n';
const block = (path: string, search: string, replace: string) =>
  `<<<<<<< SEARCH ${path}\n${search}\n=======\n${replace}\n>>>>>>> REPLACE\n`;

describe('multi-file answers', () => {
  it('parses blocks that name their file and whole files, in answer order', () => {
    const answer = parseMultiFileAnswer(
      `${header}${block('config.py', 'SCALE = 1.0', 'SCALE = 2.0')}<file path="extra/new.py">\n\`\`\`python\nX = 1\n\`\`\`\n</file>\n${block('"model.py"', 'x', 'y')}`,
    );
    expect(answer.edits).toEqual([
      { kind: 'block', path: 'config.py', search: 'SCALE = 1.0', replace: 'SCALE = 2.0' },
      { kind: 'file', path: 'extra/new.py', content: 'X = 1\n' },
      { kind: 'block', path: 'model.py', search: 'x', replace: 'y' },
    ]);
  });

  it('applies edits across two files and creates a file under an editable path', () => {
    const result = applyFileEdits(
      seedFiles,
      [
        { kind: 'block', path: 'config.py', search: 'STEPS = 10', replace: 'STEPS = 20\nMOMENTUM = 0.9' },
        {
          kind: 'block',
          path: 'model.py',
          search: '    return config.SCALE * x',
          replace: '    return config.SCALE * x * config.MOMENTUM',
        },
        { kind: 'file', path: 'extra/helpers.py', content: 'def h():\n    return 0\n' },
      ],
      { patterns: project.editable, isEditable: project.isEditable },
    );
    expect(result).toMatchObject({ ok: true, changed: ['model.py', 'config.py'], created: ['extra/helpers.py'] });
    const files = parseFileSet(result.ok ? result.program : '');
    expect(files?.get('config.py')).toBe('SCALE = 1.0\nSTEPS = 20\nMOMENTUM = 0.9\n');
    expect(files?.get('extra/helpers.py')).toBe('def h():\n    return 0\n');
  });

  it('refuses a path outside the editable set and an unsafe path, with the reason', () => {
    const editable = { patterns: project.editable, isEditable: project.isEditable };
    const outside = applyFileEdits(seedFiles, [{ kind: 'file', path: 'train.py', content: 'x\n' }], editable);
    expect(outside).toMatchObject({ ok: false, kind: 'format' });
    expect(outside.ok ? '' : outside.problems[0]).toContain('train.py, which is outside the editable files');
    const escaping = applyFileEdits(seedFiles, [{ kind: 'file', path: 'extra/../../etc/x', content: 'x\n' }], editable);
    expect(escaping.ok ? '' : escaping.problems[0]).toContain('the path leaves the project (..)');
  });

  it('describes a block that does not apply with its file and the nearest line; checks EVOLVE blocks per file', () => {
    const editable = { patterns: project.editable, isEditable: project.isEditable };
    const missing = applyFileEdits(
      seedFiles,
      [{ kind: 'block', path: 'config.py', search: 'SCALE  = 1.0', replace: 'SCALE = 3.0' }],
      editable,
    );
    expect(missing).toMatchObject({ ok: false, kind: 'diff' });
    expect(missing.ok ? '' : missing.problems[0]).toBe(
      "block 1's SEARCH text was not found in config.py: `SCALE  = 1.0` Its line 1 does not occur in config.py: `SCALE  = 1.0`.",
    );
    const outsideBlock = applyFileEdits(
      seedFiles,
      [{ kind: 'block', path: 'kernel.py', search: '# fixed', replace: '# changed' }],
      editable,
    );
    expect(outsideBlock).toMatchObject({ ok: false, kind: 'evolve-block' });
    expect(outsideBlock.ok ? '' : outsideBlock.problems[0]).toMatch(/^kernel\.py: line 1 \(`# fixed`\) lies outside/);
  });

  it('outlines the read-only files within the budget, imported ones first', () => {
    const outline = projectOutline(
      [
        { path: 'a_notes.md', content: '# notes\n' },
        { path: 'train.py', content: 'import numpy\n\ndef train(model, steps):\n    pass\nclass Loop:\n    pass\n' },
        { path: 'data.bin', content: null },
      ],
      new Map([['model.py', 'from train import train\n']]),
      100,
    );
    expect(outline).toBe(
      'train.py  (imported by an editable file)\n  def train(model, steps):\n  class Loop:\na_notes.md\n… and 1 more file\n',
    );
  });
});

describe('LLM Researcher on a multi-file candidate', () => {
  it('shows the files with their paths and the outline, and sends a refused path and a failed block back', async () => {
    const model = scriptedModel([
      `${header}<file path="train.py">\nhacked\n</file>\n${block('config.py', 'SCALE = 9', 'SCALE = 2.0')}`,
      `${header}${block('config.py', 'SCALE = 9', 'SCALE = 2.0')}`,
      `${header}${block('config.py', 'SCALE = 1.0', 'SCALE = 2.0')}${block('model.py', 'config.SCALE * x', 'config.SCALE * x + 1')}`,
    ]);
    const researcher = createLlmResearcher({ model, templates, maxParseRetries: 2, diffRetries: 2, project });
    const proposal = await researcher.design(designContext({ parent, context: [parent], diffMode: true }));
    const prompt = String(model.calls[0]?.messages[0]?.content);
    expect(prompt).toContain('### config.py\n\n```\nSCALE = 1.0\nSTEPS = 10\n```');
    expect(prompt).toContain('def train(model, steps):');
    expect(prompt).toContain('<<<<<<< SEARCH path/to/file.py');
    expect(prompt).not.toContain('@@@ asi-evolve file:');
    const refusal = String(model.calls[1]?.messages[2]?.content);
    expect(refusal).toContain('names train.py, which is outside the editable files');
    const notApplied = String(model.calls[2]?.messages[4]?.content);
    expect(notApplied).toContain("block 1's SEARCH text was not found in config.py");
    const files = parseFileSet(proposal.program);
    expect(files?.get('config.py')).toBe('SCALE = 2.0\nSTEPS = 10\n');
    expect(files?.get('model.py')).toContain('config.SCALE * x + 1');
    expect(proposal.notes).toMatchObject({ mode: 'diff', attempts: 3, blocks: 2 });
  });

  it('asks for whole files in full-rewrite mode; files not given stay as they were', async () => {
    const model = scriptedModel([`${header}<file path="config.py">\nSCALE = 3.0\nSTEPS = 10\n</file>`]);
    const researcher = createLlmResearcher({ model, templates, maxParseRetries: 1, diffRetries: 1, project });
    const proposal = await researcher.design(designContext({ parent, context: [parent] }));
    expect(String(model.calls[0]?.messages[0]?.content)).toContain('<file path="path/to/file.py">');
    expect(parseFileSet(proposal.program)).toEqual(new Map([...seedFiles, ['config.py', 'SCALE = 3.0\nSTEPS = 10\n']]));
  });
});

describe('debug agent on a multi-file candidate', () => {
  it('reads a fix as edits that name their file, refusing a path outside the editable set', () => {
    const fixed = parseRepairAnswer(
      `<explanation>missing import</explanation>\n${block('model.py', 'import config', 'import config\nimport math')}`,
      seedProgram,
      Number.POSITIVE_INFINITY,
      project,
    );
    expect(fixed.explanation).toBe('missing import');
    expect(parseFileSet(fixed.program)?.get('model.py')).toMatch(/^import config\nimport math\n/);
    expect(() =>
      parseRepairAnswer('<file path="train.py">\nx\n</file>', seedProgram, Number.POSITIVE_INFINITY, project),
    ).toThrow(/train\.py, which is outside the editable files/);
    expect(() => parseRepairAnswer('<code>\nx = 1\n</code>', seedProgram)).toThrow(/missing SEARCH\/REPLACE blocks/);
  });
});
