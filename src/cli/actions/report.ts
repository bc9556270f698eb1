import { writeExperimentReport } from '../../web/index.js';
import { openExperimentStore } from './open-experiment-store.js';

/** `report DIR [--output FILE]`: writes report.md and score-curve.svg (beside the report). */
export function reportCommand(dir: string, options: { output?: string }, write: (text: string) => void): void {
  const store = openExperimentStore(dir);
  try {
    const written = writeExperimentReport(store, {
      experimentDir: dir,
      ...(options.output === undefined ? {} : { outputFile: options.output }),
    });
    write(`Report: ${written.reportPath}\nScore curve: ${written.imagePath}\n`);
  } finally {
    store.close();
  }
}
