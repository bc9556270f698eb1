import { isAbsolute, resolve } from 'node:path';
import type { Config } from '../config/index.js';
import { parseSize } from './limits.js';
import type { ResourceLimits, SandboxSettings } from './outcome.js';
import type { EvaluationStage } from './stages.js';

type EvaluatorSection = Config['evaluator'];

/**
 * The resource limits of `evaluator.sandbox` (`memory`, `cpu_seconds`, `file_size`,
 * `max_processes`; null = not limited).
 *
 * @example
 * limitsFromConfig(config.evaluator.sandbox); // { memoryBytes: 4294967296, fileSizeBytes: 1073741824, maxProcesses: 512 }
 */
export function limitsFromConfig(sandbox: EvaluatorSection['sandbox']): ResourceLimits {
  const limits: ResourceLimits = {};
  if (sandbox.memory !== null) limits.memoryBytes = parseSize(sandbox.memory);
  if (sandbox.cpu_seconds !== null) limits.cpuSeconds = sandbox.cpu_seconds;
  if (sandbox.file_size !== null) limits.fileSizeBytes = parseSize(sandbox.file_size);
  if (sandbox.max_processes !== null) limits.maxProcesses = sandbox.max_processes;
  return limits;
}

/** The job's sandbox settings from `evaluator.sandbox`; `read_paths` are relative to the experiment folder. */
export function sandboxSettingsFromConfig(
  sandbox: EvaluatorSection['sandbox'],
  experimentDir: string,
): SandboxSettings {
  return {
    mode: sandbox.mode,
    network: sandbox.network,
    readPaths: sandbox.read_paths.map((path) => (isAbsolute(path) ? path : resolve(experimentDir, path))),
  };
}

/**
 * The evaluation stages: `evaluator.stages` when set, else one stage named `evaluate` running
 * `command` (the experiment's eval.sh or `evaluator.command`) with no threshold.
 * A stage without `timeout` gets `timeoutMs`.
 */
export function stagesFromConfig(evaluator: EvaluatorSection, command: string, timeoutMs: number): EvaluationStage[] {
  if (evaluator.stages.length === 0) return [{ name: 'evaluate', command, timeoutMs, threshold: null }];
  return evaluator.stages.map((stage) => ({
    name: stage.name,
    command: stage.command,
    timeoutMs: stage.timeout === undefined ? timeoutMs : stage.timeout * 1000,
    threshold: stage.threshold,
  }));
}
