import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compatibilityKeys, compatibilityKeysSet, describeCompatibilityKeys } from './compat-keys.js';
import { loadConfig, resolveConfig } from './load.js';

const folder = mkdtempSync(join(tmpdir(), 'asi-compat-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A value each key accepts, as a reference config.yaml writes it. */
const samples: Record<string, unknown> = {
  experiment_name: 'circle_packing_demo',
  'logging.level': 'INFO',
  'logging.console': true,
  'logging.wandb': { enabled: true, project: 'evolve' },
  'pipeline.agents.researcher': true,
  'pipeline.agents.engineer': true,
  'pipeline.researcher.diff_pattern': '<<<<<<< SEARCH',
  'cognition.storage_dir': 'cognition_data',
  'cognition.faiss': { index_type: 'IP' },
  'cognition.web_search': { enabled: false },
  'database.storage_dir': 'database_data',
  'database.embedding': { model: 'sentence-transformers/all-MiniLM-L6-v2', dimension: 384 },
  'database.faiss': { index_type: 'IP' },
};

function nested(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, segment) => ({ [segment]: inner }), value) as Record<string, unknown>;
}

describe('compatibility keys', () => {
  it('are all accepted by the schema, each with a reason', () => {
    expect(Object.keys(samples).sort()).toEqual(compatibilityKeys.map((key) => key.path).sort());
    for (const key of compatibilityKeys) {
      expect(() =>
        resolveConfig([{ name: 'config.yaml', values: nested(key.path, samples[key.path]) }], {}),
      ).not.toThrow();
      expect(key.why.length).toBeGreaterThan(10);
    }
  });

  it('are named when a layer sets them, once and in table order, and not when left to their defaults', () => {
    const layers = [
      nested('database.faiss', { index_type: 'IP' }),
      { logging: { wandb: { enabled: true }, level: 'DEBUG' } },
      nested('database.faiss', {}),
    ];
    expect(compatibilityKeysSet(layers).map((key) => key.path)).toEqual([
      'logging.level',
      'logging.wandb',
      'database.faiss',
    ]);
    expect(compatibilityKeysSet([{ pipeline: { agents: { analyzer: false } } }])).toEqual([]);
    expect(describeCompatibilityKeys([])).toBeNull();
    expect(describeCompatibilityKeys(compatibilityKeysSet([{ logging: { wandb: { enabled: true } } }]))).toBe(
      'Accepted for compatibility, with no effect here: logging.wandb (runs are not logged to Weights & Biases: use `asi-evolve dashboard` or `asi-evolve report`).',
    );
  });

  it('come back from loadConfig for what config.yaml sets', () => {
    writeFileSync(
      join(folder, 'config.yaml'),
      'logging:\n  wandb:\n    enabled: true\ncognition:\n  faiss:\n    index_type: IP\n  retrieval:\n    top_k: 3\n',
    );
    expect(loadConfig({ experimentDir: folder, env: {} }).noEffect.map((key) => key.path)).toEqual([
      'logging.wandb',
      'cognition.faiss',
    ]);
  });
});
