import type { CognitionItem } from '../../cognition/item.js';
import type { FinishReason, GenerateOptions, GenerateResult, LanguageModel } from '../../llm/model.js';
import { createRandom } from '../../random.js';
import { nodeRecord, type NodeRecord } from '../../store/index.js';
import type { AnalysisContext, DesignContext } from '../types.js';

export interface ScriptedModel extends LanguageModel {
  /** The options of every call, in order (messages copied). */
  calls: GenerateOptions[];
}

type Answer = string | { text: string; finishReason?: FinishReason };

/** A model double that answers from a script, one answer per call, and fails when the script runs out. */
export function scriptedModel(answers: Answer[]): ScriptedModel {
  const calls: GenerateOptions[] = [];
  return {
    provider: 'test',
    modelId: 'scripted',
    contextWindow: undefined,
    calls,
    async generate(options): Promise<GenerateResult> {
      calls.push({ ...options, messages: options.messages.map((message) => ({ ...message })) });
      const answer = answers[calls.length - 1];
      if (answer === undefined) throw new Error(`the script has no answer for call ${calls.length}`);
      const { text, finishReason = 'stop' } = typeof answer === 'string' ? { text: answer } : answer;
      return {
        text,
        finishReason: { unified: finishReason, raw: finishReason },
        usage: { inputTokens: 10, cachedInputTokens: undefined, outputTokens: 5 },
        response: { id: `call-${calls.length}`, modelId: 'scripted' },
      };
    },
  };
}

/** A stored node with sensible defaults. */
export function makeNode(overrides: Partial<NodeRecord> & { id: number }): NodeRecord {
  return nodeRecord({
    motivation: `motivation of ${overrides.id}`,
    program: 'x = 0.5\n',
    results: { eval_score: 0.5 },
    score: 0.5,
    evalScore: 0.5,
    runtimeMs: 10,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  });
}

export function makeCognition(id: string): CognitionItem {
  return { id, title: `title ${id}`, content: `content ${id}`, source: `paper ${id}`, tags: [], metadata: {} };
}

/** A design context around a parent (or none). */
export function designContext(overrides: Partial<DesignContext> = {}): DesignContext {
  const parent = overrides.parent === undefined ? makeNode({ id: 1 }) : overrides.parent;
  return {
    task: 'Maximise the score.',
    step: 7,
    parent,
    context: parent === null ? [] : [parent],
    cognition: [],
    diffMode: false,
    maxCodeLength: 10_000,
    random: createRandom(42),
    ...overrides,
  };
}

/** An analysis context of a successful candidate. */
export function analysisContext(overrides: Partial<AnalysisContext> = {}): AnalysisContext {
  return {
    task: 'Maximise the score.',
    step: 3,
    name: 'candidate',
    motivation: 'try a larger step',
    program: 'x = 0.6\n',
    success: true,
    score: 0.6,
    results: { eval_score: 0.6 },
    error: null,
    logs: '',
    bestSampled: null,
    parent: null,
    ...overrides,
  };
}
