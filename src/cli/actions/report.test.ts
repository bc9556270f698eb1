import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../../errors.js';
import {
  createTempExperiment,
  node,
  writeExperimentFile,
  type TempExperiment,
} from '../../web/test-support/experiment.js';
import { reportCommand } from './report.js';

let experiment: TempExperiment;

beforeEach(() => {
  experiment = createTempExperiment();
  experiment.store.insertNode(node(0));
  experiment.store.insertNode(node(1));
});

afterEach(() => experiment.cleanup());

describe('reportCommand', () => {
  it('writes report.md and score-curve.svg and says where', () => {
    let output = '';
    reportCommand(experiment.dir, {}, (text) => (output += text));
    expect(output).toBe(
      `Report: ${join(experiment.dir, 'report.md')}\nScore curve: ${join(experiment.dir, 'score-curve.svg')}\n`,
    );
    expect(readFileSync(join(experiment.dir, 'report.md'), 'utf8')).toContain('## Best program');
    expect(readFileSync(join(experiment.dir, 'score-curve.svg'), 'utf8')).toContain('<svg');
  });

  it('names the folder when no run was stored there', () => {
    const empty = mkdtempSync(join(tmpdir(), 'asi-evolve-report-empty-'));
    try {
      let caught: unknown;
      try {
        reportCommand(empty, {}, () => undefined);
      } catch (error) {
        caught = error;
      }
      expect(AsiEvolveError.isInstance(caught) && caught.code).toBe('EXPERIMENT_MISSING_FILE');
      expect((caught as Error).message).toContain(empty);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('with two objectives in config.yaml: the Front section and front.svg, and says where', () => {
    writeExperimentFile(
      experiment.dir,
      'config.yaml',
      'objectives:\n  metrics:\n    - { name: eval_score, direction: maximize }\n    - { name: sum_radii, direction: minimize }\n',
    );
    let output = '';
    reportCommand(experiment.dir, {}, (text) => (output += text));
    expect(output).toContain(`Front: ${join(experiment.dir, 'front.svg')}\n`);
    expect(readFileSync(join(experiment.dir, 'report.md'), 'utf8')).toContain('## Front');
    expect(readFileSync(join(experiment.dir, 'front.svg'), 'utf8')).toContain('<circle class="front"');
  });
});
