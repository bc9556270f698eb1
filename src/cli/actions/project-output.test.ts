import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatFileSet } from '../../domain/index.js';
import { nodeRecord } from '../../store/index.js';
import { thrownAsiError } from '../../test-support/asi-error.js';
import { createTempExperiment, node, type TempExperiment } from '../../web/test-support/experiment.js';
import { exportCommand } from './export.js';
import { bestCommand, diffCommand, lineageCommand, showCommand } from './inspect.js';
import { writeBestFolder } from './project-output.js';

let experiment: TempExperiment;
let scratch: string;
let project: string;

const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, env: gitEnv, encoding: 'utf8' });

/** Every regular file under `dir` (less `.git`), by relative path. */
function treeOf(dir: string, prefix = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.name === '.git') continue;
    if (entry.isDirectory()) for (const [inner, content] of treeOf(dir, path)) files.set(inner, content);
    else if (entry.isFile()) files.set(path, readFileSync(join(dir, path), 'utf8'));
  }
  return files;
}

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

const modelV0 =
  'import torch\n\nclass Model:\n    width = 64\n    depth = 2\n\n    def forward(self, x):\n        return x\n';
const configV0 = 'LEARNING_RATE = 0.1\nEPOCHS = 3'; // no final newline: the bundle adds one
const modelV1 = modelV0.replace('width = 64', 'width = 128');
const configV2 = 'LEARNING_RATE = 0.05\nEPOCHS = 3\n';
const extra = 'def warmup(step):\n    return min(1.0, step / 100)\n';

const seedBundle = formatFileSet(
  new Map([
    ['src/config.py', configV0],
    ['src/model.py', modelV0],
  ]),
);
const bundle1 = formatFileSet(
  new Map([
    ['src/config.py', configV0],
    ['src/model.py', modelV1],
  ]),
);
const bundle2 = formatFileSet(
  new Map([
    ['src/config.py', configV2],
    ['src/model.py', modelV1],
    ['src/schedule/warmup.py', extra],
  ]),
);

beforeEach(() => {
  experiment = createTempExperiment('asi-evolve-project-out-');
  scratch = mkdtempSync(join(tmpdir(), 'asi-evolve-project-out-scratch-'));
  project = join(scratch, 'project');
  writeTree(project, {
    'README.md': '# toy trainer\n',
    'train.py': 'from src.model import Model\n',
    'src/model.py': modelV0,
    'src/config.py': configV0,
    'data/tokens.txt': 'a b c\n',
  });
  git(project, 'init', '-q');
  git(project, 'add', '-A');
  git(project, 'commit', '-q', '-m', 'seed');
  const store = experiment.store;
  store.insertNode(node(0, { program: seedBundle, score: 1, name: 'seed' }));
  store.insertNode(node(1, { program: bundle1, score: 2, name: 'wider model', motivation: 'More width helps.' }));
  store.insertNode(
    node(2, { program: bundle2, score: 3, name: 'slower learning', motivation: 'Wider needs a smaller rate.' }),
  );
  store.insertNode(node(3, { program: seedBundle.replace('depth = 2', 'depth = 9'), score: 0.5, parentIds: [0] }));
});

