import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The formats `asi-evolve import` reads. */
export type SourceFormat = 'asi-evolve' | 'openevolve' | 'shinkaevolve';

export const formatNames: Record<SourceFormat, string> = {
  'asi-evolve': 'ASI-Evolve reference experiment',
  openevolve: 'OpenEvolve example',
  shinkaevolve: 'ShinkaEvolve task',
};

/** Something of the source that the new folder does not carry, or carries differently. */
export interface ImportNote {
  /** A file, a config key path (`evaluator.cascade_thresholds`), or a line (`init_cognition.py:42`). */
  what: string;
  why: string;
}

/** What `asi-evolve import` did. */
export interface ImportReport {
  format: SourceFormat;
  source: string;
  target: string;
  /** Translations worth telling (`llm.primary_model → api.model`). */
  translated: string[];
  /** What was left out or changes meaning; also written to IMPORT.md in the new folder. */
  untranslated: ImportNote[];
  /** Counts of what came over: cognition items, stored nodes. */
  counts: { cognitionItems: number; nodes: number };
}

/** The file in the new folder that lists what the import did and did not carry. */
export const importNotesFile = 'IMPORT.md';

/** Collects a report while an importer works. */
export class ReportBuilder {
  readonly translated: string[] = [];
  readonly untranslated: ImportNote[] = [];
  readonly counts = { cognitionItems: 0, nodes: 0 };

  constructor(
    readonly format: SourceFormat,
    readonly source: string,
    readonly target: string,
  ) {}

  mapped(from: string, to: string): void {
    this.translated.push(`${from} → ${to}`);
  }

  left(what: string, why: string): void {
    this.untranslated.push({ what, why });
  }

  build(): ImportReport {
    return {
      format: this.format,
      source: this.source,
      target: this.target,
      translated: [...this.translated],
      untranslated: [...this.untranslated],
      counts: { ...this.counts },
    };
  }
}

/** IMPORT.md: where the folder came from, what was translated, what was not. */
export function writeImportNotes(report: ImportReport): void {
  const lines = [
    `# Imported from a ${formatNames[report.format]}`,
    '',
    `Source: \`${report.source}\``,
    '',
    `Cognition items: ${report.counts.cognitionItems}. Stored nodes: ${report.counts.nodes}.`,
    '',
    '## Translated',
    '',
    ...(report.translated.length === 0
      ? ['(nothing beyond the files copied)']
      : report.translated.map((line) => `- ${line}`)),
    '',
    '## Not translated, or with a different meaning',
    '',
    ...(report.untranslated.length === 0
      ? ['(nothing)']
      : report.untranslated.map((note) => `- \`${note.what}\`: ${note.why}`)),
    '',
  ];
  writeFileSync(join(report.target, importNotesFile), lines.join('\n'));
}
