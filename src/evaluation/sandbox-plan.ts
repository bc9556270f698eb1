import { AsiEvolveError } from '../errors.js';
import type { DropUser } from './bubblewrap.js';
import type { SandboxCapabilities } from './capabilities.js';
import { formatBytes } from './limits.js';
import type { ResourceLimits, SandboxSettings } from './outcome.js';

/** The containment one evaluation gets on this machine: the settings resolved against the capabilities. */
export interface SandboxPlan {
  mode: 'bubblewrap' | 'unshare' | 'none';
  /** True when the candidate can reach the network. */
  network: boolean;
  /** Root under an isolating mode: the unprivileged user the candidate runs as. */
  dropUser: DropUser | null;
}

/** The settings of a job that has none: a process group only, as before sandbox modes existed. */
export const processGroupOnly: SandboxSettings = Object.freeze({
  mode: 'none',
  network: true,
  readPaths: [],
}) as SandboxSettings;

/**
 * Resolves the settings against what this machine allows. `auto` takes bubblewrap, else
 * unshare, else none. A mode named explicitly that does not work here is a CONFIG_INVALID error
 * (key `evaluator.sandbox.mode`), so that a run never silently loses a protection it asked for.
 *
 * @example
 * const plan = planSandbox({ mode: 'auto', network: false, readPaths: [] }, sandboxCapabilities());
 */
export function planSandbox(settings: SandboxSettings | undefined, capabilities: SandboxCapabilities): SandboxPlan {
  const wanted = settings ?? processGroupOnly;
  const available = capabilities.isolation;
  let mode: SandboxPlan['mode'];
  if (wanted.mode === 'auto') mode = available.bubblewrap ? 'bubblewrap' : available.unshare ? 'unshare' : 'none';
  else mode = wanted.mode;
  if ((mode === 'bubblewrap' && !available.bubblewrap) || (mode === 'unshare' && !available.unshare)) {
    const tool = mode === 'bubblewrap' ? capabilities.bwrapPath : capabilities.unsharePath;
    throw new AsiEvolveError(
      'CONFIG_INVALID',
      `evaluator.sandbox.mode is '${mode}', but ${tool === null ? `${mode === 'bubblewrap' ? 'bwrap' : 'unshare'} was not found` : `${tool} does not work on this machine`}`,
      {
        key: 'evaluator.sandbox.mode',
        hint:
          mode === 'bubblewrap'
            ? 'Install bubblewrap (apt-get install bubblewrap), allow user namespaces, or set evaluator.sandbox.mode to auto.'
            : 'Set evaluator.sandbox.mode to auto, or run where namespaces are allowed.',
      },
    );
  }
  return {
    mode,
    network: mode === 'none' ? true : wanted.network,
    dropUser: mode === 'none' ? null : capabilities.dropUser,
  };
}

/** Why bubblewrap is not in use, in a few words. */
function bubblewrapReason(capabilities: SandboxCapabilities): string {
  if (capabilities.bubblewrapForcedOff) return 'bubblewrap forced off by ASI_EVOLVE_NO_BUBBLEWRAP=1';
  if (capabilities.bwrapPath === null) return 'bubblewrap not installed';
  return capabilities.isolation.bubblewrap ? 'bubblewrap not chosen' : 'bubblewrap does not work here';
}

function describeLimits(
  limits: ResourceLimits,
  capabilities: SandboxCapabilities,
  processLimitHolds: boolean,
): { active: string | null; missing: string[] } {
  const missing: string[] = [];
  if (capabilities.prlimitPath === null) {
    return { active: null, missing: ['resource limits (prlimit not found)'] };
  }
  const parts: string[] = [];
  if (limits.memoryBytes !== undefined) parts.push(`memory ${formatBytes(limits.memoryBytes)} per process`);
  if (limits.cpuSeconds !== undefined) parts.push(`CPU ${limits.cpuSeconds} s`);
  if (limits.fileSizeBytes !== undefined) parts.push(`file size ${formatBytes(limits.fileSizeBytes)}`);
  if (limits.maxProcesses !== undefined) {
    if (processLimitHolds) parts.push(`${limits.maxProcesses} processes`);
    else missing.push('the process-count limit (not enforced for root)');
  }
  return { active: parts.length > 0 ? `limits: ${parts.join(', ')}` : null, missing };
}

/**
 * One line for people, stating what protects the machine from candidates and what does not.
 *
 * @example
 * notices.push(describeSandbox(plan, capabilities, limits));
 * // "Sandbox: bubblewrap (PID/IPC namespaces: nothing outlives an evaluation, setsid included; no network; …). Not active: nothing."
 */
export function describeSandbox(plan: SandboxPlan, capabilities: SandboxCapabilities, limits: ResourceLimits): string {
  const active: string[] = [];
  const missing: string[] = [];
  if (plan.mode === 'bubblewrap') {
    active.push('own PID namespace (nothing outlives an evaluation, setsid included)');
    active.push(
      'filesystem view: system folders and the experiment read-only, without its config, database, best/ and other steps; only the step folder writable',
    );
    if (plan.dropUser !== null) active.push(`candidates run as uid ${plan.dropUser.uid}`);
  } else if (plan.mode === 'unshare') {
    active.push('own PID namespace (nothing outlives an evaluation, setsid included)');
    if (capabilities.setprivPath !== null) {
      active.push(
        "own mount namespace: every folder read-only but the step folder; the experiment's config, database, best/ and other steps hidden",
      );
      if (plan.dropUser !== null) active.push(`candidates run as uid ${plan.dropUser.uid}`);
      missing.push(
        `a filesystem view (${bubblewrapReason(capabilities)}: candidates can read the rest of the machine)`,
      );
    } else {
      missing.push(
        `a read-only filesystem (setpriv not found) and a filesystem view (${bubblewrapReason(capabilities)}): candidates can read and write what this user can`,
      );
    }
  } else {
    active.push('process-group kill at the time limit');
    missing.push('containment of setsid escapes');
    missing.push(
      `a filesystem view (${bubblewrapReason(capabilities)}: candidates can read and write what this user can, the database included; apt-get install bubblewrap)`,
    );
  }
  if (plan.network) missing.push('network isolation');
  else active.push('no network');
  const processLimitHolds = !capabilities.asRoot || plan.dropUser !== null;
  const limitText = describeLimits(limits, capabilities, processLimitHolds);
  if (limitText.active !== null) active.push(limitText.active);
  missing.push(...limitText.missing);
  active.push('allow-listed environment (no secrets)', 'output tails capped');
  return `Sandbox: ${plan.mode} (${active.join('; ')}). Not active: ${missing.length > 0 ? missing.join('; ') : 'nothing'}.`;
}
