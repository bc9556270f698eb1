import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseFileSet } from '../../src/domain/index.js';
import type { FakeReply } from '../../src/llm/test-support/fake-openai-server.js';
import {
  analysisAnswer,
  cliEnv,
  copyExample,
  fakeApi,
  fakeUsage,
  killMatching,
  makeTempDir,
  processesMatching,
  readStored,
  runCli,
  startCli,
  startFakeLlm,
  stepFile,
  storedSteps,
  useE2eCleanup,
  waitFor,
  type LlmRequest,
} from '../../test/e2e/helpers.js';

useE2eCleanup();

const exampleDir = dirname(fileURLToPath(import.meta.url));
const seedScore = -0.168429;

const answer = (name: string, edits: string): FakeReply => ({
  text: `<name>${name}</name>\n<motivation>${name}, see the edits</motivation>\n<provenance>novel</provenance>\n\n${edits}\n`,
  usage: fakeUsage,
});
const block = (path: string, search: string, replace: string) =>
  `<<<<<<< SEARCH ${path}\n${search}\n=======\n${replace}\n>>>>>>> REPLACE\n`;
const file = (path: string, content: string) => `<file path="${path}">\n${content}</file>\n`;

const polynomialModel = readFileSync(join(exampleDir, 'project', 'model.py'), 'utf8')
  .replace('"""The regression model: y = w * x + b, trained by gradient descent."""', '"""Polynomial regression."""')
  .replace('import numpy as np\n', 'import numpy as np\n\nfrom lib.features import polynomial\n')
  .replace(
    '        self.w = np.zeros(1)\n',
    '        self.degree = cfg.DEGREE\n        self.w = np.zeros(self.degree)\n',
  )
  .replace(
    '        self.x = x\n        return self.w[0] * x + self.b\n',
    '        self.features = polynomial(x, self.degree)\n        return self.features @ self.w + self.b\n',
  )
  .replace('np.array([np.sum(grad * self.x)])', 'self.features.T @ grad');
const featuresModule =
  'import numpy as np\n\n\ndef polynomial(x, degree):\n    return np.stack([x**power for power in range(1, degree + 1)], axis=-1)\n';

/**
 * The Researcher's answers by round and attempt: round 1 first touches train.py (refused), then
 * changes model.py and config.py together and creates lib/features.py; round 2 first sends a
 * block that does not apply, then raises the degree with a larger step; round 3 trains longer.
 */
function researcher(request: LlmRequest): FakeReply {
  if (request.round === 1 && request.turn === 1)
    return answer(
      'train longer',
      block('train.py', '    for _ in range(config.EPOCHS):', '    for _ in range(10 * config.EPOCHS):'),
    );
  if (request.round === 1)
    return answer(
      'cubic features',
      block('config.py', 'BATCH_SIZE = 32', 'BATCH_SIZE = 32\nDEGREE = 3') +
        file('model.py', polynomialModel) +
        file('lib/features.py', featuresModule),
    );
  if (request.round === 2 && request.turn === 1)
    return answer('higher degree', block('config.py', 'LEARNING_RATE = 0.5', 'LEARNING_RATE = 0.3'));
  if (request.round === 2)
    return answer(
      'higher degree',
      block('config.py', 'LEARNING_RATE = 0.1\nEPOCHS = 200', 'LEARNING_RATE = 0.3\nEPOCHS = 600') +
        block('config.py', 'DEGREE = 3', 'DEGREE = 7'),
    );
  return answer('more epochs', block('config.py', 'EPOCHS = 600', 'EPOCHS = 800'));
}

async function fakeLlm() {
  return startFakeLlm((request) =>
    request.role === 'analyzer' ? analysisAnswer('Coordinated changes helped.') : researcher(request),
  );
}

/** A `--config` file beside the run: the fake LLM and greedy sampling (each round builds on the best). */
function runConfig(url: string, evaluator: Record<string, unknown> = {}): string {
  const path = join(makeTempDir('asi-multi-file-'), 'run.yaml');
  writeFileSync(
    path,
    stringify({ api: fakeApi(url, { timeout: 10 }), database: { sampling: { algorithm: 'greedy' } }, evaluator }),
  );
  return path;
}

/** Every `workspace` folder left anywhere under the step folders. */
function workspacesLeft(dir: string): string[] {
  const found: string[] = [];
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(folder, entry.name);
      if (entry.name === 'workspace') found.push(path);
      else visit(path);
    }
  };
  if (existsSync(join(dir, 'steps'))) visit(join(dir, 'steps'));
  return found;
}

function projectFiles(dir: string): Record<string, string> {
  return Object.fromEntries(
    ['model.py', 'config.py', 'train.py', 'data.py', 'lib/__init__.py'].map((name) => [
      name,
      readFileSync(join(dir, 'project', name), 'utf8'),
    ]),
  );
}

