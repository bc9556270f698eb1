import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * The evaluator of {@link writeScoreExperiment}: the candidate's line `score = X` is its score;
 * a candidate containing `crash` exits with status 3 (a failed evaluation). Bash and sed only.
 */
export const scoreEvaluator = `#!/usr/bin/env bash
set -eu
program="\${1:-code}"
if grep -q crash "$program"; then echo "candidate crashed" >&2; exit 3; fi
score=$(sed -n 's/^score *= *\\([-0-9.eE+]*\\).*/\\1/p' "$program" | head -n 1)
echo "scored \${score:-0}"
printf '{"eval_score": %s, "success": true}\\n' "\${score:-0}" > results.json
`;

/** A throwaway experiment whose score the test controls: the seed scores 1. Returns its folder. */
export function writeScoreExperiment(config: Record<string, unknown> = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'asi-mcp-')), 'experiment');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'input.md'), 'Maximise the number on the line `score = X` of the program.\n');
  writeFileSync(join(dir, 'initial_program'), 'score = 1\n');
  writeFileSync(join(dir, 'eval.sh'), scoreEvaluator);
  chmodSync(join(dir, 'eval.sh'), 0o755);
  writeFileSync(
    join(dir, 'cognition.yaml'),
    stringify([
      {
        id: 'raise-the-score',
        title: 'Raise the score line',
        content: 'The score is read from the line score = X: a larger X scores higher.',
        source: 'test',
        tags: ['score'],
      },
      {
        id: 'unrelated',
        title: 'Bake bread slowly',
        content: 'Dough rises better in a warm kitchen.',
        source: 'test',
        tags: ['bread'],
      },
    ]),
  );
  writeFileSync(
    join(dir, 'config.yaml'),
    stringify({ pipeline: { sample_n: 2 }, cognition: { retrieval: { top_k: 2, score_threshold: 0 } }, ...config }),
  );
  return dir;
}
