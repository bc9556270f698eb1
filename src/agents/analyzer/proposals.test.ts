import { describe, expect, it } from 'vitest';
import { createRuleBasedAnalyst } from './rule-based.js';
import { isProposingAnalyst, proposedItemsOf } from './proposals.js';

describe('proposals', () => {
  it('tells proposing analysts from the others', () => {
    expect(isProposingAnalyst(createRuleBasedAnalyst())).toBe(false);
    expect(
      isProposingAnalyst({
        name: 'x',
        analyse: async () => '',
        analyseWithProposals: async () => ({ analysis: '', proposedItems: [] }),
      } as never),
    ).toBe(true);
  });

  it('reads tags and drops blocks without content', () => {
    const text =
      '<cognition_item><title>A</title><content>Alpha.</content><tags>x, y</tags></cognition_item><cognition_item><title>B</title></cognition_item>';
    expect(proposedItemsOf(text, 5)).toEqual([{ title: 'A', content: 'Alpha.', tags: ['x', 'y'] }]);
  });
});
