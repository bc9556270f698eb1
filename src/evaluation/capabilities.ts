import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What protects the machine from a candidate, as detected on this machine. */
export interface SandboxCapabilities {
  /** The evaluation runs in its own process group, killed as a whole (POSIX). */
  processGroupKill: boolean;
  /** Memory, CPU-time, file-size and process limits are applied (needs `prlimit`). */
  resourceLimits: boolean;
  /** Absolute path of `prlimit` (util-linux), or null when it was not found. */
  prlimitPath: string | null;
  /** Absolute path of `bash`, or null when it was not found (evaluations cannot run). */
  bashPath: string | null;
  /** RLIMIT_NPROC is ignored for root, so `maxProcesses` does nothing there. */
  processLimitEnforced: boolean;
  /** A candidate calling `setsid` leaves the group; only cgroups or namespaces contain that. */
  containsSessionEscape: false;
  /** No network isolation yet. */
  networkIsolation: false;
  /** One sentence per missing protection, for a caller to show. */
  notes: string[];
}

const standardDirectories = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The folders of a PATH value, then the standard system folders. */
export function searchDirectories(pathVariable: string | undefined): string[] {
  return [...(pathVariable ?? '').split(delimiter).filter((part) => part.length > 0), ...standardDirectories];
}

/** Finds an executable file by name in the first folder that has it. */
export function findExecutable(name: string, directories: readonly string[]): string | null {
  for (const directory of directories) {
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Detects the protections available, looking for `prlimit` and `bash` in `directories`
 * (default: this process's PATH and the standard folders). Tests pass other folders to
 * simulate a machine without prlimit.
 */
export function detectSandboxCapabilities(options: { directories?: readonly string[] } = {}): SandboxCapabilities {
  const directories = options.directories ?? searchDirectories(process.env.PATH);
  const find = (name: string): string | null => findExecutable(name, directories);
  const prlimitPath = find('prlimit');
  const bashPath = find('bash');
  const processGroupKill = process.platform !== 'win32';
  const processLimitEnforced = process.getuid?.() !== 0;
  const notes: string[] = [];
  if (bashPath === null) notes.push('bash was not found: evaluations cannot run.');
  if (prlimitPath === null) {
    notes.push('prlimit (util-linux) was not found: memory, CPU-time, file-size and process limits are not applied.');
  } else if (!processLimitEnforced) {
    notes.push('Running as root: the kernel does not enforce the process-count limit.');
  }
  notes.push('A candidate can leave its process group with setsid; only cgroups or a namespace sandbox contain that.');
  notes.push('Candidates have network access.');
  return {
    processGroupKill,
    resourceLimits: prlimitPath !== null,
    prlimitPath,
    bashPath,
    processLimitEnforced,
    containsSessionEscape: false,
    networkIsolation: false,
    notes,
  };
}

let cached: SandboxCapabilities | undefined;

/**
 * The protections that `runSandboxed` applies on this machine (detected once per process).
 *
 * @example
 * if (!sandboxCapabilities().resourceLimits) onWarning('no memory limit for candidates');
 */
export function sandboxCapabilities(): SandboxCapabilities {
  cached ??= detectSandboxCapabilities();
  return cached;
}
