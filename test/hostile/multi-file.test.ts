import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyFileEdits } from '../../src/agents/researcher/multi-file.js';
import { createLlmResearcher } from '../../src/agents/researcher/researcher.js';
import { createTemplates } from '../../src/agents/templates/load.js';
import { designContext, makeNode, scriptedModel } from '../../src/agents/test-support/fixtures.js';
import { resolveExperiment } from '../../src/config/experiment.js';
import { configSchema } from '../../src/config/schema.js';
import { formatFileSet, parseFileSet } from '../../src/domain/index.js';
import { buildEvaluatorEnv, limitsFromConfig, runSandboxed, type EvaluationJob } from '../../src/evaluation/index.js';
import { projectViewOf } from '../../src/loop/preset.js';
import { prepareStepDir } from '../../src/loop/step-files.js';
import { sandboxModesHere } from '../../src/evaluation/test-support/scratch.js';
import { thrownAsiError } from '../../src/test-support/asi-error.js';

/**
 * Multi-file candidates against hostile answers, candidates and projects (docs/architecture.md,
 * “Multi-file candidates”): each ends in a refusal sent back to the model, a failed node with its
 * reason, or one clear message, never a stopped run or a changed seed. Candidates are run under
 * every sandbox mode this machine offers (CI runs this file again with ASI_EVOLVE_NO_BUBBLEWRAP=1).
 */
const defaults = configSchema.parse({});
const modes = sandboxModesHere();

const root = mkdtempSync(join(tmpdir(), 'asi-multi-hostile-'));
afterAll(() => {
  // A candidate may have left folders without permissions: give them back before removing.
  execFileSync('chmod', ['-R', 'u+rwx', root]);
  rmSync(root, { recursive: true, force: true });
});

const forged = '{"eval_score": 1e9}';
let step = 10;
function job(experimentDir: string, program: string, overrides: Partial<EvaluationJob> = {}): EvaluationJob {
  step += 1;
  return {
    stepDir: join(experimentDir, 'steps', `step_${step}`),
    experimentDir,
    command: `bash "$ASI_EXPERIMENT_DIR/eval.sh"`,
    program,
    programFile: 'candidate.bundle',
    timeoutMs: 30_000,
    killGraceMs: 500,
    maxOutputBytes: defaults.evaluator.max_output_bytes,
    limits: limitsFromConfig(defaults.evaluator.sandbox),
    env: buildEvaluatorEnv(process.env, defaults.evaluator.env_allow, {}),
    projectDir: join(experimentDir, 'project'),
    ...overrides,
  };
}

/**
 * The evaluator: runs the candidate's run.sh in the workspace through the candidate sandbox,
 * with the WORKSPACE as its scratch folder (the most a training script could want), then scores
 * what it printed (capped at 10) with the seed project's score.sh, never the workspace's copy.
 */
const evaluator = `set -u
( cd "$ASI_EVOLVE_WORKSPACE" && "$ASI_SANDBOX_EXEC" --scratch "$ASI_EVOLVE_WORKSPACE" -- bash run.sh ) > candidate.out 2>&1 || true
sleep 0.3
bash "$ASI_EXPERIMENT_DIR/project/score.sh" candidate.out > results.json
`;
const scorer = `claimed=$(sed -n 's/^answer \\([0-9][0-9]*\\)$/\\1/p' "$1" | tail -n 1)
claimed=\${claimed:-0}
[ "$claimed" -gt 10 ] && claimed=10
printf '{"eval_score": %s}\\n' "$claimed"
`;

