import { readObjectiveSettings, writeExperimentReport } from '../../web/index.js';
import { openExperimentStore } from './open-experiment-store.js';

/**
 * `report DIR [--output FILE]`: writes report.md and score-curve.svg (beside the report), and
 * front.svg when two or more objectives are configured.
 */
export function reportCommand(dir: string, options: { output?: string }, write: (text: string) => void): void {
  const store = openExperimentStore(dir);
  try {
    const objectives = readObjectiveSettings(dir);
    const written = writeExperimentReport(store, {
      experimentDir: dir,
      ...(options.output === undefined ? {} : { outputFile: options.output }),
      ...(objectives === null ? {} : { objectives }),
    });
    write(`Report: ${written.reportPath}\nScore curve: ${written.imagePath}\n`);
    if (written.frontImagePath !== undefined) write(`Front: ${written.frontImagePath}\n`);
  } finally {
    store.close();
  }
}
