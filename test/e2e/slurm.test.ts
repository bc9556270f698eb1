import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlurmCluster, type SlurmCluster } from '../../src/cluster/slurm/test-support/slurm-cluster.js';
import { requires } from '../../src/test-support/requires.js';
import { parseFileSet } from '../../src/domain/index.js';
import { cliEnv, makeExperiment, makeTempDir, readStored, runCli, useE2eCleanup } from './helpers.js';
import {
  evaluatedFolders,
  expectMultiFileRun,
  makeMultiFileExperiment,
  multiFileLlm,
  projectDataBytes,
  projectOnlyMarker,
} from './multi-file-cluster.js';

useE2eCleanup();

const needsSlurm = requires('slurm');
let cluster: SlurmCluster;
beforeAll(async () => {
  if (!needsSlurm.skip) cluster = await startSlurmCluster();
}, 90_000);
afterAll(() => cluster?.stop(), 60_000);

describe('cluster.executor: slurm', needsSlurm, () => {
  it('evaluates every round of `asi-evolve run` as a Slurm job that runs the built CLI', async () => {
    const dir = makeExperiment({
      initialProgram: 'score = 1.0\n',
      config: {
        cluster: { executor: 'slurm', slurm: { partition: cluster.partition, poll_interval: 0.25 } },
        evaluator: { sandbox: { mode: 'none' }, reproduce: { count: 0 } },
      },
    });

    const run = await runCli(['run', dir, '--steps', '3'], {
      env: cliEnv({ SLURM_CONF: cluster.env.SLURM_CONF! }),
      timeoutMs: 150_000,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Evaluations: Slurm batch jobs (partition ${cluster.partition}, 1 CPU(s)`);

    const { nodes } = readStored(dir);
    expect(nodes.map((node) => node.step)).toEqual([0, 1, 2, 3]);
    expect(nodes.every((node) => node.success)).toBe(true);

    // One submission per round, in the default work folder, each answered by `asi-evolve evaluate-job`.
    const workDir = join(dir, '.slurm');
    const jobFiles = readdirSync(workDir).filter((name) => /^job-\d+-\d+\.json$/.test(name));
    expect(jobFiles.sort()).toEqual(['job-0-1.json', 'job-1-1.json', 'job-2-1.json', 'job-3-1.json']);
    for (const node of nodes) {
      const outcome = JSON.parse(readFileSync(join(workDir, `job-${node.step}-1.outcome.json`), 'utf8'));
      expect(outcome).toMatchObject({ status: 'ok', evalScore: node.evalScore });
      expect(readFileSync(join(workDir, `job-${node.step}-1.out`), 'utf8')).toContain(
        `evaluate-job: ok, score ${node.evalScore}`,
      );
    }

    // Slurm ran them: the controller still remembers the four jobs by name (the last may still be winding down).
    const listed = (): string[] =>
      spawnSync('squeue', ['--noheader', '--states=all', '--format=%j|%T'], { env: cluster.env, encoding: 'utf8' })
        .stdout.trim()
        .split('\n')
        .sort();
    const completed = [
      'asi-evolve-0|COMPLETED',
      'asi-evolve-1|COMPLETED',
      'asi-evolve-2|COMPLETED',
      'asi-evolve-3|COMPLETED',
    ];
    const deadline = Date.now() + 20_000;
    while (listed().join() !== completed.join() && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(listed()).toEqual(completed);
  }, 180_000);

  it("stops the run with sbatch's message when Slurm refuses the job", async () => {
    const dir = makeExperiment({
      initialProgram: 'score = 1.0\n',
      config: {
        cluster: { executor: 'slurm', slurm: { partition: 'no-such-partition' } },
        evaluator: { sandbox: { mode: 'none' } },
      },
    });
    const run = await runCli(['run', dir, '--steps', '1'], {
      env: cliEnv({ SLURM_CONF: cluster.env.SLURM_CONF! }),
      timeoutMs: 60_000,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /Could not submit the evaluation of step 0 to Slurm: sbatch failed \(exit code 1\): .*invalid partition/i,
    );
    expect(run.stderr).toContain('hint: Check cluster.slurm');
    expect(run.stderr).not.toContain('Internal error');
  }, 90_000);
});

describe('a multi-file experiment with cluster.executor: slurm', needsSlurm, () => {
  it("each stage's batch job gets the bundle and the project path, builds its workspace where it runs and removes it; no secret reaches the candidate", async () => {
    const secret = 'coordinator-secret-value';
    const dir = makeMultiFileExperiment(await multiFileLlm(), {
      executor: 'slurm',
      slurm: { partition: cluster.partition, poll_interval: 0.25 },
    });
    const run = await runCli(['run', dir, '--steps', '1'], {
      env: cliEnv({ SLURM_CONF: cluster.env.SLURM_CONF!, ASI_TEST_SECRET: secret }),
      timeoutMs: 150_000,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectMultiFileRun(dir, [secret]);

    // One job file per stage of each evaluation, each answered by `asi-evolve evaluate-job`; a
    // job carries the candidate's files and the project's path, never the project's other files.
    const workDir = join(dir, '.slurm');
    const jobFiles = readdirSync(workDir).filter(
      (name) => /^job-.*\.json$/.test(name) && !name.endsWith('.outcome.json'),
    );
    expect(jobFiles).toHaveLength(2 * evaluatedFolders.length);
    const folders: string[] = [];
    for (const name of jobFiles) {
      const text = readFileSync(join(workDir, name), 'utf8');
      const job = JSON.parse(text);
      folders.push(job.stepDir.slice(join(dir, 'steps').length + 1));
      expect(job.projectDir).toBe(join(dir, 'project'));
      expect([...parseFileSet(job.program)!.keys()]).toContain('model.sh');
      expect(text).not.toContain(projectOnlyMarker);
      expect(text).not.toContain(secret);
      expect(text.length).toBeLessThan(projectDataBytes / 16);
      expect(readFileSync(join(workDir, name.replace(/\.json$/, '.out')), 'utf8')).toContain('evaluate-job: ok');
    }
    expect(folders.sort()).toEqual(evaluatedFolders.flatMap((folder) => [folder, folder]).sort());
  }, 180_000);
});

describe('asi-evolve evaluate-job', () => {
  it('is left out of the main help but documents itself, and names a bad job file with exit code 2', async () => {
    expect((await runCli(['--help'])).stdout).not.toContain('evaluate-job');
    const help = await runCli(['evaluate-job', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: asi-evolve evaluate-job [options] <job> <outcome>');
    expect(help.stdout).toContain('shared filesystem');

    const jobFile = join(makeTempDir(), 'job.json');
    writeFileSync(jobFile, '{"command": 1}');
    const bad = await runCli(['evaluate-job', jobFile, `${jobFile}.outcome`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`the job file ${jobFile} is not an evaluation job`);
  });
});
