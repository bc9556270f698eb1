import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../../errors.js';
import { createTempExperiment, node, type TempExperiment } from '../../web/test-support/experiment.js';
import { exportCommand } from './export.js';

let experiment: TempExperiment;

beforeEach(() => {
  experiment = createTempExperiment();
  experiment.store.insertNode(node(0));
  experiment.store.insertNode(node(1));
});

afterEach(() => experiment.cleanup());

describe('exportCommand --output', () => {
  it('creates the folder of the output file', () => {
    const file = join(experiment.dir, 'out', 'nested', 'nodes.jsonl');
    exportCommand(experiment.dir, { format: 'jsonl', output: file }, () => undefined);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('reports a path that cannot be written as a usage error naming the file, not a crash', () => {
    const blocker = join(experiment.dir, 'a-file');
    writeFileSync(blocker, 'x');
    const file = join(blocker, 'nodes.csv');
    let caught: unknown;
    try {
      exportCommand(experiment.dir, { format: 'csv', output: file }, () => undefined);
    } catch (error) {
      caught = error;
    }
    expect(AsiEvolveError.isInstance(caught) && caught.code).toBe('USAGE');
    expect((caught as AsiEvolveError).file).toBe(file);
    expect((caught as Error).message).toContain(`cannot write --output ${file}`);
  });
});
