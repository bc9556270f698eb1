import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type OpenStoreOptions, type Store } from '../store.js';
import type { LlmCallRecord, NewNode } from '../../domain/index.js';

/** A temp folder holding one database file; `cleanup` closes every store opened and removes it. */
export interface TempStore {
  dir: string;
  path: string;
  open(options?: OpenStoreOptions): Store;
  cleanup(): void;
}

export function createTempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'asi-evolve-store-'));
  const path = join(dir, 'nested', 'asi-evolve.db');
  const opened: Store[] = [];
  return {
    dir,
    path,
    open(options) {
      const store = openStore(path, options);
      opened.push(store);
      return store;
    },
    cleanup() {
      for (const store of opened) store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A node with every field set to a distinct, non-default value. */
export function makeNode(overrides: Partial<NewNode> = {}): NewNode {
  return {
    step: 1,
    name: 'ring packing',
    motivation: 'place circles on two rings',
    program: 'def solve():\n    return 1.5  # ünïcödé\n',
    results: { eval_score: 1.5, valid: true, radii: [0.1, 0.2], nested: { a: 1 }, note: 'ok', count: 26 },
    analysis: 'rings leave gaps at the corners',
    score: 1.5,
    evalScore: 1.25,
    success: true,
    error: null,
    parentIds: [],
    cognitionIds: ['paper-1', 'paper-2'],
    provenance: 'cognition',
    runtimeMs: 1234.5,
    island: 2,
    operator: 'llm',
    metadata: { judge: 80, notes: ['trimmed'] },
    usage: { inputTokens: 1000, cachedInputTokens: undefined, outputTokens: 200 },
    costUsd: 0.0125,
    ...overrides,
  };
}

/** An LLM call record. */
export function makeCall(overrides: Partial<LlmCallRecord> = {}): LlmCallRecord {
  return {
    nodeId: null,
    step: 1,
    role: 'researcher',
    provider: 'openai-compatible',
    modelId: 'gpt-5-mini',
    request: { system: 'you are a researcher', messages: [{ role: 'user', content: 'design' }] },
    responseText: '<name>x</name>',
    usage: { inputTokens: 100, cachedInputTokens: 10, outputTokens: 50 },
    costUsd: 0.001,
    durationMs: 850,
    error: null,
    attempt: 1,
    createdAt: '2026-01-02T03:04:05.000Z',
    ...overrides,
  };
}
