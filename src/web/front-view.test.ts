import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardApp, type DashboardApp } from './app.js';
import { createTempExperiment, node, writeExperimentFile, type TempExperiment } from './test-support/experiment.js';

let experiment: TempExperiment;
let app: DashboardApp;

beforeAll(() => {
  experiment = createTempExperiment();
  // Maximise accuracy, minimise seconds: 1 and 2 trade off, 0 is dominated.
  const measured: Array<[accuracy: number, seconds: number]> = [
    [0.5, 3],
    [0.9, 2],
    [0.6, 1],
  ];
  measured.forEach(([accuracy, seconds], step) =>
    experiment.store.insertNode(node(step, { results: { eval_score: accuracy, success: true, accuracy, seconds } })),
  );
  app = createDashboardApp({ experiments: [{ dir: experiment.dir }] });
});

afterAll(() => {
  app.close();
  experiment.cleanup();
});

async function front(status = 200): Promise<Record<string, unknown>> {
  const response = await app.request('/api/experiments/0/front');
  expect(response.status, await response.clone().text()).toBe(status);
  return (await response.json()) as Record<string, unknown>;
}

/** Rewrites config.yaml with a new modification time, as an editor would. */
function configure(text: string, at: number): void {
  writeExperimentFile(experiment.dir, 'config.yaml', text);
  utimesSync(join(experiment.dir, 'config.yaml'), at, at);
}

describe('GET /api/experiments/:x/front', () => {
  it('is null while no objectives are configured', async () => {
    expect(await front()).toEqual({ front: null });
  });

  it('gives the ranked nodes, the front, the dominated count and the growth, re-reading a changed config', async () => {
    configure(
      'objectives:\n  metrics:\n    - { name: accuracy, direction: maximize }\n    - { name: seconds, direction: minimise }\n',
      1_000_000,
    );
    const body = (await front()).front as Record<string, unknown>;
    expect(body.objectives).toEqual([
      { name: 'accuracy', direction: 'maximize' },
      { name: 'seconds', direction: 'minimize' },
    ]);
    expect((body.front as Array<{ id: number }>).map((point) => point.id)).toEqual([1, 2]);
    expect(body.dominated).toBe(1);
    expect((body.points as Array<{ id: number; onFront: boolean }>).map((point) => [point.id, point.onFront])).toEqual([
      [0, false],
      [1, true],
      [2, true],
    ]);
    expect(body.growth).toEqual([
      { step: 0, size: 1 },
      { step: 1, size: 1 },
      { step: 2, size: 2 },
    ]);
    expect(body.points).not.toContainEqual(expect.objectContaining({ program: expect.anything() }));
  });

  it('answers 400 naming the key when the objectives are invalid', async () => {
    configure('objectives:\n  metrics:\n    - { name: accuracy, direction: sideways }\n', 2_000_000);
    const body = await front(400);
    expect(body.error).toContain("objectives.metrics.0.direction: unknown direction 'sideways'");
  });
});
