import { describe, expect, it } from 'vitest';
import { checkEvolveBlocks, evolveBlockRanges } from './evolve-blocks.js';

const original = [
  'import math',
  '# EVOLVE-BLOCK-START',
  'RADIUS = 0.1',
  '# EVOLVE-BLOCK-END',
  'def run():',
  '    return RADIUS',
  '// EVOLVE-BLOCK-START',
  'STEPS = 3',
  '// EVOLVE-BLOCK-END',
  'print(run())',
  '',
].join('\n');

describe('checkEvolveBlocks', () => {
  it('accepts any change inside the blocks', () => {
    const updated = original.replace('RADIUS = 0.1', 'RADIUS = 0.2\nEXTRA = 1').replace('STEPS = 3', '');
    expect(checkEvolveBlocks(original, updated)).toEqual({ ok: true });
  });

  it('names the first changed line outside the blocks', () => {
    const updated = original.replace('    return RADIUS', '    return RADIUS * 2');
    const check = checkEvolveBlocks(original, updated);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.line).toBe(6);
    expect(check.message).toContain('line 6 (`    return RADIUS`)');
    expect(check.message).toContain('`    return RADIUS * 2`');
  });

  it('catches a removed marker', () => {
    const check = checkEvolveBlocks(original, original.replace('// EVOLVE-BLOCK-END\n', ''));
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.line).toBe(9);
  });

  it('catches a line added outside the blocks', () => {
    const check = checkEvolveBlocks(original, `${original}print('more')\n`);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toContain('added outside');
  });

  it('ignores trailing whitespace and programs without markers', () => {
    expect(checkEvolveBlocks(original, original.replace('import math', 'import math   ') + '\n\n')).toEqual({
      ok: true,
    });
    expect(checkEvolveBlocks('a = 1\n', 'b = 2\n')).toEqual({ ok: true });
  });

  it('finds the line ranges inside the blocks', () => {
    expect(evolveBlockRanges(original)).toEqual([
      { firstLine: 2, lastLine: 2 },
      { firstLine: 7, lastLine: 7 },
    ]);
  });
});
