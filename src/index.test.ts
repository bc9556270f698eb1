import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRunOutput } from './config/index.js';
import { thrownAsiError } from './test-support/asi-error.js';
import { createSamplingPolicy, openExperiment, type LoopEvent, type SamplingPolicy } from './index.js';

const demo = resolve(import.meta.dirname, '../examples/circle-packing');

describe('the library API (src/index.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'asi-library-')), 'circle-packing');
    cpSync(demo, dir, { recursive: true, filter: (source) => !isRunOutput(basename(source)) });
  });
  afterEach(() => rmSync(resolve(dir, '..'), { recursive: true, force: true }));

  it('opens an experiment, runs its loop to a round, resumes to a later one, and reads the nodes', async () => {
    const opened = openExperiment(dir, { overrides: { run: { steps: 2, seed: 7 } } });
    try {
      expect(opened.config.run.steps).toBe(2);
      const events: LoopEvent['type'][] = [];
      const first = await opened.run({ onEvent: (event) => events.push(event.type) });
      expect(first).toMatchObject({ reason: 'done', completed: 2, target: 2 });
      expect(events.filter((type) => type === 'round-end')).toHaveLength(2);
      expect(events.at(-1)).toBe('run-end');
      const second = await opened.run({ steps: 3 });
      expect(second).toMatchObject({ reason: 'done', completed: 3, ranThisTime: 1 });
      const nodes = opened.nodes.listNodes();
      expect(nodes.map((node) => node.step)).toEqual([0, 1, 2, 3]);
      expect(opened.nodes.bestNode()?.evalScore).toBe(Math.max(...nodes.map((node) => node.evalScore ?? -Infinity)));
      const lineage = opened.nodes.lineage(nodes[3]!.id);
      expect([lineage[0]?.step, lineage.at(-1)?.step]).toEqual([3, 0]);
    } finally {
      opened.close();
    }
  });

  it('runs with a sampling policy of the caller', async () => {
    const chosen: number[] = [];
    const greedy = createSamplingPolicy({ ...openExperiment(dir).config.database.sampling, algorithm: 'greedy' });
    const policy: SamplingPolicy = {
      ...greedy,
      select: (options) => {
        const selection = greedy.select(options);
        if (selection.parent !== null) chosen.push(selection.parent.id);
        return selection;
      },
    };
    const opened = openExperiment(dir, { overrides: { run: { steps: 2 } } });
    try {
      await opened.run({ policy });
      expect(chosen.length).toBeGreaterThanOrEqual(2);
    } finally {
      opened.close();
    }
  });

  it('refuses a bad override naming the key, and a second run while one goes on', async () => {
    const error = thrownAsiError(() => openExperiment(dir, { overrides: { run: { steps: -1 } } }));
    expect(error.message).toContain('run.steps');
    const opened = openExperiment(dir, { overrides: { run: { steps: 1 } } });
    try {
      const running = opened.run();
      await expect(opened.run()).rejects.toThrow('already running');
      await running;
    } finally {
      opened.close();
    }
  });
});
