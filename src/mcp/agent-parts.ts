import type { Analyst, Designer, Proposal } from '../agents/index.js';
import type { NodeRecord } from '../store/index.js';
import type { SampleableNode, SamplingPolicy } from '../sampling/index.js';

/** The operator recorded on nodes a coding agent designed through the MCP server. */
export const mcpOperator = 'mcp';

/**
 * A Researcher that proposes what the agent wrote (the same proposal if the round asks again).
 * `program` may be built from the round's parent: file changes applied to the parent's files.
 */
export function agentDesigner(candidate: {
  name: string;
  motivation: string;
  program: string | ((parent: NodeRecord | null) => string);
}): Designer {
  const { program, ...texts } = candidate;
  return {
    name: mcpOperator,
    design: async (context): Promise<Proposal> => ({
      ...texts,
      program: typeof program === 'string' ? program : program(context.parent),
      provenance: 'unknown',
      operator: mcpOperator,
      notes: {},
    }),
  };
}

/** An Analyzer that reports what the agent wrote. */
export function agentAnalyst(analysis: string): Analyst {
  return { name: mcpOperator, analyse: async () => analysis };
}

/**
 * The configured policy, except that the sampled nodes are the ones the agent built on. The
 * policy still draws, so that its own state (an island's round-robin) moves on as in a round; a
 * new node joins its first parent's island when the parent has one.
 */
export function agentPolicy(policy: SamplingPolicy, chosen: readonly SampleableNode[] | null): SamplingPolicy {
  return {
    name: policy.name,
    select: (options) => {
      const drawn = policy.select(options);
      if (chosen === null) return drawn;
      const parent = chosen[0] ?? null;
      return { parent, context: [...chosen], island: parent?.island ?? drawn.island };
    },
    observe: (node) => policy.observe(node),
    forget: (id) => policy.forget(id),
    state: () => policy.state(),
    restore: (state) => policy.restore(state),
  };
}
