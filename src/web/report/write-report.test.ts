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

  it('with objectives: a Front section with its table and front.svg, the front joined and the dominated faded', () => {
    // Minimise bins, maximise speed: 1 and 3 trade off, 0, 2 and 4 are dominated by one of them.
    const values: Array<[bins: number, speed: number]> = [
      [5, 1],
      [2, 2],
      [6, 1.5],
      [4, 4],
      [4, 3],
    ];
    const withValues = createTempExperiment();
    try {
      values.forEach(([bins, speed], step) =>
        withValues.store.insertNode(node(step, { results: { eval_score: step, success: true, bins, speed } })),
      );
      const written = writeExperimentReport(withValues.store, {
        experimentDir: withValues.dir,
        objectives: {
          objectives: [
            { name: 'bins', direction: 'minimize' },
            { name: 'speed', direction: 'maximize' },
          ],
          outOfBounds: 'infeasible',
        },
      });
      expect(written.frontImagePath).toBe(join(withValues.dir, 'front.svg'));
      const markdown = readFileSync(written.reportPath, 'utf8');
      const section = markdown.slice(markdown.indexOf('## Front'), markdown.indexOf('## Best program'));
      expect(section).toContain('Objectives: bins (minimize), speed (maximize).');
      expect(section).toContain('2 nodes on the front, 3 dominated.');
      expect(section).toContain('The front held 1 after round 0 and 2 after round 4.');
      expect(section).toContain('](front.svg)');
      expect(section).toContain('| node | round | name | bins | speed |');
      expect(section).toContain('| 1 | 1 | design-1 | 2 | 2 |\n| 3 | 3 | design-3 | 4 | 4 |');
      const svg = readFileSync(written.frontImagePath as string, 'utf8');
      expect(svg.match(/<circle class="front"/g)).toHaveLength(2);
      expect(svg.match(/<circle class="dominated"/g)).toHaveLength(3);
      expect(svg).toMatch(/<polyline class="front-line"[^>]* points="[\d.]+,[\d.]+ [\d.]+,[\d.]+"/);
      expect(svg).toContain('bins (lower is better)');
      expect(svg).toContain('speed (higher is better)');
    } finally {
      withValues.cleanup();
    }
  });

  it('without objectives: no Front section and no front.svg', () => {
    const written = writeExperimentReport(experiment.store, { experimentDir: experiment.dir });
    expect(written.frontImagePath).toBeUndefined();
    expect(readFileSync(written.reportPath, 'utf8')).not.toContain('## Front');
    expect(existsSync(join(experiment.dir, 'front.svg'))).toBe(false);
  });
});
