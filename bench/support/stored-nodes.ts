import type { LlmCallRecord, NewNode } from '../../src/domain/index.js';
import type { Random } from '../../src/random.js';

/*
 * Stored nodes of realistic size for the benchmarks that build databases through the store:
 * a 2.6 kB program, a 1.4 kB analysis, a 300-byte motivation; a fifth of the rounds failed.
 */

/** A 2.6 kB program with one `const NAME = number;` line for the stand-in to edit. */
export function programText(variant: number): string {
  const lines = ['// EVOLVE-BLOCK-START', `const scale = ${(1 + (variant % 97) / 100).toFixed(2)};`];
  for (let line = 0; lines.join('\n').length < 2560; line++) {
    lines.push(
      `function part${line}(x) { return Math.sin(x * ${line + 1} * scale) + Math.cos(x / ${line + 2}); } // tuned ${line}`,
    );
  }
  lines.push('// EVOLVE-BLOCK-END', 'console.log(part0(1));');
  return `${lines.join('\n')}\n`;
}

const analysisText = (step: number): string =>
  `Round ${step}: ${'The candidate kept the structure of its parent and moved one constant; the score moved by the amount the metrics show, within the noise of the evaluator. '.repeat(9)}`.slice(
    0,
    1400,
  );

/** Node `step` (id = step) of a run whose rounds succeed four times in five. */
export function storedNode(step: number, random: Random): NewNode {
  const success = step === 0 || random.next() > 0.2;
  const score = success ? random.next() : null;
  return {
    id: step,
    step,
    name: `annotate scale ${step}`,
    motivation:
      `Variant ${step}. ${'Move the outer ring inward so that its circles stop touching the clamp margin. '.repeat(4)}`.slice(
        0,
        300,
      ),
    program: programText(step),
    results: success
      ? // latency is derived from the step, not drawn, so that the draws (and cached databases) stay as they were.
        {
          eval_score: score,
          success: true,
          accuracy: random.next(),
          latency: ((step * 7919) % 1000) / 1000,
          note: 'ok',
        }
      : { success: false },
    analysis: analysisText(step),
    score,
    evalScore: score,
    success,
    error: success ? null : 'exit-code: evaluator exited with 1',
    parentIds: step === 0 ? [] : [random.int(step), random.int(step), random.int(step)],
    cognitionIds: [],
    provenance: 'experience',
    runtimeMs: 4,
    island: null,
    operator: step === 0 ? 'seed' : 'llm',
    metadata: {},
    usage: { inputTokens: 3000, cachedInputTokens: undefined, outputTokens: 400 },
    costUsd: 0.002,
  };
}

/** A small LLM call made for node `step`. */
export function storedCall(step: number, role: string): LlmCallRecord {
  return {
    nodeId: step,
    step,
    role,
    provider: 'openai-compatible',
    modelId: 'stand-in',
    request: {
      system: 'You are a researcher.',
      messages: [{ role: 'user', content: `Design round ${step}. ${'Context. '.repeat(30)}` }],
    },
    responseText: `<name>annotate scale ${step}</name>\n${'answer text '.repeat(25)}`,
    usage: { inputTokens: 1500, cachedInputTokens: undefined, outputTokens: 200 },
    costUsd: 0.001,
    durationMs: 1,
    error: null,
    attempt: 1,
    createdAt: new Date().toISOString(),
  };
}
