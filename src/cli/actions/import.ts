import { join, relative } from 'node:path';
import { AsiEvolveError } from '../../errors.js';
import {
  describeFormat,
  importExperiment,
  importNotesFile,
  sourceFormats,
  type ImportReport,
  type SourceFormat,
} from '../../importers/index.js';
import type { Write } from '../command.js';

export interface ImportCommandOptions {
  format?: string;
  config?: string;
  force?: boolean;
}

function formatOption(value: string | undefined): SourceFormat | undefined {
  if (value === undefined) return undefined;
  const format = sourceFormats.find((name) => name === value);
  if (format === undefined)
    throw new AsiEvolveError('USAGE', `unknown --format '${value}'; expected one of ${sourceFormats.join(', ')}`);
  return format;
}

/** Prints what an import did: what came over, then every item that was not translated. */
export function printImportReport(report: ImportReport, dir: string, write: Write): void {
  write(`Imported the ${describeFormat(report.format)} ${report.source} into ${report.target}.\n`);
  const { cognitionItems, nodes } = report.counts;
  if (cognitionItems > 0 || nodes > 0) write(`  ${cognitionItems} cognition items, ${nodes} stored nodes.\n`);
  for (const line of report.translated) write(`  ${line}\n`);
  if (report.untranslated.length === 0) {
    write('Everything was translated.\n');
  } else {
    const notes = join(report.target, importNotesFile);
    const shown = relative(process.cwd(), notes).startsWith('..') ? notes : relative(process.cwd(), notes);
    write(`Not translated (${report.untranslated.length}; also listed in ${shown}):\n`);
    for (const note of report.untranslated) write(`  - ${note.what}: ${note.why}\n`);
  }
  write(`Run it with:\n  asi-evolve run ${dir}\n`);
}

/** `import SRC DIR` (and `init DIR --from SRC`): another tool's folder → an experiment folder. */
export function importCommand(source: string, dir: string, options: ImportCommandOptions, write: Write): void {
  const format = formatOption(options.format);
  const report = importExperiment(source, dir, {
    ...(format === undefined ? {} : { format }),
    ...(options.config === undefined ? {} : { configFile: options.config }),
    force: options.force === true,
  });
  printImportReport(report, dir, write);
}
