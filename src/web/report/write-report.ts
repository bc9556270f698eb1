import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { AsiEvolveError, fileSystemError } from '../../errors.js';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { buildFrontView, type ObjectiveSettings } from '../../domain/index.js';
import type { Store } from '../../store/index.js';
import { renderFrontSvg } from './front-plot.js';
import { renderReportMarkdown } from './report-markdown.js';
import { renderScoreCurveSvg } from './score-curve.js';

export interface WriteReportOptions {
  experimentDir: string;
  /** The Markdown file. @default `<experimentDir>/report.md` */
  outputFile?: string;
  /** @default () => new Date() */
  now?: () => Date;
  /** The experiment's objectives: the report then shows the front (and plots it by the first two). */
  objectives?: ObjectiveSettings;
}

/** Where the report and its images were written. */
export interface WrittenReport {
  reportPath: string;
  imagePath: string;
  /** `front.svg`, written with two or more objectives. */
  frontImagePath?: string;
}

const snapshotFiles = new Set(['code', 'results.json', 'node.json']);

/** The extension of the program file in the best snapshot (`best/program.js` → `js`), if any. */
function programLanguage(experimentDir: string): string | undefined {
  const bestDir = join(experimentDir, 'best');
  if (!existsSync(bestDir)) return undefined;
  const programFile = readdirSync(bestDir).find((name) => !snapshotFiles.has(name) && extname(name).length > 1);
  return programFile === undefined ? undefined : extname(programFile).slice(1);
}

/**
 * Writes the run report (Markdown) and `score-curve.svg` beside it (and `front.svg` with two or
 * more objectives), from what the store holds.
 * @example
 * const { reportPath } = writeExperimentReport(store, { experimentDir: 'runs/circle-packing' });
 */
export function writeExperimentReport(store: Store, options: WriteReportOptions): WrittenReport {
  const experimentDir = resolve(options.experimentDir);
  const reportPath = resolve(options.outputFile ?? join(experimentDir, 'report.md'));
  const imagePath = join(dirname(reportPath), 'score-curve.svg');
  const nodes = store.listNodes();
  const name = basename(experimentDir);
  const language = programLanguage(experimentDir);
  const objectives = options.objectives?.objectives ?? [];
  const frontView =
    options.objectives && objectives.length > 0 ? buildFrontView(store.nodeSummaries(), options.objectives) : undefined;
  const [xObjective, yObjective] = objectives;
  const frontImagePath = frontView && xObjective && yObjective ? join(dirname(reportPath), 'front.svg') : undefined;
  const markdown = renderReportMarkdown({
    experimentName: name,
    experimentDir,
    nodes,
    spend: store.spendSummary(),
    generatedAt: (options.now ?? (() => new Date()))(),
    imagePath: basename(imagePath),
    ...(language === undefined ? {} : { programLanguage: language }),
    ...(frontView
      ? { front: { view: frontView, imagePath: frontImagePath === undefined ? null : basename(frontImagePath) } }
      : {}),
  });
  try {
    mkdirSync(dirname(reportPath), { recursive: true });
    writeFileSync(imagePath, renderScoreCurveSvg(nodes, { title: name }));
    if (frontView && frontImagePath && xObjective && yObjective)
      writeFileSync(frontImagePath, renderFrontSvg(frontView.points, xObjective, yObjective, { title: name }));
    writeFileSync(reportPath, markdown);
  } catch (error) {
    const known = fileSystemError(error, `cannot write the report ${reportPath}`, reportPath);
    if (AsiEvolveError.isInstance(known) && known.code === 'USAGE') {
      throw new AsiEvolveError('USAGE', known.message, {
        file: reportPath,
        cause: error,
        hint: 'write it elsewhere with --output FILE',
      });
    }
    throw known;
  }
  return { reportPath, imagePath, ...(frontImagePath === undefined ? {} : { frontImagePath }) };
}
