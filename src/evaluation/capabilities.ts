import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { DropUser } from './bubblewrap.js';
import { probeIsolation, probeIsolationInBackground } from './probe.js';

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
  /** `bwrap` (bubblewrap), `unshare` and `setpriv` (util-linux), or null where missing. */
  bwrapPath: string | null;
  unsharePath: string | null;
  setprivPath: string | null;
  /** True when this process runs as root. */
  asRoot: boolean;
  /** True when {@link bubblewrapOffVariable} is set to 1: the fallback is used although bubblewrap may work. */
  bubblewrapForcedOff: boolean;
  /** The isolating modes whose probe ran successfully on this machine. */
  isolation: { bubblewrap: boolean; unshare: boolean };
  /**
   * Root only: the user candidates run as under the strongest isolating mode, so that the kernel enforces the
   * process limit (RLIMIT_NPROC never applies to root); null where that is not possible.
   */
  dropUser: DropUser | null;
  /** Without a user switch, RLIMIT_NPROC is ignored for root. */
  processLimitEnforced: boolean;
  /** A namespace sandbox is available, so a candidate calling `setsid` is still contained. */
  containsSessionEscape: boolean;
  /** A network namespace is available, so candidates can be cut off the network. */
  networkIsolation: boolean;
  /** One sentence per protection missing in the strongest mode available (`auto`). */
  notes: string[];
}

/** The unprivileged user and group (`nobody`/`nogroup` on Debian) candidates run as under root. */
export const unprivilegedUser: DropUser = { uid: 65534, gid: 65534 };

/** Set to 1, the fallback sandbox is used even where bubblewrap works (CI runs the hostile tests both ways). */
export const bubblewrapOffVariable = 'ASI_EVOLVE_NO_BUBBLEWRAP';

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

export interface DetectOptions {
  /** Where to look for the tools; default: this process's PATH and the standard folders. */
  directories?: readonly string[];
  /** Run the isolation probes (a few milliseconds each); default true. */
  probe?: boolean;
  /** Where {@link bubblewrapOffVariable} is read; default: this process's environment. */
  env?: Readonly<Record<string, string | undefined>>;
}

function missingNotes(capabilities: Omit<SandboxCapabilities, 'notes'>): string[] {
  const notes: string[] = [];
  if (capabilities.bashPath === null) notes.push('bash was not found: evaluations cannot run.');
  if (capabilities.prlimitPath === null) {
    notes.push('prlimit (util-linux) was not found: memory, CPU-time, file-size and process limits are not applied.');
  } else if (
    !capabilities.isolation.bubblewrap &&
    !capabilities.isolation.unshare &&
    !capabilities.processLimitEnforced
  ) {
    notes.push('Running as root: the kernel does not enforce the process-count limit.');
  } else if (capabilities.containsSessionEscape && capabilities.asRoot && capabilities.dropUser === null) {
    notes.push('Running as root without setpriv: the kernel does not enforce the process-count limit.');
  }
  if (!capabilities.isolation.bubblewrap) {
    const why = capabilities.bubblewrapForcedOff
      ? `bubblewrap is forced off (${bubblewrapOffVariable}=1)`
      : capabilities.bwrapPath === null
        ? 'bubblewrap was not found'
        : 'bubblewrap does not work here (user namespaces restricted?)';
    notes.push(
      capabilities.isolation.unshare && capabilities.setprivPath !== null
        ? `${why}: the fallback sandbox (unshare) makes every folder read-only but the step folder and hides the experiment's config, database, best/ and other steps; candidates can read the rest of the machine (apt-get install bubblewrap).`
        : `${why}, and no fallback works here: candidates are not contained and can read and write what this user can, the database included. Install bubblewrap: apt-get install bubblewrap`,
    );
  }
  if (!capabilities.containsSessionEscape) {
    notes.push(
      'A candidate can leave its process group with setsid; only cgroups or a namespace sandbox contain that.',
    );
    notes.push('Candidates have network access.');
  }
  return notes;
}

/** Whether an isolating mode works here, and as which user candidates run under it. */
interface ModeProbe {
  works: boolean;
  dropUser: DropUser | null;
}

const notProbed: ModeProbe = { works: false, dropUser: null };

