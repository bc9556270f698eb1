import { describe, expect, it } from 'vitest';
import { formatFileSet, parseFileSet } from '../../domain/index.js';
import { AsiEvolveError } from '../../errors.js';
import { createRandom } from '../../random.js';
import { designContext, makeNode } from '../test-support/fixtures.js';
import { createBuiltinDesigner } from './designer.js';

const designer = createBuiltinDesigner();
const parent = makeNode({ id: 3, program: 'RATE = 0.3\nSCALE = 0.7\nN = 26\n' });
const partner = makeNode({ id: 5, program: 'RATE = 0.4\nSCALE = 0.5\nN = 30\n' });

describe('built-in no-model designer', () => {
  it('is named builtin', () => {
    expect(designer.name).toBe('builtin');
  });

  it('perturbs the parent and says exactly what changed', async () => {
    const proposal = await designer.design(designContext({ parent, context: [parent], random: createRandom(1) }));
    expect(proposal.operator).toBe('builtin:perturb');
    expect(proposal.name).toBe('perturb-7');
    expect(proposal.provenance).toBe('experience');
    expect(proposal.motivation).toMatch(/^perturbed [1-3] constants? of #3: line \d+ [\d.]+ → [\d.]+/);
    const changes = proposal.notes.changes as Array<{ line: number; before: string; after: string }>;
    for (const change of changes)
      expect(proposal.motivation).toContain(`line ${change.line} ${change.before} → ${change.after}`);
    expect(proposal.notes.builtin).toContain('not an LLM');
  });

  it('recombines two same-shape successful parents for some seeds, and is deterministic', async () => {
    const operators = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const context = () => designContext({ parent, context: [parent, partner], random: createRandom(seed) });
      const proposal = await designer.design(context());
      expect(await designer.design(context())).toEqual(proposal);
      operators.add(proposal.operator);
      if (proposal.operator === 'builtin:crossover') {
        expect(proposal.name).toBe('crossover-7');
        expect(proposal.motivation).toContain('crossover of #3 and #5');
        expect(proposal.notes.parents).toEqual([3, 5]);
      }
    }
    expect(operators).toEqual(new Set(['builtin:perturb', 'builtin:crossover']));
  });

  it('never crosses over with a failed node', async () => {
    const failed = { ...partner, success: false, score: null };
    for (let seed = 0; seed < 10; seed++) {
      const proposal = await designer.design(
        designContext({ parent, context: [parent, failed], random: createRandom(seed) }),
      );
      expect(proposal.operator).toBe('builtin:perturb');
    }
  });

  it('needs a parent, and names both reasons there may be none', async () => {
    const error = await designer.design(designContext({ parent: null })).catch((caught: unknown) => caught);
    expect(AsiEvolveError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'USAGE' });
    expect((error as Error).message).toContain(
      'has no parent program to change: the experiment has no initial program, or no stored program has succeeded',
    );
  });

  it('says when the program has no constant to change', async () => {
    const bare = makeNode({ id: 1, program: 'print("hi")\n' });
    await expect(designer.design(designContext({ parent: bare }))).rejects.toMatchObject({ code: 'USAGE' });
  });
});

describe('built-in no-model designer on a multi-file candidate', () => {
  const bundle = (rate: string, width: string) =>
    formatFileSet(
      new Map([
        ['v2/config.py', `RATE = ${rate}\nSTEPS = 100\n`],
        ['layer3/model.py', `WIDTH = ${width}\nDEPTH = 2\n`],
      ]),
    );
  const multiParent = makeNode({ id: 8, program: bundle('0.25', '0.75') });
  const multiPartner = makeNode({ id: 9, program: bundle('0.5', '0.125') });

  it('changes constants inside the files, never a number in a path, and names the file of each change', async () => {
    const operators = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const proposal = await designer.design(
        designContext({ parent: multiParent, context: [multiParent, multiPartner], random: createRandom(seed) }),
      );
      operators.add(proposal.operator);
      const files = parseFileSet(proposal.program);
      expect([...(files?.keys() ?? [])]).toEqual(['layer3/model.py', 'v2/config.py']);
      expect(proposal.program).not.toBe(multiParent.program);
      expect(proposal.motivation).toMatch(/(v2\/config\.py|layer3\/model\.py) line [12] /);
    }
    expect(operators).toEqual(new Set(['builtin:perturb', 'builtin:crossover']));
  });
});
