import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample, readStored, runCli, useE2eCleanup } from '../e2e/helpers.js';
import { mountSmallDisk } from './small-disk.js';

useE2eCleanup();

/**
 * A multi-file experiment's project edited between runs (docs/architecture.md, “Multi-file
 * candidates”): every evaluation copies the project, so the resumed run says which files
 * changed and that scores before and after may not compare, and records it.
 */
describe('a project folder that changes between runs', () => {
  it('is named file by file when the run resumes, and not when it is unchanged', async () => {
    const dir = copyExample('multi-file-regression');
    const first = await runCli(['run', dir, '--steps', '1']);
    expect(first.code).toBe(0);
    expect(first.stdout).not.toContain('changed since the last run');

    const again = await runCli(['run', dir, '--steps', '2']);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('changed since the last run');

    appendFileSync(join(dir, 'project', 'data.py'), '# edited between runs\n');
    writeFileSync(join(dir, 'project', 'notes.txt'), 'new\n');
    rmSync(join(dir, 'project', 'lib', '__init__.py'));
    const resumed = await runCli(['run', dir, '--steps', '3']);
    expect(resumed.code).toBe(0);
    const notice =
      /The project folder .*project changed since the last run \(data\.py changed, notes\.txt added, lib\/__init__\.py removed\): evaluations from now on copy it as it is, so scores before and after may not compare/;
    expect(resumed.stdout).toMatch(notice);
    expect(readStored(dir).events.some((event) => event.type === 'notice' && notice.test(event.message))).toBe(true);
  }, 180_000);
});

describe('a full disk under a multi-file evaluation', () => {
  it('a workspace that does not fit stops the run with one line; nothing stored is lost and no workspace is left', async (context) => {
    const disk = mountSmallDisk(8);
    if (typeof disk === 'string') {
      context.skip(disk);
      return;
    }
    try {
      const source = copyExample('multi-file-regression');
      const dir = join(disk.dir, 'experiment');
      cpSync(source, dir, { recursive: true, filter: (path) => !path.startsWith(join(source, 'project')) });
      // The project lies on the big disk; its 12 MB of data does not fit the experiment's.
      writeFileSync(join(source, 'project', 'weights.bin'), Buffer.alloc(12 * 1024 * 1024, 1));
      const config = join(dir, 'config.yaml');
      writeFileSync(config, readFileSync(config, 'utf8').replace('dir: project', `dir: ${join(source, 'project')}`));
      const stopped = await runCli(['run', dir, '--steps', '1']);
      expect(stopped.code).not.toBe(0);
      expect(stopped.stderr).toMatch(/^asi-evolve: could not copy the project .* the disk is full/m);
      expect(stopped.stderr).toContain('hint: free space on that disk');
      expect(stopped.stderr).not.toMatch(/\n\s+at /);
      expect(readStored(dir).nodes).toEqual([]);
      expect(existsSync(join(dir, 'steps', 'step_0', 'workspace'))).toBe(false);
    } finally {
      disk.unmount();
    }
  }, 120_000);
});