/** The tools found, and which isolating modes are worth probing. */
function findTools(options: DetectOptions) {
  const directories = options.directories ?? searchDirectories(process.env.PATH);
  const find = (name: string): string | null => findExecutable(name, directories);
  const prlimitPath = find('prlimit');
  const bashPath = find('bash');
  const bwrapPath = find('bwrap');
  const unsharePath = find('unshare');
  const setprivPath = find('setpriv');
  const asRoot = process.getuid?.() === 0;
  const probing = options.probe !== false && bashPath !== null && process.platform === 'linux';
  const bubblewrapForcedOff = (options.env ?? process.env)[bubblewrapOffVariable] === '1';
  return {
    found: { prlimitPath, bashPath, bwrapPath, unsharePath, setprivPath, asRoot, bubblewrapForcedOff },
    tools: { bashPath: bashPath ?? 'bash', bwrapPath, setprivPath, unsharePath },
    probeBubblewrap: probing && bwrapPath !== null && !bubblewrapForcedOff,
    probeUnshare: probing && unsharePath !== null,
    // Root hands candidates to an unprivileged user where setpriv exists, so that the kernel
    // enforces the process limit and root-owned files stay out of reach.
    tryDropUser: asRoot && setprivPath !== null,
  };
}

type FoundTools = ReturnType<typeof findTools>['found'];

function assemble(found: FoundTools, bubblewrapProbe: ModeProbe, unshareProbe: ModeProbe): SandboxCapabilities {
  const bubblewrap = bubblewrapProbe.works;
  const unshare = unshareProbe.works;
  const base = {
    processGroupKill: process.platform !== 'win32',
    resourceLimits: found.prlimitPath !== null,
    prlimitPath: found.prlimitPath,
    bashPath: found.bashPath,
    bwrapPath: found.bwrapPath,
    unsharePath: found.unsharePath,
    setprivPath: found.setprivPath,
    asRoot: found.asRoot,
    isolation: { bubblewrap, unshare },
    bubblewrapForcedOff: found.bubblewrapForcedOff,
    dropUser: bubblewrap ? bubblewrapProbe.dropUser : unshareProbe.dropUser,
    processLimitEnforced: !found.asRoot,
    containsSessionEscape: bubblewrap || unshare,
    networkIsolation: bubblewrap || unshare,
  };
  return { ...base, notes: missingNotes(base) };
}

/**
 * Detects the protections available: looks for `prlimit`, `bash`, `bwrap`, `unshare` and
 * `setpriv`, then runs a tiny evaluation under each isolating mode (the probe) to learn whether
 * the kernel allows it here (containers often restrict namespaces). Tests pass other folders,
 * or `probe: false`, to simulate another machine.
 */
export function detectSandboxCapabilities(options: DetectOptions = {}): SandboxCapabilities {
  const { found, tools, probeBubblewrap, probeUnshare, tryDropUser } = findTools(options);
  const probeMode = (mode: 'bubblewrap' | 'unshare'): ModeProbe => {
    if (tryDropUser && probeIsolation(mode, tools, unprivilegedUser))
      return { works: true, dropUser: unprivilegedUser };
    return { works: probeIsolation(mode, tools, null), dropUser: null };
  };
  return assemble(
    found,
    probeBubblewrap ? probeMode('bubblewrap') : notProbed,
    probeUnshare ? probeMode('unshare') : notProbed,
  );
}

/**
 * {@link detectSandboxCapabilities} without blocking this process: both modes are probed at
 * once, in processes that start while this one goes on.
 */
export async function detectSandboxCapabilitiesInBackground(options: DetectOptions = {}): Promise<SandboxCapabilities> {
  const { found, tools, probeBubblewrap, probeUnshare, tryDropUser } = findTools(options);
  const probeMode = async (mode: 'bubblewrap' | 'unshare'): Promise<ModeProbe> => {
    if (tryDropUser && (await probeIsolationInBackground(mode, tools, unprivilegedUser)))
      return { works: true, dropUser: unprivilegedUser };
    return { works: await probeIsolationInBackground(mode, tools, null), dropUser: null };
  };
  const [bubblewrapProbe, unshareProbe] = await Promise.all([
    probeBubblewrap ? probeMode('bubblewrap') : notProbed,
    probeUnshare ? probeMode('unshare') : notProbed,
  ]);
  return assemble(found, bubblewrapProbe, unshareProbe);
}

let cached: SandboxCapabilities | undefined;
let detecting: Promise<SandboxCapabilities> | undefined;

/**
 * The protections that `runSandboxed` can apply on this machine (detected once per process;
 * the first call runs the probes, a few milliseconds, unless {@link loadSandboxCapabilities} ran them).
 *
 * @example
 * if (!sandboxCapabilities().isolation.bubblewrap) onWarning('no filesystem view: candidates can read the machine');
 */
export function sandboxCapabilities(): SandboxCapabilities {
  cached ??= detectSandboxCapabilities();
  return cached;
}

/**
 * The same as {@link sandboxCapabilities}, detected in the background: a run starts it first and
 * awaits it when it needs the answer, so the probes overlap the rest of its start-up.
 */
export function loadSandboxCapabilities(): Promise<SandboxCapabilities> {
  if (cached !== undefined) return Promise.resolve(cached);
  detecting ??= detectSandboxCapabilitiesInBackground().then((detected) => (cached ??= detected));
  return detecting;
}