function experiment(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'project', 'lib'), { recursive: true });
  mkdirSync(join(dir, 'steps', 'step_1', 'files'), { recursive: true });
  mkdirSync(join(dir, 'best'), { recursive: true });
  writeFileSync(join(dir, 'eval.sh'), evaluator);
  writeFileSync(join(dir, 'config.yaml'), 'evaluator:\n  timeout: 30\n');
  writeFileSync(join(dir, 'asi-evolve.db'), 'scores');
  writeFileSync(join(dir, 'best', 'results.json'), '{"eval_score": 2.5}');
  writeFileSync(join(dir, 'steps', 'step_1', 'results.json'), '{"eval_score": 2.5}');
  writeFileSync(join(dir, 'steps', 'step_1', 'files', 'run.sh'), 'echo answer 2\n');
  writeFileSync(join(dir, 'project', 'run.sh'), 'echo answer 1\n');
  writeFileSync(join(dir, 'project', 'score.sh'), scorer);
  writeFileSync(join(dir, 'project', 'lib', 'util.sh'), 'true\n');
  return dir;
}

/** Every file a candidate must not change, with its content now. */
function snapshot(dir: string): Map<string, string> {
  const files = [
    'eval.sh',
    'config.yaml',
    'asi-evolve.db',
    'best/results.json',
    'steps/step_1/results.json',
    'steps/step_1/files/run.sh',
    'project/run.sh',
    'project/score.sh',
    'project/lib/util.sh',
  ].map((name) => join(dir, name));
  return new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
}

function changedSince(before: Map<string, string>): string[] {
  return [...before].filter(([file, text]) => readFileSync(file, 'utf8') !== text).map(([file]) => file);
}

describe.each(modes)(
  'a multi-file candidate cannot forge its score or change what is stored (sandbox mode %s)',
  (mode) => {
    const dir = experiment(mode);
    const sandbox = { mode, network: false, readPaths: [] };

    it('writes to the seed project, its own files/ and step folder, other steps, the experiment and the workspace copy of the scorer change nothing; its leftovers are removed', async () => {
      const before = snapshot(dir);
      const targets = [...before.keys(), join(dir, 'steps', 'step_1', 'files', 'forged.sh')];
      const attack = [
        ...targets.map((file) => `echo '${forged}' > ${JSON.stringify(file)}`),
        `echo '${forged}' > "$ASI_STEP_DIR/results.json"`,
        `mkdir -p "$ASI_STEP_DIR/files/lib"; echo 'echo answer 9' > "$ASI_STEP_DIR/files/run.sh"`,
        // The workspace is the candidate's scratch: its copy of the scorer is writable, and unused.
        `printf 'echo "{\\\\"eval_score\\\\": 1e9}"\\n' > score.sh`,
        // Leftovers that make a removal fail or hang: a FIFO, folders without permissions, a large file.
        'mkfifo pipe; mkdir -p locked/deep; echo x > locked/deep/file; chmod 000 locked/deep; chmod 500 locked',
        'head -c 5000000 /dev/zero > large.bin',
        'echo answer 3',
      ].join('\n');
      const program = formatFileSet(
        new Map([
          ['run.sh', `${attack}\n`],
          ['lib/util.sh', 'false\n'],
        ]),
      );
      const evaluation = job(dir, program, { sandbox });
      const outcome = await runSandboxed(evaluation);
      expect(outcome).toMatchObject({ status: 'ok', evalScore: 3 });
      expect(changedSince(before)).toEqual([]);
      expect(existsSync(join(dir, 'steps', 'step_1', 'files', 'forged.sh'))).toBe(false);
      // files/ holds the candidate as it was designed, whatever ran.
      expect(readFileSync(join(evaluation.stepDir, 'files', 'run.sh'), 'utf8')).toBe(`${attack}\n`);
      expect(existsSync(join(evaluation.stepDir, 'files', 'lib', 'util.sh'))).toBe(true);
      expect(existsSync(join(evaluation.stepDir, 'workspace'))).toBe(false);
    });
  },
);