afterEach(() => {
  experiment.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

function output(run: (write: (text: string) => void) => void): string {
  let text = '';
  run((chunk) => {
    text += chunk;
  });
  return text;
}

async function outputOf(run: (write: (text: string) => void) => Promise<void>): Promise<string> {
  let text = '';
  await run((chunk) => {
    text += chunk;
  });
  return text;
}

describe('multi-file candidates on the command line', () => {
  it('best --patch writes a git patch that applies cleanly to a copy of the seed project', () => {
    const patch = output((write) => bestCommand(experiment.dir, write, { patch: true, project }));
    expect(patch).toContain('diff --git a/src/config.py b/src/config.py\n');
    expect(patch).toContain('diff --git a/src/schedule/warmup.py b/src/schedule/warmup.py\nnew file mode 100644\n');
    expect(patch).not.toContain('README');
    const copy = join(scratch, 'copy');
    cpSync(project, copy, { recursive: true });
    writeFileSync(join(scratch, 'best.patch'), patch);
    git(copy, 'apply', '--check', join(scratch, 'best.patch'));
    git(copy, 'apply', join(scratch, 'best.patch'));
    const applied = treeOf(copy);
    expect(applied.get('src/model.py')).toBe(modelV1);
    expect(applied.get('src/config.py')).toBe(configV2);
    expect(applied.get('src/schedule/warmup.py')).toBe(extra);
    expect(applied.get('README.md')).toBe('# toy trainer\n');

    const file = join(scratch, 'out', 'best.patch');
    const said = output((write) => bestCommand(experiment.dir, write, { patch: file, project }));
    expect(said).toBe(`Wrote node 2 as a patch against the seed to ${file}\n`);
    expect(readFileSync(file, 'utf8')).toBe(patch);
  });

  it('best --out writes the seed project with the best applied, and refuses a non-empty folder without --force', () => {
    const out = join(scratch, 'best-project');
    const said = output((write) => bestCommand(experiment.dir, write, { out, project }));
    expect(said).toBe(`Wrote node 2 to ${out} (3 file(s) changed against the seed)\n`);
    const tree = treeOf(out);
    expect(tree.get('src/model.py')).toBe(modelV1);
    expect(tree.get('src/schedule/warmup.py')).toBe(extra);
    expect(tree.get('train.py')).toBe('from src.model import Model\n');
    expect(tree.get('data/tokens.txt')).toBe('a b c\n');
    expect(existsSync(join(out, '.git'))).toBe(false);

    const refused = thrownAsiError(() => bestCommand(experiment.dir, () => undefined, { out, project }));
    expect(refused.message).toBe(`${out} is not empty`);
    bestCommand(experiment.dir, () => undefined, { out, project, force: true });
    expect(treeOf(out)).toEqual(tree);

    const unknown = thrownAsiError(() => bestCommand(experiment.dir, () => undefined, { out: join(scratch, 'x') }));
    expect(unknown.message).toContain("best --out needs the experiment's project folder");
    writeFileSync(join(experiment.dir, 'config.yaml'), `project:\n  dir: ${project}\n  editable: [src/]\n`);
    const viaConfig = join(scratch, 'via-config');
    bestCommand(experiment.dir, () => undefined, { out: viaConfig });
    expect(treeOf(viaConfig)).toEqual(tree);
  });

  it('best --out never writes through a symbolic link of the project', () => {
    const outside = join(scratch, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(project, 'plugins'));
    const seed = nodeRecord({ id: 0, program: seedBundle });
    const best = nodeRecord({
      id: 5,
      program: formatFileSet(
        new Map([
          ['src/model.py', modelV1],
          ['plugins/evil.py', 'print(1)\n'],
        ]),
      ),
    });
    const out = join(scratch, 'linked');
    const error = thrownAsiError(() =>
      writeBestFolder(seed, best, { dir: experiment.dir, out, projectDir: project, force: false }),
    );
    expect(error.message).toContain(
      `cannot write plugins/evil.py under ${out}: ${join(out, 'plugins')} is a symbolic link`,
    );
    expect(readdirSync(outside)).toEqual([]);
  });

  it('export --git replays the seed project and the best lineage as commits with the motivation as message', () => {
    const repo = join(scratch, 'history');
    const said = output((write) => exportCommand(experiment.dir, { format: 'jsonl', git: repo, project }, write));
    expect(said).toBe(`Exported the seed and 2 node(s) of the best lineage to ${repo} (branch best)\n`);
    expect(git(repo, 'log', '--format=%s|%an <%ae>').trim().split('\n')).toEqual([
      'slower learning|asi-evolve <asi-evolve@localhost>',
      'wider model|asi-evolve <asi-evolve@localhost>',
      'Seed project (asi-evolve node 0)|asi-evolve <asi-evolve@localhost>',
    ]);
    expect(git(repo, 'log', '-1', '--format=%B')).toContain('Wider needs a smaller rate.');
    expect(git(repo, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('best');
    expect(git(repo, 'show', '--name-status', '--format=', 'HEAD~1').trim()).toBe('M\tsrc/model.py');
    expect(git(repo, 'ls-tree', '-r', '--name-only', 'HEAD~2').trim().split('\n')).toEqual([
      'README.md',
      'data/tokens.txt',
      'src/config.py',
      'src/model.py',
      'train.py',
    ]);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    const out = join(scratch, 'best-project');
    bestCommand(experiment.dir, () => undefined, { out, project });
    expect(treeOf(repo)).toEqual(treeOf(out));

    const again = thrownAsiError(() =>
      exportCommand(experiment.dir, { format: 'jsonl', git: repo, project }, () => {}),
    );
    expect(again.message).toBe(`${repo} is not empty`);
  });

  it('show, diff and lineage print per-file diffs, changed files only, created files as new', async () => {
    const shown = output((write) => showCommand(experiment.dir, 2, write, { program: true }));
    expect(shown).toContain('Changes against node 1 (its parent), 2 file(s):\n');
    expect(shown).toContain('diff --git a/src/config.py b/src/config.py\n');
    expect(shown).toContain(
      'diff --git a/src/schedule/warmup.py b/src/schedule/warmup.py\nnew file mode 100644\n--- /dev/null\n',
    );
    expect(shown).not.toContain('src/model.py');
    const seedShown = output((write) => showCommand(experiment.dir, 0, write, { program: true }));
    expect(seedShown).toContain('Files (2):\n  src/config.py (2 lines)\n  src/model.py (8 lines)\n');

    const diff = await outputOf((write) => diffCommand(experiment.dir, 3, 2, write));
    expect(diff.match(/^diff --git /gm)).toHaveLength(3);
    expect(diff).toContain('-    depth = 9\n');
    expect(diff).toContain('+    depth = 2\n');
    expect(await outputOf((write) => diffCommand(experiment.dir, 1, 1, write))).toBe(
      'No file differs between node 1 and node 1.\n',
    );

    const lineage = output((write) => lineageCommand(experiment.dir, 2, write));
    expect(lineage.split('diff --git a/src/model.py b/src/model.py')).toHaveLength(2);
    expect(lineage).toMatch(/node 2 [^\n]*\ndiff --git a\/src\/config\.py/);
  });
});

describe('single-file experiments', () => {
  it('best --patch gives a patch of initial_program against the seed program', async () => {
    const single = createTempExperiment('asi-evolve-single-out-');
    try {
      single.store.insertNode(node(0));
      single.store.insertNode(node(1));
      const patch = output((write) => bestCommand(single.dir, write, { patch: true }));
      expect(patch).toBe(
        'diff --git a/initial_program b/initial_program\n--- a/initial_program\n+++ b/initial_program\n' +
          '@@ -1,2 +1,2 @@\n-const radius = 0;\n+const radius = 1;\n console.log(radius);\n',
      );
      const folder = join(scratch, 'single');
      mkdirSync(folder);
      writeFileSync(join(folder, 'initial_program'), node(0).program);
      writeFileSync(join(scratch, 'single.patch'), patch);
      git(folder, 'apply', join(scratch, 'single.patch'));
      expect(readFileSync(join(folder, 'initial_program'), 'utf8')).toBe(node(1).program);
      expect(await outputOf((write) => diffCommand(single.dir, 0, 1, write))).toContain('--- node-0\t');
    } finally {
      single.cleanup();
    }
  });
});
