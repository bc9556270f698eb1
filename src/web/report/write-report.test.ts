import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempExperiment, node, writeExperimentFile, type TempExperiment } from '../test-support/experiment.js';
import { writeExperimentReport } from './write-report.js';

let experiment: TempExperiment;

beforeEach(() => {
  experiment = createTempExperiment();
  for (let step = 0; step <= 4; step++) experiment.store.insertNode(node(step));
  writeExperimentFile(experiment.dir, 'best/code', 'x');
  writeExperimentFile(experiment.dir, 'best/program.py', 'x');
  writeExperimentFile(experiment.dir, 'best/results.json', '{}');
});

afterEach(() => experiment.cleanup());

describe('writeExperimentReport', () => {
  it('writes report.md and score-curve.svg in the experiment folder, the image linked by its name', () => {
    const written = writeExperimentReport(experiment.store, {
      experimentDir: experiment.dir,
      now: () => new Date('2026-01-01T00:00:00Z'),
    });
    expect(written).toEqual({
      reportPath: join(experiment.dir, 'report.md'),
      imagePath: join(experiment.dir, 'score-curve.svg'),
    });
    const markdown = readFileSync(written.reportPath, 'utf8');
    expect(markdown).toContain('](score-curve.svg)');
    expect(markdown).toContain('```py\nconst radius = 4;');
    expect(readFileSync(written.imagePath, 'utf8').match(/<circle cx=/g)).toHaveLength(5 + 1);
  });

  it('writes beside --output when given, creating its folder', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'asi-evolve-report-'));
    try {
      const written = writeExperimentReport(experiment.store, {
        experimentDir: experiment.dir,
        outputFile: join(elsewhere, 'out', 'run.md'),
      });
      expect(existsSync(join(elsewhere, 'out', 'run.md'))).toBe(true);
      expect(written.imagePath).toBe(join(elsewhere, 'out', 'score-curve.svg'));
      expect(existsSync(written.imagePath)).toBe(true);
      expect(existsSync(join(experiment.dir, 'report.md'))).toBe(false);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