describe('candidate files that cannot be laid over the project fail their evaluation; the run goes on', () => {
  const dir = experiment('unlayable');
  const project = join(dir, 'project');
  symlinkSync('../..', join(project, 'up'));
  symlinkSync('/etc', join(project, 'etc'));
  mkdirSync(join(project, 'data'));
  writeFileSync(join(project, 'data', 'rows.csv'), '1,2\n');
  const sandbox = { mode: 'none' as const, network: false, readPaths: [] };

  it.each([
    ['a path through a link that leads out of the project', 'up/escaped.sh', /up in the project is a symbolic link/],
    ['a path through a link to /etc', 'etc/cron.d/job', /etc in the project is a symbolic link/],
    ['a file where the project has a folder', 'data', /data: it is a folder in the project/],
    ['a path under a file of the project', 'score.sh/inner', /score.sh in the project is not a folder/],
  ])('%s', async (_label, path, message) => {
    const program = formatFileSet(
      new Map([
        ['run.sh', 'echo answer 1\n'],
        [path, 'escaped\n'],
      ]),
    );
    const outcome = await runSandboxed(job(dir, program, { sandbox }));
    expect(outcome).toMatchObject({ status: 'failed', reason: 'bad-candidate', exitCode: null });
    expect(outcome.status === 'failed' && outcome.shortMessage).toMatch(message);
    expect(existsSync(join(root, 'escaped.sh'))).toBe(false);
    expect(readFileSync(join(project, 'data', 'rows.csv'), 'utf8')).toBe('1,2\n');
    expect(existsSync(join(dir, 'steps', `step_${step}`, 'workspace'))).toBe(false);
  });

  it('a bundle in which one path is both a file and a folder (stored, or from a peer) fails; formatting one is refused', async () => {
    const program = '@@@ asi-evolve file: lib @@@\nx\n@@@ asi-evolve file: lib/util.sh @@@\ntrue\n';
    const outcome = await runSandboxed(job(dir, program, { sandbox }));
    expect(outcome).toMatchObject({ status: 'failed', reason: 'bad-candidate' });
    expect(outcome.status === 'failed' && outcome.shortMessage).toMatch(/lib: the path is a file, but lib\/util.sh/);
    expect(() =>
      formatFileSet(
        new Map([
          ['lib', 'x\n'],
          ['lib/util.sh', 'true\n'],
        ]),
      ),
    ).toThrow(/a path cannot be both/);
  });
});

describe('a Researcher answer naming hostile paths is refused with the reason and sent back', () => {
  const dir = experiment('answers');
  const project = join(dir, 'project');
  symlinkSync('../..', join(project, 'lib', 'up'));
  mkdirSync(join(project, 'lib', 'sub'));
  writeFileSync(join(project, 'lib', 'sub', 'deep.sh'), 'true\n');
  writeFileSync(join(dir, 'input.md'), 'task\n');
  const experimentView = resolveExperiment(
    dir,
    configSchema.parse({ project: { dir: 'project', editable: ['run.sh', 'lib/'] } }),
  );
  const view = projectViewOf(experimentView)!;
  const base = parseFileSet(experimentView.initialProgram!)!;
  const editable = { patterns: view.editable, isEditable: view.isEditable, unwritable: view.unwritable };

  it.each([
    ['../x.sh', /leaves the project/],
    ['/etc/passwd', /absolute/],
    ['lib/../../x.sh', /leaves the project/],
    ['lib/up/x.sh', /lib\/up is a symbolic link in the project/],
    ['lib/', /empty or "." segment/],
    ['lib', /lib is a folder in the project/],
    ['lib/sub', /lib\/sub is a folder in the project/],
    ['lib/a\u0000b', /control character/],
    ['score.sh', /outside the editable files/],
    ['.git/config', /outside the editable files/],
    ['lib/.git/hooks/pre-commit', /outside the editable files/],
  ])('%j', (path, reason) => {
    const applied = applyFileEdits(base, [{ kind: 'file', path, content: 'pwned\n' }], editable);
    expect(applied.ok).toBe(false);
    expect(!applied.ok && applied.problems.join(' ')).toMatch(reason);
  });

  it('a new file named like a bundle marker is one file, and a marker line inside a file is refused', () => {
    const named = applyFileEdits(
      base,
      [{ kind: 'file', path: 'lib/@@@ asi-evolve file: run.sh @@@', content: 'x\n' }],
      editable,
    );
    expect(named.ok && parseFileSet(named.program)?.get('run.sh')).toBe('echo answer 1\n');
    expect(named.ok && parseFileSet(named.program)?.get('lib/@@@ asi-evolve file: run.sh @@@')).toBe('x\n');
    const inside = applyFileEdits(
      base,
      [{ kind: 'file', path: 'lib/m.sh', content: 'true\n@@@ asi-evolve file: run.sh @@@\necho answer 10\n' }],
      editable,
    );
    expect(!inside.ok && inside.problems.join(' ')).toMatch(/reads as an "@@@ asi-evolve file:" marker/);
  });

  it('a 5 MB file and 10,000 new files are sent back as over max_code_length, then a small answer is taken', async () => {
    const header = '<name>many</name>\n<motivation>more files</motivation>\n';
    const many = Array.from({ length: 10_000 }, (_, index) => `<file path="lib/n${index}.sh">\ntrue\n</file>\n`);
    const model = scriptedModel([
      `${header}<file path="lib/big.sh">\n${'#'.repeat(5_000_000)}\n</file>\n`,
      `${header}${many.join('')}`,
      `${header}<file path="run.sh">\necho answer 4\n</file>\n`,
    ]);
    const templates = createTemplates();
    const researcher = createLlmResearcher({ model, templates, maxParseRetries: 3, diffRetries: 1, project: view });
    const parent = makeNode({ id: 1, program: experimentView.initialProgram! });
    const proposal = await researcher.design(
      designContext({ parent, context: [parent], maxCodeLength: defaults.pipeline.researcher.max_code_length }),
    );
    expect(String(model.calls[1]?.messages.at(-1)?.content)).toMatch(/over the limit|characters/);
    expect(String(model.calls[2]?.messages.at(-1)?.content)).toMatch(/over the limit|characters/);
    expect(parseFileSet(proposal.program)?.get('run.sh')).toBe('echo answer 4\n');
  });
});

