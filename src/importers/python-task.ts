import { adaptorFile } from './folder.js';

/**
 * eval.sh of an imported Python task: the shipped adaptor runs the task's own evaluator on
 * $1 (default $ASI_PROGRAM_PATH) and writes results.json in the working directory. Runs by hand
 * too: `bash eval.sh some_program.py`.
 */
export function pythonEvalScript(
  format: 'openevolve' | 'shinka',
  evaluatorFile: string,
  programFile: string,
  extraArgs = '',
): string {
  return `#!/usr/bin/env bash
# Scores one candidate with the task's own ${evaluatorFile}, through ${adaptorFile} (shipped with asi-evolve).
# $1 = the candidate program (default: $ASI_PROGRAM_PATH, else ./${programFile}); writes results.json here.
set -euo pipefail
here="\${ASI_EXPERIMENT_DIR:-$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)}"
exec python3 "$here/${adaptorFile}" ${format} --evaluator "$here/${evaluatorFile}"${extraArgs} "\${1:-\${ASI_PROGRAM_PATH:-${programFile}}}"
`;
}

/** One model of a source tool's ensemble. */
export interface WeightedModel {
  model: string;
  weight: number;
}

/**
 * The model settings for an ensemble: the first model is `api.model` (the Analyzer and every
 * other role use it); with more than one, the Researcher draws from all by weight.
 */
export function ensembleConfig(
  models: readonly WeightedModel[],
  api: Record<string, unknown>,
): Record<string, unknown> {
  const [first, ...others] = models;
  if (first === undefined) return Object.keys(api).length > 0 ? { api } : {};
  const out: Record<string, unknown> = { api: { ...api, model: first.model } };
  if (others.length > 0) {
    const named = others.map((entry, index) => [`model_${index + 2}`, entry] as const);
    out.models = Object.fromEntries(named.map(([name, entry]) => [name, { model: entry.model }]));
    out.roles = {
      researcher: [
        { model: 'main', weight: first.weight },
        ...named.map(([name, entry]) => ({ model: name, weight: entry.weight })),
      ],
    };
  }
  return out;
}

/** input.md of an imported Python task: its own description, then what the program and the score are. */
export function taskText(description: string, evaluator: string, programFile: string, hasBlocks: boolean): string {
  const lines = [
    '# Task',
    '',
    description.trim(),
    '',
    '## The program and its evaluation',
    '',
    `The program is written to \`${programFile}\` and scored by ${evaluator}, run through \`${adaptorFile}\`. The score is \`combined_score\`; higher is better.`,
  ];
  if (hasBlocks) {
    lines.push(
      '',
      'Change only the code between `EVOLVE-BLOCK-START` and `EVOLVE-BLOCK-END`; the rest of the program is fixed and must be kept as it is.',
    );
  }
  return `${lines.join('\n')}\n`;
}
