import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type LlmCallRecord, type NewNode, type Store } from '../../store/index.js';

/** A throwaway experiment folder with a database the test writes to (as a run would). */
export interface TempExperiment {
  dir: string;
  store: Store;
  cleanup(): void;
}

/** A node of a made-up run; every field can be overridden. */
export function node(step: number, overrides: Partial<NewNode> = {}): NewNode {
  return {
    id: step,
    step,
    name: `design-${step}`,
    motivation: `motivation of ${step}`,
    program: `const radius = ${step};\nconsole.log(radius);\n`,
    results: { eval_score: step, success: true, sum_radii: step },
    analysis: `analysis of ${step}`,
    score: step,
    evalScore: step,
    success: true,
    error: null,
    parentIds: step > 0 ? [step - 1] : [],
    cognitionIds: [],
    provenance: 'experience',
    runtimeMs: 100,
    island: null,
    operator: step === 0 ? 'seed' : 'llm',
    metadata: {},
    usage: { inputTokens: undefined, cachedInputTokens: undefined, outputTokens: undefined },
    costUsd: 0,
    ...overrides,
  };
}

/** An LLM call of a made-up run. */
export function call(overrides: Partial<LlmCallRecord> = {}): LlmCallRecord {
  return {
    nodeId: null,
    step: null,
    role: 'researcher',
    provider: 'openai-compatible',
    modelId: 'gpt-5-mini',
    request: { system: 'You are a researcher.', messages: [{ role: 'user', content: 'Design the next program.' }] },
    responseText: '<name>x</name>',
    usage: { inputTokens: 1000, cachedInputTokens: undefined, outputTokens: 200 },
    costUsd: 0.002,
    durationMs: 900,
    error: null,
    attempt: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** Writes a file inside the experiment folder, creating its folders. */
export function writeExperimentFile(dir: string, path: string, content: string): void {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), content);
}

/** An empty experiment folder with a fresh, writable database. */
export function createTempExperiment(prefix = 'asi-evolve-web-'): TempExperiment {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'input.md'), 'Pack circles.\n');
  const store = openStore(join(dir, 'asi-evolve.db'));
  return {
    dir,
    store,
    cleanup() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
