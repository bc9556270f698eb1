import { isAbsolute, join, relative, sep } from 'node:path';
import type { EvaluationJob } from '../../evaluation/index.js';

/** The sbatch settings of every evaluation (the `cluster.slurm` config section, in camelCase). */
export interface SlurmJobSettings {
  partition?: string | null;
  account?: string | null;
  qos?: string | null;
  /** Generic resources per evaluation, e.g. `gpu:1`. */
  gres?: string | null;
  cpusPerTask?: number;
  /** As sbatch takes it, e.g. `16G`. */
  mem?: string | null;
  /** Minutes; null = {@link defaultTimeLimitMinutes}. */
  timeLimitMinutes?: number | null;
  /** Passed to sbatch as given, after the others. */
  extraArgs?: readonly string[];
}

/** The files of one submission, all in the work folder. */
export interface SubmissionFiles {
  /** `asi-evolve-<label>`, as squeue shows it. */
  jobName: string;
  job: string;
  script: string;
  outcome: string;
  stdout: string;
  stderr: string;
}

/**
 * The evaluation's own timeout plus its kill grace, in whole minutes, plus one: Slurm's limit
 * only catches an evaluation whose own timeout did not end it.
 */
export function defaultTimeLimitMinutes(job: Pick<EvaluationJob, 'timeoutMs' | 'killGraceMs'>): number {
  return Math.ceil((job.timeoutMs + job.killGraceMs) / 60_000) + 1;
}

/**
 * A short name for the step a job evaluates, for file and job names: `steps/step_3` → `3`,
 * `steps/step_3-reproduce-1` → `3-reproduce-1`; a folder elsewhere → its own name.
 */
export function stepLabel(job: Pick<EvaluationJob, 'stepDir' | 'experimentDir'>): string {
  const inSteps = relative(join(job.experimentDir, 'steps'), job.stepDir);
  const path =
    inSteps === '' || inSteps.startsWith('..') || isAbsolute(inSteps) ? (job.stepDir.split(sep).pop() ?? '') : inSteps;
  const label = path
    .split(sep)
    .map((part) => part.replace(/^step_/, ''))
    .join('-')
    .replace(/[^A-Za-z0-9._-]/g, '_');
  return label === '' ? 'job' : label;
}

/** `job-<label>-<attempt>.*` in `workDir`. */
export function submissionFiles(workDir: string, label: string, attempt: number): SubmissionFiles {
  const base = join(workDir, `job-${label}-${attempt}`);
  return {
    jobName: `asi-evolve-${label}`,
    job: `${base}.json`,
    script: `${base}.sh`,
    outcome: `${base}.outcome.json`,
    stdout: `${base}.out`,
    stderr: `${base}.err`,
  };
}

/** The highest attempt number among `job-<label>-<n>.json` names, 0 when none. */
export function highestAttempt(fileNames: readonly string[], label: string): number {
  const prefix = `job-${label}-`;
  let highest = 0;
  for (const name of fileNames) {
    if (!name.startsWith(prefix) || !name.endsWith('.json') || name.endsWith('.outcome.json')) continue;
    const attempt = Number(name.slice(prefix.length, -'.json'.length));
    if (Number.isInteger(attempt) && attempt > highest) highest = attempt;
  }
  return highest;
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The batch script: it runs `asi-evolve evaluate-job` with `runner` (the coordinator's node and
 * bin/asi-evolve.js, by absolute path), so compute nodes need the same paths, as on any Slurm
 * cluster with a shared filesystem.
 */
export function batchScript(
  runner: readonly string[],
  files: Pick<SubmissionFiles, 'job' | 'outcome'>,
  label: string,
  attempt: number,
): string {
  const command = [...runner, 'evaluate-job', files.job, files.outcome].map(shellQuote).join(' ');
  return [
    '#!/bin/bash',
    `# asi-evolve evaluation of step ${label}, attempt ${attempt}. Written by the coordinator, which watches the job.`,
    // exec: Slurm's SIGTERM (scancel, time limit) reaches evaluate-job, which then ends the evaluation's process group.
    `exec ${command}`,
    '',
  ].join('\n');
}

/**
 * The environment sbatch runs with, which `--export=ALL` hands to the job: the coordinator's
 * PATH, locale and user names, and Slurm's own variables (SLURM_CONF, SBATCH_ACCOUNT…), nothing
 * else, so no secret reaches a compute node. (`--export=NONE` would also keep them out, but
 * makes slurmd run a login shell per job to build one.) The evaluation itself gets exactly the
 * job's `env`.
 */
export function submissionEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && /^(PATH|HOME|USER|LOGNAME|LANG|LC_[A-Z]+|TZ|SLURM_.+|SBATCH_.+)$/.test(name))
      kept[name] = value;
  }
  return kept;
}

/** The sbatch arguments for one submission; run sbatch with {@link submissionEnvironment}. */
export function sbatchArguments(
  settings: SlurmJobSettings,
  job: Pick<EvaluationJob, 'stepDir' | 'timeoutMs' | 'killGraceMs'>,
  files: SubmissionFiles,
): string[] {
  const optional = (flag: string, value: string | null | undefined): string[] =>
    value === null || value === undefined ? [] : [`--${flag}=${value}`];
  return [
    '--parsable',
    `--job-name=${files.jobName}`,
    `--output=${files.stdout}`,
    `--error=${files.stderr}`,
    `--chdir=${job.stepDir}`,
    '--export=ALL',
    '--nodes=1',
    '--ntasks=1',
    `--cpus-per-task=${settings.cpusPerTask ?? 1}`,
    `--time=${settings.timeLimitMinutes ?? defaultTimeLimitMinutes(job)}`,
    ...optional('partition', settings.partition),
    ...optional('account', settings.account),
    ...optional('qos', settings.qos),
    ...optional('gres', settings.gres),
    ...optional('mem', settings.mem),
    ...(settings.extraArgs ?? []),
    files.script,
  ];
}

/** The job id sbatch --parsable printed (`123` or `123;cluster`), or null. */
export function parseJobId(stdout: string): string | null {
  const match = /^\s*(\d+)(?:;\S*)?\s*$/.exec(stdout);
  return match ? match[1]! : null;
}