describe('examples/multi-file-regression', () => {
  it('evolves coordinated changes across two files with scripted answers; refused and failed edits go back to the model', async () => {
    const { server, calls } = await fakeLlm();
    const dir = copyExample('multi-file-regression');
    const seedProject = projectFiles(dir);
    const run = await runCli(['run', dir, '--steps', '3', '--config', runConfig(server.url)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const { nodes } = readStored(dir);
    expect(nodes.map((node) => [node.id, node.operator, node.success])).toEqual([
      [0, 'seed', true],
      [1, 'llm', true],
      [2, 'llm', true],
      [3, 'llm', true],
    ]);
    expect(nodes[0]!.score).toBeCloseTo(seedScore, 6);
    expect(nodes[1]!.score!).toBeGreaterThan(-0.005);
    expect(nodes[2]!.score!).toBeGreaterThan(nodes[1]!.score!);

    // Round 1: the edit of train.py was refused with the reason, then two files changed and one was created.
    const round1 = calls.filter((request) => request.role === 'researcher' && request.round === 1);
    expect(round1.map((request) => request.turn)).toEqual([1, 2]);
    expect(round1[1]!.lastUser).toContain(
      'names train.py, which is outside the editable files (model.py, config.py, lib/**)',
    );
    const prompt = round1[0]!.messages[0]!.content;
    expect(prompt).toContain('### model.py');
    expect(prompt).toContain('### config.py');
    expect(prompt).toContain('data.py\n  TRAIN_SIZE = 256\n');
    expect(prompt).toContain('train.py\n  def train():\n  def main(inputs_path, predictions_path):\n');
    expect(prompt).not.toContain('for _ in range(config.EPOCHS)');
    const first = parseFileSet(nodes[1]!.program)!;
    expect([...first.keys()]).toEqual(['config.py', 'lib/__init__.py', 'lib/features.py', 'model.py']);
    expect(first.get('config.py')).toContain('DEGREE = 3');
    expect(first.get('model.py')).toContain('polynomial(x, self.degree)');
    expect(nodes[1]!.metadata).toMatchObject({ design: { attempts: 2, blocks: 3, problems: [{ kind: 'format' }] } });

    // Round 2: the block that did not apply was reported with its file and the nearest line.
    const round2 = calls.filter((request) => request.role === 'researcher' && request.round === 2);
    expect(round2[1]!.lastUser).toContain("block 1's SEARCH text was not found in config.py");
    expect(round2[1]!.lastUser).toContain('Its line 1 does not occur in config.py: `LEARNING_RATE = 0.5`');
    expect(parseFileSet(nodes[2]!.program)!.get('config.py')).toContain('DEGREE = 7');

    // The candidate's files stay in the step folder; the workspace is gone; the seed is untouched.
    expect(stepFile(dir, 1, 'files/lib/features.py')).toBe(featuresModule);
    expect(stepFile(dir, 2, 'files/model.py')).toBe(first.get('model.py'));
    expect(workspacesLeft(dir)).toEqual([]);
    expect(projectFiles(dir)).toEqual(seedProject);
    expect(existsSync(join(dir, 'project', 'lib', 'features.py'))).toBe(false);
    expect(parseFileSet(readFileSync(join(dir, 'best', 'program'), 'utf8'))?.get('config.py')).toContain('DEGREE = 7');
  }, 120_000);

  it('runs 2 rounds without a model: the built-in operator tunes numbers in the files, never the paths', async () => {
    const dir = copyExample('multi-file-regression');
    const run = await runCli(['run', dir, '--steps', '2'], { env: cliEnv() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('BUILT-IN NO-MODEL OPERATOR');
    const { nodes } = readStored(dir);
    expect(nodes[0]!.score).toBeCloseTo(seedScore, 6);
    for (const node of nodes.slice(1)) {
      expect(node.operator).toMatch(/^builtin:/);
      expect([...parseFileSet(node.program)!.keys()]).toEqual(['config.py', 'lib/__init__.py', 'model.py']);
      expect(node.motivation).toMatch(/(config|model)\.py line \d+/);
    }
    expect(workspacesLeft(dir)).toEqual([]);
  }, 120_000);

  it('resumes after a kill in the middle of a multi-file evaluation, and leaves no workspace behind', async () => {
    const { server } = await fakeLlm();
    const dir = copyExample('multi-file-regression');
    const marker = `asi-multi-file-slow-${process.pid}-${Math.random().toString(36).slice(2)}`;
    writeFileSync(join(dir, 'slow-step-2'), '');
    // Step 2's evaluation waits while slow-step-2 exists (a file of the experiment the sandbox can read).
    const command = `if [ "$(basename "$PWD")" = step_2 ] && [ -e "$ASI_EXPERIMENT_DIR/slow-step-2" ]; then (exec -a ${marker} sleep 60); fi; bash "$ASI_EXPERIMENT_DIR/eval.sh"`;
    const config = runConfig(server.url, { command });
    try {
      const killed = startCli(['run', dir, '--steps', '3', '--config', config]);
      await waitFor(
        // The sleep itself (its name is the marker), not only a command line that mentions it: a
        // kill before the sandbox has armed its parent-death signal would orphan the evaluation.
        () => existsSync(join(dir, 'steps', 'step_2', 'workspace')) && processesMatching(`^${marker}`).length > 0,
        'step 2 evaluating in its workspace',
        60_000,
      );
      killed.child.kill('SIGKILL');
      expect((await killed.done).signal).toBe('SIGKILL');
      await waitFor(() => processesMatching(marker).length === 0, 'the killed evaluation to end', 10_000);
      expect(storedSteps(dir)).toEqual([0, 1]);
      expect(workspacesLeft(dir)).toEqual([join(dir, 'steps', 'step_2', 'workspace')]);

      rmSync(join(dir, 'slow-step-2'));
      const resumed = await runCli(['run', dir, '--steps', '3', '--config', config]);
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toContain('Resuming: 1/3 rounds already stored');
      const { nodes } = readStored(dir);
      expect(nodes.map((node) => node.success)).toEqual([true, true, true, true]);
      expect(parseFileSet(nodes[2]!.program)!.get('config.py')).toContain('DEGREE = 7');
      expect(workspacesLeft(dir)).toEqual([]);
    } finally {
      killMatching(marker);
    }
  }, 180_000);
});
