import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/index.js';
import { createRandom } from '../random.js';
import { createSamplingPolicy, type SampleableNode } from '../sampling/index.js';
import { agentAnalyst, agentDesigner, agentPolicy } from './agent-parts.js';

function node(id: number, score: number, island: number | null): SampleableNode {
  return { id, step: id, score, success: true, visitCount: 0, island, programLength: 10 + id, metrics: {} };
}

function islandPolicy() {
  const policy = createSamplingPolicy(
    configSchema.parse({ database: { sampling: { algorithm: 'island', island: { num_islands: 3 } } } }).database
      .sampling,
  );
  for (const each of [node(0, 1, null), node(1, 2, 0), node(2, 3, 1), node(3, 4, 2)]) policy.observe(each);
  return policy;
}

describe('the agent parts', () => {
  it('without chosen parents, the policy draws as in a round', () => {
    const random = () => createRandom(5).fork('select:4');
    const expected = islandPolicy().select({ n: 2, random: random() });
    expect(agentPolicy(islandPolicy(), null).select({ n: 2, random: random() })).toEqual(expected);
  });

  it("with chosen parents, they are the selection, the new node joins the parent's island, and the policy's own state moves on", () => {
    const inner = islandPolicy();
    const wrapped = agentPolicy(inner, [node(2, 3, 1), node(0, 1, null)]);
    const selection = wrapped.select({ n: 3, random: createRandom(1) });
    expect(selection.parent?.id).toBe(2);
    expect(selection.context.map((each) => each.id)).toEqual([2, 0]);
    expect(selection.island).toBe(1);
    // The round-robin advanced: the next draw serves the next island.
    expect(inner.select({ n: 1, random: createRandom(1) }).island).toBe(1);
    // A parent without an island (the seed): the island the policy drew.
    expect(agentPolicy(islandPolicy(), [node(0, 1, null)]).select({ n: 1, random: createRandom(1) }).island).toBe(0);
  });

  it("the designer and analyst return the agent's words, marked as its operator", async () => {
    const proposal = await agentDesigner({ name: 'n', motivation: 'm', program: 'p' }).design({} as never);
    expect(proposal).toEqual({
      name: 'n',
      motivation: 'm',
      program: 'p',
      provenance: 'unknown',
      operator: 'mcp',
      notes: {},
    });
    expect(await agentAnalyst('why it worked').analyse({} as never)).toBe('why it worked');
  });
});
