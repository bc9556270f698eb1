import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFileSet } from '../domain/index.js';
import { thrownAsiError } from '../test-support/asi-error.js';
import { resolveExperiment } from './experiment.js';
import { editableMatcher, readProjectContext } from './project.js';
import { configSchema } from './schema.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-project-'));
  writeFileSync(join(dir, 'eval.sh'), 'true\n');
  writeFileSync(join(dir, 'input.md'), 'task\n');
  mkdirSync(join(dir, 'project', 'pkg'), { recursive: true });
  mkdirSync(join(dir, 'project', '.git'), { recursive: true });
  writeFileSync(join(dir, 'project', 'model.py'), 'W = 1\n');
  writeFileSync(join(dir, 'project', 'config.py'), 'LR = 0.1\n');
  writeFileSync(join(dir, 'project', 'train.py'), 'import model\n');
  writeFileSync(join(dir, 'project', 'pkg', 'util.py'), 'def f():\n    return 1\n');
  writeFileSync(join(dir, 'project', '.git', 'HEAD'), 'ref: refs/heads/main\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const withProject = (project: Record<string, unknown>) => configSchema.parse({ project });

describe('a project folder as the seed', () => {
  it('reads the editable files as the seed bundle; a folder pattern takes every file under it', () => {
    const experiment = resolveExperiment(dir, withProject({ dir: 'project', editable: ['model.py', 'pkg'] }));
    expect(experiment.project?.editable).toEqual(['model.py', 'pkg/**']);
    const files = parseFileSet(experiment.initialProgram ?? '');
    expect(files).toEqual(
      new Map([
        ['model.py', 'W = 1\n'],
        ['pkg/util.py', 'def f():\n    return 1\n'],
      ]),
    );
    const context = readProjectContext(experiment.project!);
    expect(context.map((file) => file.path)).toEqual(['config.py', 'train.py']);
    expect(context[1]?.content).toBe('import model\n');
  });

  it('leaves single-file experiments as they were', () => {
    writeFileSync(join(dir, 'initial_program'), 'x = 1\n');
    const experiment = resolveExperiment(dir, configSchema.parse({}));
    expect(experiment).toMatchObject({ initialProgram: 'x = 1\n', project: null });
  });

  it('matches new paths against the editable patterns, never an unsafe path or a .git file', () => {
    const matches = editableMatcher(['model.py', 'pkg/**', 'src/*.py']);
    expect(matches('pkg/new/deep.py')).toBe(true);
    expect(matches('src/a.py')).toBe(true);
    expect(matches('src/sub/a.py')).toBe(false);
    expect(matches('train.py')).toBe(false);
    expect(matches('pkg/../train.py')).toBe(false);
    expect(matches('pkg/.git/config')).toBe(false);
  });

  it('refuses editable files longer together than pipeline.researcher.max_code_length', () => {
    const config = configSchema.parse({
      project: { dir: 'project', editable: ['model.py', 'config.py'] },
      pipeline: { researcher: { max_code_length: 40 } },
    });
    const error = thrownAsiError(() => resolveExperiment(dir, config));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', key: 'pipeline.researcher.max_code_length' });
    expect(error.message).toContain('over pipeline.researcher.max_code_length (40)');
  });

  it('refuses initial_program beside a project, naming both', () => {
    writeFileSync(join(dir, 'initial_program'), 'x = 1\n');
    const error = thrownAsiError(() => resolveExperiment(dir, withProject({ dir: 'project', editable: ['model.py'] })));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', key: 'project', file: join(dir, 'initial_program') });
  });

  it('names the key and the path of each bad project setting', () => {
    const missing = thrownAsiError(() => resolveExperiment(dir, withProject({ dir: 'nowhere', editable: ['a'] })));
    expect(missing).toMatchObject({ key: 'project.dir', message: expect.stringContaining(join(dir, 'nowhere')) });

    const nothing = thrownAsiError(() =>
      resolveExperiment(dir, withProject({ dir: 'project', editable: ['model.py', '*.rs'] })),
    );
    expect(nothing).toMatchObject({
      key: 'project.editable[1]',
      message: expect.stringContaining('"*.rs" matches no file'),
    });

    const leaving = thrownAsiError(() =>
      resolveExperiment(dir, withProject({ dir: 'project', editable: ['../x.py'] })),
    );
    expect(leaving).toMatchObject({
      key: 'project.editable[0]',
      message: expect.stringContaining('leaves the project'),
    });

    const around = thrownAsiError(() => resolveExperiment(dir, withProject({ dir: '.', editable: ['eval.sh'] })));
    expect(around).toMatchObject({
      key: 'project.dir',
      message: expect.stringContaining('holds the experiment folder'),
    });
  });

  it('refuses a binary editable file, one with a bundle marker line, and a symbolic link', () => {
    writeFileSync(join(dir, 'project', 'blob.py'), Buffer.from([0x61, 0x00, 0x62, 0x0a]));
    const binary = thrownAsiError(() => resolveExperiment(dir, withProject({ dir: 'project', editable: ['blob.py'] })));
    expect(binary).toMatchObject({ key: 'project', file: join(dir, 'project', 'blob.py') });
    expect(binary.message).toContain('binary');

    writeFileSync(join(dir, 'project', 'marker.py'), 'x = 1\n@@@ asi-evolve file: a.py @@@\n');
    const marker = thrownAsiError(() =>
      resolveExperiment(dir, withProject({ dir: 'project', editable: ['marker.py'] })),
    );
    expect(marker).toMatchObject({ file: join(dir, 'project', 'marker.py') });
    expect(marker.message).toContain('marker');

    symlinkSync(join(dir, 'input.md'), join(dir, 'project', 'link.py'));
    const link = thrownAsiError(() => resolveExperiment(dir, withProject({ dir: 'project', editable: ['link.py'] })));
    expect(link.message).toContain('symbolic link');
  });
});
