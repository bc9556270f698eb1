import type { NodeRecord } from '../domain/index.js';

/**
 * A successful node with neutral defaults (score 0, empty texts), overridden field by field:
 * for template previews, estimates and tests that need a whole NodeRecord.
 * @example nodeRecord({ id: 3, score: 1.2, program: 'x = 1\n' })
 */
export function nodeRecord(overrides: Partial<NodeRecord> & { id: number }): NodeRecord {
  return {
    step: overrides.id,
    name: `node-${overrides.id}`,
    motivation: '',
    program: '',
    results: {},
    analysis: '',
    score: 0,
    evalScore: 0,
    success: true,
    error: null,
    parentIds: [],
    cognitionIds: [],
    provenance: 'unknown',
    visitCount: 0,
    runtimeMs: 0,
    island: null,
    operator: 'seed',
    metadata: {},
    usage: { inputTokens: undefined, cachedInputTokens: undefined, outputTokens: undefined },
    costUsd: 0,
    createdAt: '',
    ...overrides,
  };
}
