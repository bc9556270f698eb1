import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/index.js';
import {
  createTempExperiment,
  node,
  writeExperimentFile,
  type TempExperiment,
} from '../../web/test-support/experiment.js';
import { bestCommand, statusCommand, type BestReport, type StatusReport } from './inspect.js';

let experiment: TempExperiment;

// Minimise bins, maximise speed: nodes 1 and 3 trade off; 0, 2 and 4 are dominated; 5 failed.
const values: Array<[bins: number, speed: number]> = [
  [5, 1],
  [2, 2],
  [6, 1.5],
  [4, 4],
  [4, 3],
];

const objectivesYaml = `objectives:
  metrics:
    - { name: bins, direction: minimize }
    - { name: speed, direction: maximize }
`;

beforeEach(() => {
  experiment = createTempExperiment('asi-evolve-front-');
  values.forEach(([bins, speed], step) =>
    experiment.store.insertNode(node(step, { results: { eval_score: step, success: true, bins, speed } })),
  );
  experiment.store.insertNode(node(5, { success: false, score: null, evalScore: null, error: 'crash: exit 1' }));
});

afterEach(() => experiment.cleanup());

async function output(command: (write: (text: string) => void) => void | Promise<void>): Promise<string> {
  let text = '';
  await command((chunk) => (text += chunk));
  return text;
}

describe('status and best with objectives', () => {
  it('status lists the front, one line per node with its values, and counts the dominated', async () => {
    writeExperimentFile(experiment.dir, 'config.yaml', objectivesYaml);
    const text = await output((write) => statusCommand(experiment.dir, write));
    expect(text).toContain(
      'Front over bins (minimize), speed (maximize): 2 nodes, 3 dominated\n' +
        '  node 1 (step 1) "design-1": bins 2, speed 2\n' +
        '  node 3 (step 3) "design-3": bins 4, speed 4\n',
    );
    const report = JSON.parse(
      await output((write) => statusCommand(experiment.dir, write, { json: true })),
    ) as StatusReport;
    expect(report.front).toEqual({
      objectives: [
        { name: 'bins', direction: 'minimize' },
        { name: 'speed', direction: 'maximize' },
      ],
      outOfBounds: 'infeasible',
      instances: null,
      members: [
        { id: 1, step: 1, name: 'design-1', values: { bins: 2, speed: 2 }, winsInstances: [] },
        { id: 3, step: 3, name: 'design-3', values: { bins: 4, speed: 4 }, winsInstances: [] },
      ],
      dominated: 3,
      infeasible: 0,
    });
  });

  it('best adds the front, with the instances each member is best on, and says how many lie outside a bound', async () => {
    writeExperimentFile(
      experiment.dir,
      'config.yaml',
      `objectives:
  metrics:
    - { name: bins, direction: minimize, max: 5 }
    - { name: speed, direction: maximize }
  instances: tasks
`,
    );
    experiment.store.insertNode({
      ...node(6, { results: { eval_score: 6, success: true, bins: 7, speed: 9, tasks: { a: 1, b: 0 } } }),
      flattenMetrics: ['tasks'],
    });
    experiment.store.insertNode({
      ...node(7, { results: { eval_score: 7, success: true, bins: 3, speed: 2.5, tasks: { a: 0.5, b: 0.7 } } }),
      flattenMetrics: ['tasks'],
    });
    const text = await output((write) => bestCommand(experiment.dir, write));
    expect(text).toContain('Best score: 7.000000 (node 7');
    expect(text).toContain(
      'Front over bins (minimize), speed (maximize): 3 nodes, 4 dominated (2 of them outside a bound)\n',
    );
    expect(text).toContain('  node 7 (step 7) "design-7": bins 3, speed 2.5; best on a, b\n');
    expect(text).toContain('  node 3 (step 3) "design-3": bins 4, speed 4; best on no instance\n');
    const report = JSON.parse(
      await output((write) => bestCommand(experiment.dir, write, { json: true })),
    ) as BestReport;
    expect(report.front?.members.map((member) => member.id)).toEqual([1, 7, 3]);
    expect(report.front?.instances).toBe('tasks');
  });

  it('without objectives: no front in the text or the JSON, even when config.yaml is there', async () => {
    writeExperimentFile(experiment.dir, 'config.yaml', 'evaluator:\n  timeout: 30\n');
    const text = await output((write) => statusCommand(experiment.dir, write));
    expect(text).not.toContain('Front');
    const report = JSON.parse(
      await output((write) => bestCommand(experiment.dir, write, { json: true })),
    ) as BestReport;
    expect(report).not.toHaveProperty('front');
  });

  it('reads no config that does not mention objectives (a damaged one still shows the status), and names a bad objective', async () => {
    writeExperimentFile(experiment.dir, 'config.yaml', 'evaluator: [unclosed\n');
    expect(await output((write) => statusCommand(experiment.dir, write))).toContain('Rounds stored: 5');
    writeExperimentFile(
      experiment.dir,
      'config.yaml',
      'objectives:\n  metrics:\n    - { name: bins, direction: up }\n',
    );
    const failure = await output((write) => statusCommand(experiment.dir, write)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).message).toContain("objectives.metrics.0.direction: unknown direction 'up'");
  });
});