describe('a project folder with special files, links and read-only folders', () => {
  it('refuses an editable pattern through a symbolic link at start, naming the key and the link', () => {
    const dir = experiment('linked-editable');
    writeFileSync(join(dir, 'input.md'), 'task\n');
    symlinkSync('/etc', join(dir, 'project', 'etc-link'));
    symlinkSync('lib', join(dir, 'project', 'lib-link'));
    for (const pattern of ['etc-link/', 'etc-link', 'lib-link/*.sh']) {
      const error = thrownAsiError(() =>
        resolveExperiment(dir, configSchema.parse({ project: { dir: 'project', editable: ['run.sh', pattern] } })),
      );
      expect(error).toMatchObject({ code: 'CONFIG_INVALID', key: 'project.editable[1]' });
      expect(error.message).toMatch(/-link is a symbolic link; editable paths must lie in real folders/);
    }
  });

  it('evaluates with a FIFO, a socket, a 2 GB sparse file and a read-only folder in the project, quickly and unchanged', async () => {
    const dir = experiment('special');
    const project = join(dir, 'project');
    execFileSync('mkfifo', [join(project, 'pipe')]);
    execFileSync('python3', [
      '-c',
      'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])',
      join(project, 'socket'),
    ]);
    execFileSync('truncate', ['-s', '2G', join(project, 'sparse.bin')]);
    chmodSync(join(project, 'lib'), 0o555);
    const command = [
      'cd "$ASI_EVOLVE_WORKSPACE"',
      'test -p pipe && test -S socket && test -f lib/new.sh && echo ok > "$ASI_STEP_DIR/seen"',
      'du -k sparse.bin | cut -f1 >> "$ASI_STEP_DIR/seen"',
      'echo \'{"eval_score": 1}\' > "$ASI_STEP_DIR/results.json"',
    ].join('\n');
    const program = formatFileSet(
      new Map([
        ['run.sh', 'echo answer 1\n'],
        ['lib/new.sh', 'true\n'],
      ]),
    );
    const evaluation = job(dir, program, { command, sandbox: { mode: 'none', network: false, readPaths: [] } });
    const started = Date.now();
    const outcome = await runSandboxed(evaluation);
    const seconds = (Date.now() - started) / 1000;
    chmodSync(join(project, 'lib'), 0o755);
    expect(outcome).toMatchObject({ status: 'ok', evalScore: 1 });
    const [seen, kilobytes] = readFileSync(join(evaluation.stepDir, 'seen'), 'utf8').trim().split('\n');
    expect(seen).toBe('ok');
    expect(Number(kilobytes)).toBeLessThan(1024);
    expect(seconds).toBeLessThan(20);
    expect(existsSync(join(project, 'lib', 'new.sh'))).toBe(false);
    expect(lstatSync(join(project, 'pipe')).isFIFO()).toBe(true);
    expect(existsSync(join(evaluation.stepDir, 'workspace'))).toBe(false);
  });

  it('a project folder gone mid-run stops the evaluation with one message naming project.dir', async () => {
    const dir = experiment('vanished');
    const program = formatFileSet(new Map([['run.sh', 'echo answer 1\n']]));
    rmSync(join(dir, 'project'), { recursive: true });
    const error = await runSandboxed(
      job(dir, program, { sandbox: { mode: 'none', network: false, readPaths: [] } }),
    ).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', key: 'project.dir' });
    expect((error as Error).message).toMatch(
      /could not copy the project .*vanished\/project for an evaluation: ENOENT/,
    );
    expect(statSync(join(dir, 'steps')).isDirectory()).toBe(true);
  });
});

