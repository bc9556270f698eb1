import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parseFileSet } from '../../src/domain/index.js';
import type { FakeReply } from '../../src/llm/test-support/fake-openai-server.js';
import { analysisAnswer, fakeApi, fakeUsage, makeExperiment, readStored, startFakeLlm } from './helpers.js';

/**
 * A multi-file experiment for the cluster executors (docs/architecture.md, “Multi-file
 * candidates”): a queue worker or a Slurm job receives the bundle and the project path, builds
 * the workspace where it runs, and runs the evaluator's two stages in it.
 */

/** A line of the project's read-only data file: the job must never carry it. */
export const projectOnlyMarker = 'PROJECT-ONLY-DATA-LINE';
/** The read-only data file's size: far larger than any job the executors should send. */
export const projectDataBytes = 256 * 1024;

const projectData = `${projectOnlyMarker}\n`.repeat(Math.ceil(projectDataBytes / (projectOnlyMarker.length + 1)));

/** The candidate: reads the editable model.sh (and lib/bonus.sh when a candidate created it), prints its score, writes its environment to its scratch folder. */
const runScript = `. ./model.sh
if [ -f lib/bonus.sh ]; then . ./lib/bonus.sh; fi
env > "$HOME/candidate-env.txt"
echo $((WEIGHT + \${BONUS:-0}))
`;

/**
 * Stage "prepare": checks the workspace is a fresh copy (nothing an earlier stage wrote) and
 * leaves a mark in it. Stage "score": notes whether it sees that mark (it must not: each stage
 * builds its own workspace) and scores the candidate, run through $ASI_SANDBOX_EXEC in the workspace.
 */
const prepareStage = `ws="$ASI_EVOLVE_WORKSPACE"
test -n "$ws" && test -f "$ws/run.sh" && test -f "$ws/data/blob.txt" || { echo "no workspace: $ws" >&2; exit 3; }
echo "prepare $ws" >> workspaces.txt
env > evaluator-env.txt
touch "$ws/left-by-prepare"
echo '{"eval_score": 1}' > results.json`;
const scoreStage = `ws="$ASI_EVOLVE_WORKSPACE"
echo "score $ws" >> workspaces.txt
if [ -e "$ws/left-by-prepare" ]; then echo "score saw prepare's file" >> workspaces.txt; fi
out=$("$ASI_SANDBOX_EXEC" --scratch candidate -- bash -c 'cd "$0" && bash run.sh' "$ws")
echo "{\\"eval_score\\": $out}" > results.json`;

/** The Researcher's one answer: raises WEIGHT in model.sh and creates lib/bonus.sh (score 2 → 6). */
const researcherAnswer: FakeReply = {
  text:
    '<name>heavier with a bonus</name>\n<motivation>change the model and add a module</motivation>\n<provenance>novel</provenance>\n\n' +
    '<<<<<<< SEARCH model.sh\nWEIGHT=2\n=======\nWEIGHT=5\n>>>>>>> REPLACE\n' +
    '<file path="lib/bonus.sh">\nBONUS=1\n</file>\n',
  usage: fakeUsage,
};

/** A fake LLM that answers the Researcher with {@link researcherAnswer} and the Analyzer with a line. */
export async function multiFileLlm(): Promise<string> {
  const { server } = await startFakeLlm((request) =>
    request.role === 'analyzer' ? analysisAnswer('The bonus module helped.') : researcherAnswer,
  );
  return server.url;
}

/** The experiment folder: project/ (model.sh and lib/ editable; run.sh and a 256 KiB data file read-only), two stages, one re-run of each new best. */
export function makeMultiFileExperiment(llmUrl: string, cluster: Record<string, unknown>): string {
  return makeExperiment({
    // No eval.sh: the stages are the evaluator.
    evalScript: null,
    config: {
      api: fakeApi(llmUrl, { timeout: 10 }),
      project: { dir: 'project', editable: ['model.sh', 'lib/'] },
      cluster,
      evaluator: {
        stages: [
          { name: 'prepare', command: prepareStage },
          { name: 'score', command: scoreStage },
        ],
        reproduce: { count: 1 },
      },
    },
    files: {
      'project/model.sh': 'WEIGHT=2\n',
      'project/lib/__init__.sh': '# the package of candidate modules\n',
      'project/run.sh': runScript,
      'project/data/blob.txt': projectData,
    },
  });
}

/** Every `workspace` folder left under the step folders. */
export function workspacesLeft(dir: string): string[] {
  const stepsDir = join(dir, 'steps');
  return readdirSync(stepsDir).filter((name) => existsSync(join(stepsDir, name, 'workspace')));
}

/** The evaluations every run of {@link makeMultiFileExperiment} for one round makes: the seed, its repeat, the new best, its re-run. */
export const evaluatedFolders = ['step_0', 'step_0-reproduce-1', 'step_1', 'step_1-reproduce-1'];

/**
 * Checks what a one-round run of {@link makeMultiFileExperiment} left: the new best scored from
 * both its files and reproduced in its own workspace, each stage of each evaluation had a fresh
 * workspace in its own folder, none is left, the project is untouched, and `secrets` reached
 * neither the evaluator nor the candidate.
 */
export function expectMultiFileRun(dir: string, secrets: readonly string[]): void {
  const { nodes } = readStored(dir);
  expect(nodes.map((node) => [node.step, node.success, node.evalScore])).toEqual([
    [0, true, 2],
    [1, true, 6],
  ]);
  expect([...parseFileSet(nodes[1]!.program)!.keys()]).toEqual(['lib/__init__.sh', 'lib/bonus.sh', 'model.sh']);
  expect(nodes[1]!.metadata).toMatchObject({ reproduction: { reproduced: true, runs: [{ attempt: 1, score: 6 }] } });

  for (const folder of evaluatedFolders) {
    const stepDir = join(dir, 'steps', folder);
    const workspace = join(stepDir, 'workspace');
    // Both stages ran against the workspace of this folder, the second without the first's leftovers.
    expect(readFileSync(join(stepDir, 'workspaces.txt'), 'utf8'), folder).toBe(
      `prepare ${workspace}\nscore ${workspace}\n`,
    );
    expect(existsSync(workspace), folder).toBe(false);
    expect(readFileSync(join(stepDir, 'files', 'model.sh'), 'utf8')).toBe(
      folder.startsWith('step_1') ? 'WEIGHT=5\n' : 'WEIGHT=2\n',
    );
    for (const file of ['evaluator-env.txt', 'candidate/candidate-env.txt']) {
      const env = readFileSync(join(stepDir, file), 'utf8');
      expect(env).toContain('PATH=');
      for (const secret of secrets) expect(env, `${folder}/${file}`).not.toContain(secret);
    }
  }
  expect(workspacesLeft(dir)).toEqual([]);
  expect(readFileSync(join(dir, 'project', 'model.sh'), 'utf8')).toBe('WEIGHT=2\n');
  expect(existsSync(join(dir, 'project', 'lib', 'bonus.sh'))).toBe(false);
  expect(existsSync(join(dir, 'project', 'left-by-prepare'))).toBe(false);
}
