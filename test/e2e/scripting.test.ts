import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTempExperiment, node, type TempExperiment } from '../../src/web/test-support/experiment.js';
import { repoRoot, runCli, useE2eCleanup } from './helpers.js';

useE2eCleanup();

// A stored run of four rounds (one failed), made through the store as a run would make it.
let experiment: TempExperiment;
beforeAll(() => {
  experiment = createTempExperiment('asi-e2e-scripting-');
  const { store } = experiment;
  store.insertNode(node(0, { score: 0.5, evalScore: 0.5 }));
  store.insertNode(node(1, { score: 1.25, parentIds: [0], provenance: 'cognition', cognitionIds: ['c1'] }), {
    calls: [call({ costUsd: 0.5 })],
  });
  store.insertNode(
    node(2, { success: false, score: null, evalScore: null, error: 'timeout: ran past 10 s', parentIds: [1] }),
  );
  store.insertNode(node(3, { score: 2.5, parentIds: [1], provenance: 'novel', program: 'score = 2.5\n' }));
});
afterAll(() => experiment.cleanup());

function json(stdout: string): unknown {
  return JSON.parse(stdout);
}

describe('asi-evolve for scripts', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('status --json reports rounds, best, failures, spend and provenance as one JSON document', async () => {
    const result = await runCli(['status', experiment.dir, '--json', '--provenance']);
    expect(result.code, result.stderr).toBe(0);
    const status = json(result.stdout) as Record<string, unknown>;
    expect(status.rounds).toEqual({ stored: 3, succeeded: 2, failed: 1 });
    expect(status.seed).toEqual({ success: true, score: 0.5, error: null });
    expect(status.best).toMatchObject({ id: 3, step: 3, score: 2.5, success: true });
    expect(status.failuresByReason).toEqual({ timeout: 1 });
    expect((status.llm as { calls: number; totalUsd: number }).calls).toBe(1);
    expect((status.llm as { totalUsd: number }).totalUsd).toBeCloseTo(0.5);
    expect((status.recent as Array<{ step: number }>).map((entry) => entry.step)).toEqual([1, 2, 3]);
    expect(status.provenance).toMatchObject({
      all: { nodes: 3, counts: { cognition: 1, novel: 1, experience: 1 } },
      roundsShownCognition: 1,
    });
  });

  it('best --json names the node, its program and step folder; with no success yet it prints null and exits 1', async () => {
    const result = await runCli(['best', experiment.dir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(json(result.stdout)).toEqual({
      id: 3,
      step: 3,
      name: 'design-3',
      success: true,
      score: 2.5,
      error: null,
      program: join(experiment.dir, 'best', 'code'),
      stepFolder: join(experiment.dir, 'steps', 'step_3'),
    });
    const empty = createTempExperiment('asi-e2e-scripting-empty-');
    try {
      empty.store.insertNode(node(0, { success: false, score: null, error: 'crash' }));
      const none = await runCli(['best', empty.dir, '--json']);
      expect(none.code).toBe(1);
      expect(json(none.stdout)).toBeNull();
    } finally {
      empty.cleanup();
    }
  });

  it('show --json prints the stored node, without its program under --no-program', async () => {
    const full = json((await runCli(['show', experiment.dir, '3', '--json'])).stdout) as Record<string, unknown>;
    expect(full).toMatchObject({
      id: 3,
      name: 'design-3',
      program: 'score = 2.5\n',
      parentIds: [1],
      provenance: 'novel',
    });
    const bare = json((await runCli(['show', experiment.dir, '3', '--json', '--no-program'])).stdout) as Record<
      string,
      unknown
    >;
    expect(bare).not.toHaveProperty('program');
    expect(bare.motivation).toBe('motivation of 3');
  });

  it('lineage --json lists the node, then its ancestors', async () => {
    const result = await runCli(['lineage', experiment.dir, '3', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const chain = json(result.stdout) as Array<{ id: number; score: number }>;
    expect(chain.map((entry) => entry.id)).toEqual([3, 1, 0]);
    expect(chain[0]?.score).toBe(2.5);
  });

  it('export --json prints every node as one JSON array', async () => {
    const result = await runCli(['export', experiment.dir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const nodes = json(result.stdout) as Array<{ id: number; program: string }>;
    expect(nodes.map((entry) => entry.id)).toEqual([0, 1, 2, 3]);
    expect(nodes[3]?.program).toBe('score = 2.5\n');
    const clash = await runCli(['export', experiment.dir, '--json', '--format', 'csv']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('--json and --format csv ask for two formats');
  });
});