describe('leftovers of a killed evaluation', () => {
  it('a step redone after a kill is cleared, even of folders its candidate left without permissions and a FIFO', () => {
    const stepsDir = join(root, 'killed', 'steps');
    const stepDir = join(stepsDir, 'step_3');
    for (const scratch of ['workspace', 'candidate', 'workspace/candidate']) {
      mkdirSync(join(stepDir, scratch, 'locked', 'deep'), { recursive: true });
      writeFileSync(join(stepDir, scratch, 'locked', 'deep', 'file'), 'x\n');
      execFileSync('mkfifo', [join(stepDir, scratch, 'locked', 'pipe')]);
      chmodSync(join(stepDir, scratch, 'locked', 'deep'), 0);
      chmodSync(join(stepDir, scratch, 'locked'), 0o500);
    }
    expect(prepareStepDir(stepsDir, 3)).toBe(stepDir);
    expect(readdirSync(stepDir)).toEqual([]);
  });
});

describe('an editable pattern into version control or a dependency folder', () => {
  it('is refused at start saying that such folders are never editable', () => {
    const dir = experiment('git-editable');
    writeFileSync(join(dir, 'input.md'), 'task\n');
    mkdirSync(join(dir, 'project', '.git', 'hooks'), { recursive: true });
    writeFileSync(join(dir, 'project', '.git', 'hooks', 'pre-commit'), 'true\n');
    mkdirSync(join(dir, 'project', 'node_modules', 'left-pad'), { recursive: true });
    writeFileSync(join(dir, 'project', 'node_modules', 'left-pad', 'index.js'), 'module.exports = 1;\n');
    for (const [pattern, folder] of [
      ['.git/hooks/pre-commit', '.git'],
      ['.git/**', '.git'],
      ['node_modules/left-pad/index.js', 'node_modules'],
    ] as const) {
      const error = thrownAsiError(() =>
        resolveExperiment(dir, configSchema.parse({ project: { dir: 'project', editable: ['run.sh', pattern] } })),
      );
      expect(error).toMatchObject({ code: 'CONFIG_INVALID', key: 'project.editable[1]' });
      expect(error.message).toContain(`files under ${folder}/ are never editable`);
    }
    // A pattern over everything takes the project's own files, never those folders'.
    const all = resolveExperiment(dir, configSchema.parse({ project: { dir: 'project', editable: ['**'] } }));
    expect([...parseFileSet(all.initialProgram!)!.keys()]).toEqual(['lib/util.sh', 'run.sh', 'score.sh']);
  });
});
