import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coversFor, hiddenExperimentEntries, unshareArguments } from './isolation.js';

const root = mkdtempSync(join(tmpdir(), 'asi-isolation-'));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('coversFor', () => {
  it('covers the highest folder others cannot pass, and mounts back what lies below it, outermost paths only', () => {
    const closed = join(root, 'closed');
    mkdirSync(join(closed, 'inner', 'deeper'), { recursive: true });
    mkdirSync(join(closed, 'other'), { recursive: true });
    chmodSync(closed, 0o700);
    chmodSync(join(closed, 'inner'), 0o700);
    const covers = coversFor([
      join(closed, 'inner', 'deeper'),
      join(closed, 'other'),
      join(closed, 'other', 'file'),
      join(closed, 'other'),
    ]);
    expect([...covers]).toEqual([[closed, [join(closed, 'inner', 'deeper'), join(closed, 'other')]]]);
  });

  it('needs no cover where every folder on the way can be passed', () => {
    const open = join(root, 'open', 'a');
    mkdirSync(open, { recursive: true });
    expect(coversFor([open]).size).toBe(0);
  });

  it('covers a folder it is always to cover, folded into a closed folder above it, and only when it holds a needed path', () => {
    const experiment = join(root, 'always', 'experiment');
    const closedSteps = join(experiment, 'steps');
    mkdirSync(join(closedSteps, 'step_1'), { recursive: true });
    chmodSync(closedSteps, 0o700);
    const needed = [join(closedSteps, 'step_1'), join(experiment, 'input.md'), join(root, 'always', 'elsewhere')];
    expect([...coversFor(needed, { always: [experiment] })]).toEqual([
      [experiment, [join(closedSteps, 'step_1'), join(experiment, 'input.md')]],
    ]);
    expect([...coversFor([join(closedSteps, 'step_1')], { closedAncestors: false })]).toEqual([]);
    expect([...coversFor([join(root, 'always', 'elsewhere')], { always: [experiment] })]).toEqual([]);
    const closedAbove = join(root, 'closed-above');
    mkdirSync(join(closedAbove, 'experiment'), { recursive: true });
    chmodSync(closedAbove, 0o700);
    const inside = join(closedAbove, 'experiment', 'input.md');
    expect([...coversFor([inside], { always: [join(closedAbove, 'experiment')] })]).toEqual([[closedAbove, [inside]]]);
  });
});

describe('unshareArguments', () => {
  it("hides the experiment's secrets and records, keeps the parent-death signal across the change of user", () => {
    const experiment = join(root, 'experiment');
    mkdirSync(join(experiment, 'steps', 'step_3'), { recursive: true });
    mkdirSync(join(experiment, 'best'), { recursive: true });
    writeFileSync(join(experiment, 'config.yaml'), 'api: {}\n');
    writeFileSync(join(experiment, 'asi-evolve.db'), '');
    writeFileSync(join(experiment, 'input.md'), 'task\n');
    expect(hiddenExperimentEntries(experiment)).toEqual(
      ['asi-evolve.db', 'best', 'config.yaml', 'steps'].map((name) => join(experiment, name)),
    );
    const stepDir = join(experiment, 'steps', 'step_3');
    const argumentsAs = (dropUser: { uid: number; gid: number } | null): string[] =>
      unshareArguments(
        '/usr/bin/unshare',
        {
          network: false,
          asRoot: true,
          stepDir,
          experimentDir: experiment,
          dropUser,
          pathVariable: '/usr/bin',
          readPaths: [],
        },
        '/usr/bin/setpriv',
        '/bin/bash',
        [],
      );
    /** The set-up script's own arguments: between its name and the `--` before setpriv. */
    const setupOf = (args: string[]): string[] =>
      args.slice(args.indexOf('asi-evolve-sandbox') + 1, args.indexOf('--', args.indexOf('asi-evolve-sandbox')));
    const args = argumentsAs({ uid: 65534, gid: 65534 });
    expect(args.slice(0, 3)).toEqual(['/usr/bin/unshare', '--mount', '--propagation']);
    expect(args).toContain('--net');
    expect(setupOf(args)).toEqual([
      '-s',
      stepDir,
      // The experiment folder covered, its visible entry and the step folder mounted back.
      '-c',
      experiment,
      '-k',
      stepDir,
      '-k',
      join(experiment, 'input.md'),
      ...hiddenExperimentEntries(experiment).flatMap((path) => ['-h', path]),
    ]);
    // Hundreds of loose files: too many to mount back one by one; the hidden entries are mounted over instead.
    for (let index = 0; index < 300; index++) writeFileSync(join(experiment, `result-${index}.txt`), '');
    expect(setupOf(argumentsAs(null))).toEqual([
      '-s',
      stepDir,
      ...hiddenExperimentEntries(experiment).flatMap((path) => ['-h', path]),
    ]);
    expect(args.slice(args.lastIndexOf('/usr/bin/setpriv'))).toEqual([
      '/usr/bin/setpriv',
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      '--inh-caps=-all',
      '--bounding-set=-all',
      '--no-new-privs',
      '--pdeathsig',
      'KILL',
      '--',
    ]);
  });
});
