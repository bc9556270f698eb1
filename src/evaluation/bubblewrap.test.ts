import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bubblewrapArguments,
  folderEntries,
  installationRoot,
  isHiddenExperimentEntry,
  type BubblewrapOptions,
} from './bubblewrap.js';

const root = mkdtempSync(join(tmpdir(), 'asi-bwrap-args-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const experimentDir = join(root, 'experiment');
const stepDir = join(experimentDir, 'steps', 'step_3');
mkdirSync(stepDir, { recursive: true });
for (const name of ['eval.sh', 'input.md', 'config.yaml', '.env', 'asi-evolve.db', 'asi-evolve.db-wal'])
  writeFileSync(join(experimentDir, name), 'x');
mkdirSync(join(experimentDir, 'best'));
mkdirSync(join(experimentDir, 'best.tmp-12'));
mkdirSync(join(experimentDir, 'data'));

const base: BubblewrapOptions = {
  bwrapPath: '/usr/bin/bwrap',
  stepDir,
  experimentDir,
  network: false,
  readPaths: [],
  pathVariable: '/usr/bin:/bin',
  asRoot: true,
  dropUser: { uid: 65534, gid: 65534 },
  setprivPath: '/usr/bin/setpriv',
};

/** The `--ro-bind`/`--bind` targets of a command line. */
function binds(args: readonly string[], option: string): string[] {
  return args.flatMap((arg, index) => (arg === option ? [args[index + 2] ?? ''] : []));
}

describe('bubblewrapArguments', () => {
  it('binds the experiment entries read-only, less the hidden ones, and the step folder read-write', () => {
    const args = bubblewrapArguments(base);
    expect(binds(args, '--ro-bind').filter((path) => path.startsWith(experimentDir))).toEqual(
      ['data', 'eval.sh', 'input.md'].map((name) => join(experimentDir, name)),
    );
    expect(binds(args, '--bind')).toEqual([stepDir]);
    expect(args.slice(args.indexOf('--chdir'), args.indexOf('--chdir') + 2)).toEqual(['--chdir', stepDir]);
  });

  it('creates the parent folders of what it binds, world-readable, before binding', () => {
    const args = bubblewrapArguments(base);
    const steps = args.indexOf(join(experimentDir, 'steps'));
    expect(args.slice(steps - 3, steps + 1)).toEqual(['--perms', '0755', '--dir', join(experimentDir, 'steps')]);
    expect(steps).toBeLessThan(args.indexOf(stepDir));
  });

  it('isolates PID, IPC and network without a user namespace as root, and switches to the unprivileged user', () => {
    const args = bubblewrapArguments(base);
    expect(args).toEqual(
      expect.arrayContaining(['--unshare-pid', '--unshare-ipc', '--unshare-net', '--die-with-parent']),
    );
    expect(args).not.toContain('--unshare-all');
    const separator = args.indexOf('--');
    expect(args.slice(separator + 1, separator + 4)).toEqual(['/usr/bin/setpriv', '--reuid=65534', '--regid=65534']);
    expect(args[args.length - 1]).toBe('--');
  });

  it('keeps the network when allowed, and uses --unshare-all without root', () => {
    expect(bubblewrapArguments({ ...base, network: true })).not.toContain('--unshare-net');
    const user = bubblewrapArguments({ ...base, asRoot: false, network: true });
    expect(user).toEqual(expect.arrayContaining(['--unshare-all', '--share-net']));
    expect(user).not.toContain('/usr/bin/setpriv');
  });

  it('passes GPU device files through with device access', () => {
    const args = bubblewrapArguments({ ...base, devices: ['/dev/nvidia0', '/dev/nvidiactl'] });
    expect(binds(args, '--dev-bind-try')).toEqual(['/dev/nvidia0', '/dev/nvidiactl']);
    expect(args.indexOf('--dev-bind-try')).toBeGreaterThan(args.indexOf('--dev'));
  });

  it('binds the installations of the PATH folders and the read paths', () => {
    const prefix = join(root, 'venv');
    mkdirSync(join(prefix, 'bin'), { recursive: true });
    mkdirSync(join(prefix, 'lib'), { recursive: true });
    const args = bubblewrapArguments({
      ...base,
      pathVariable: `${join(prefix, 'bin')}:/usr/bin:relative/bin`,
      readPaths: [join(root, 'missing'), join(root, 'experiment', 'data')],
    });
    expect(binds(args, '--ro-bind')).toContain(prefix);
    expect(binds(args, '--ro-bind').filter((path) => path === join(experimentDir, 'data'))).toHaveLength(1);
    expect(binds(args, '--ro-bind')).not.toContain(join(root, 'missing'));
  });

  it('binds an installation once where another PATH folder lies inside it, whatever their order', () => {
    const pyenv = join(root, 'pyenv');
    const pluginShims = join(pyenv, 'plugins', 'virtualenv', 'shims');
    mkdirSync(pluginShims, { recursive: true });
    mkdirSync(join(pyenv, 'shims'), { recursive: true });
    const args = bubblewrapArguments({ ...base, pathVariable: `${pluginShims}:${join(pyenv, 'shims')}:/usr/bin` });
    expect(binds(args, '--ro-bind').filter((path) => path.startsWith(pyenv))).toEqual([pyenv]);
  });
});

describe('folderEntries', () => {
  const folder = join(root, 'listed');
  mkdirSync(folder);
  writeFileSync(join(folder, 'b'), 'x');
  writeFileSync(join(folder, 'a'), 'x');
  /** Backdates the folder, as one that has not changed for a while. */
  const settle = (): void => utimesSync(folder, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));

  it('lists a settled folder once, and again after each entry added, removed or renamed', () => {
    settle();
    const first = folderEntries(folder);
    expect(first).toEqual(['a', 'b']);
    expect(folderEntries(folder)).toBe(first);
    writeFileSync(join(folder, 'c'), 'x');
    expect(folderEntries(folder)).toEqual(['a', 'b', 'c']);
    settle();
    expect(folderEntries(folder)).toEqual(['a', 'b', 'c']);
    rmSync(join(folder, 'a'));
    expect(folderEntries(folder)).toEqual(['b', 'c']);
    settle();
    expect(folderEntries(folder)).toEqual(['b', 'c']);
    renameSync(join(folder, 'b'), join(folder, '.env'));
    expect(folderEntries(folder)).toEqual(['.env', 'c']);
  });

  it('reads a folder that just changed again each time, and says null for what is not a folder', () => {
    writeFileSync(join(folder, 'fresh'), 'x');
    const first = folderEntries(folder);
    expect(folderEntries(folder)).not.toBe(first);
    expect(folderEntries(join(folder, 'c'))).toBeNull();
    expect(folderEntries(join(root, 'missing'))).toBeNull();
  });
});

describe('installationRoot', () => {
  it('maps shims to their pyenv root, prefixed bin folders to their prefix, and others to themselves', () => {
    expect(installationRoot('/home/me/.pyenv/shims')).toBe('/home/me/.pyenv');
    expect(installationRoot('/usr/bin')).toBe('/usr');
    expect(installationRoot(join(root, 'nowhere', 'bin'))).toBe(join(root, 'nowhere', 'bin'));
  });
});

describe('isHiddenExperimentEntry', () => {
  it('hides configs, env files, databases and their lock, the best snapshot, the report, the steps and the Slurm job folder', () => {
    for (const name of [
      'config.yaml',
      'config.yml',
      '.env',
      '.env.local',
      'asi-evolve.db',
      'asi-evolve.db-shm',
      'asi-evolve.db.lock',
      'other.sqlite',
      'report.md',
      'score-curve.svg',
      'best',
      'best.old-3',
      'steps',
      '.git',
      '.slurm',
      '.cognition-index',
    ]) {
      expect(isHiddenExperimentEntry(name), name).toBe(true);
    }
    for (const name of [
      'eval.sh',
      'evaluator.py',
      'input.md',
      'best_practices.md',
      'data',
      'initial_program',
      'x.lock',
    ]) {
      expect(isHiddenExperimentEntry(name), name).toBe(false);
    }
  });
});
