import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  batchScript,
  defaultTimeLimitMinutes,
  highestAttempt,
  parseJobId,
  sbatchArguments,
  stepLabel,
  submissionEnvironment,
  submissionFiles,
} from './submission.js';

const scratch = mkdtempSync(join(tmpdir(), 'asi-slurm-script-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('defaultTimeLimitMinutes', () => {
  it('is the timeout plus the kill grace in whole minutes, plus one', () => {
    expect(defaultTimeLimitMinutes({ timeoutMs: 60_000, killGraceMs: 0 })).toBe(2);
    expect(defaultTimeLimitMinutes({ timeoutMs: 60_000, killGraceMs: 1 })).toBe(3);
    expect(defaultTimeLimitMinutes({ timeoutMs: 3_600_000, killGraceMs: 10_000 })).toBe(62);
    expect(defaultTimeLimitMinutes({ timeoutMs: 500, killGraceMs: 500 })).toBe(2);
  });
});

describe('stepLabel', () => {
  it('names steps by number, reproductions by their path, other folders by name', () => {
    expect(stepLabel({ experimentDir: '/exp', stepDir: '/exp/steps/step_3' })).toBe('3');
    expect(stepLabel({ experimentDir: '/exp', stepDir: '/exp/steps/step_7-reproduce-1' })).toBe('7-reproduce-1');
    expect(stepLabel({ experimentDir: '/exp', stepDir: '/elsewhere/my step' })).toBe('my_step');
  });
});

describe('submission files and attempts', () => {
  it('names every file job-<step>-<attempt> in the work folder', () => {
    expect(submissionFiles('/w', '3', 2)).toEqual({
      jobName: 'asi-evolve-3',
      job: '/w/job-3-2.json',
      script: '/w/job-3-2.sh',
      outcome: '/w/job-3-2.outcome.json',
      stdout: '/w/job-3-2.out',
      stderr: '/w/job-3-2.err',
    });
  });

  it('finds the highest attempt of a step among the job files, not its outcomes or other steps', () => {
    const names = [
      'job-3-1.json',
      'job-3-2.outcome.json',
      'job-3-4.json',
      'job-30-9.json',
      'job-3-1.sh',
      'job-3-x.json',
    ];
    expect(highestAttempt(names, '3')).toBe(4);
    expect(highestAttempt(names, '5')).toBe(0);
  });
});

describe('sbatchArguments', () => {
  const files = submissionFiles('/w', '3', 1);
  const job = { stepDir: '/exp/steps/step_3', timeoutMs: 120_000, killGraceMs: 5000 };

  it('asks for one task with the default time limit', () => {
    expect(sbatchArguments({}, job, files)).toEqual([
      '--parsable',
      '--job-name=asi-evolve-3',
      '--output=/w/job-3-1.out',
      '--error=/w/job-3-1.err',
      '--chdir=/exp/steps/step_3',
      '--export=ALL',
      '--nodes=1',
      '--ntasks=1',
      '--cpus-per-task=1',
      '--time=4',
      '/w/job-3-1.sh',
    ]);
  });

  it('passes the configured resources, then the extra arguments, before the script', () => {
    const args = sbatchArguments(
      {
        partition: 'gpu',
        account: 'lab',
        qos: 'high',
        gres: 'gpu:1',
        cpusPerTask: 8,
        mem: '16G',
        timeLimitMinutes: 90,
        extraArgs: ['--constraint=a100', '--exclusive'],
      },
      job,
      files,
    );
    expect(args).toContain('--time=90');
    expect(args).toContain('--cpus-per-task=8');
    expect(args.slice(-8)).toEqual([
      '--partition=gpu',
      '--account=lab',
      '--qos=high',
      '--gres=gpu:1',
      '--mem=16G',
      '--constraint=a100',
      '--exclusive',
      '/w/job-3-1.sh',
    ]);
  });

  it('reads the job id that --parsable prints, with or without a cluster name', () => {
    expect(parseJobId('123\n')).toBe('123');
    expect(parseJobId('77;gpu-cluster\n')).toBe('77');
    expect(parseJobId('Submitted batch job 5\n')).toBeNull();
    expect(parseJobId('')).toBeNull();
  });
});

describe('submissionEnvironment', () => {
  it("keeps PATH, the user, the locale and Slurm's variables, and nothing else of the coordinator's environment", () => {
    const env = submissionEnvironment({
      PATH: '/usr/bin',
      HOME: '/home/me',
      USER: 'me',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      SLURM_CONF: '/etc/slurm/slurm.conf',
      SBATCH_ACCOUNT: 'lab',
      OPENAI_API_KEY: 'sk-secret',
      ASI_TEST_SECRET: 'x',
      PYTHONPATH: '/x',
      MY_SLURM_TOKEN: 'y',
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/me',
      USER: 'me',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      SLURM_CONF: '/etc/slurm/slurm.conf',
      SBATCH_ACCOUNT: 'lab',
    });
  });
});

describe('batchScript', () => {
  it('execs the runner with evaluate-job and both files, quoted for any path', () => {
    const echo = join(scratch, 'print args.sh');
    writeFileSync(echo, '#!/bin/bash\nprintf "<%s>\\n" "$@"\n');
    chmodSync(echo, 0o755);
    const files = { job: join(scratch, "it's a job.json"), outcome: join(scratch, 'out $HOME `x`.json') };
    const script = batchScript([echo, '--flag'], files, '3', 2);
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toContain('attempt 2');
    const scriptPath = join(scratch, 'job.sh');
    writeFileSync(scriptPath, script);
    const run = spawnSync('bash', [scriptPath], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`<--flag>\n<evaluate-job>\n<${files.job}>\n<${files.outcome}>\n`);
  });
});
