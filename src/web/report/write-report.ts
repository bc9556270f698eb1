import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { AsiEvolveError, fileSystemError } from '../../errors.js';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Store } from '../../store/index.js';
import { renderReportMarkdown } from './report-markdown.js';
import { renderScoreCurveSvg } from './score-curve.js';

export interface WriteReportOptions {
  experimentDir: string;
  /** The Markdown file. @default `<experimentDir>/report.md` */
  outputFile?: string;
  /** @default () => new Date() */
  now?: () => Date;
}

/** Where the report and its image were written. */
export interface WrittenReport {
  reportPath: string;
  imagePath: string;
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
 * Writes the run report (Markdown) and `score-curve.svg` beside it, from what the store holds.
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
  const markdown = renderReportMarkdown({
    experimentName: name,
    experimentDir,
    nodes,
    spend: store.spendSummary(),
    generatedAt: (options.now ?? (() => new Date()))(),
    imagePath: basename(imagePath),
    ...(language === undefined ? {} : { programLanguage: language }),
  });
  try {
    mkdirSync(dirname(reportPath), { recursive: true });
    writeFileSync(imagePath, renderScoreCurveSvg(nodes, { title: name }));
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
  return { reportPath, imagePath };
}
