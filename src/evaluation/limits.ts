import { AsiEvolveError } from '../errors.js';
import type { ResourceLimits } from './outcome.js';

const gibibyte = 1024 ** 3;

/**
 * Limits applied when a caller has none of its own.
 *
 * - `memoryBytes` 4 GiB is an address-space limit (RLIMIT_AS) per process, not resident memory:
 *   runtimes that reserve large virtual ranges (CUDA, some JVMs) need it raised or unset.
 * - `fileSizeBytes` 1 GiB caps any one file a candidate writes (RLIMIT_FSIZE).
 * - `maxProcesses` 512 is RLIMIT_NPROC, which counts every process of the user, not only this
 *   evaluation's; the kernel does not enforce it for root (CAP_SYS_RESOURCE / CAP_SYS_ADMIN).
 * - CPU time is not limited by default: the wall-clock timeout bounds the run.
 */
export const defaultLimits: Readonly<ResourceLimits> = Object.freeze({
  memoryBytes: 4 * gibibyte,
  fileSizeBytes: gibibyte,
  maxProcesses: 512,
});

const unitFactors: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: gibibyte,
  gib: gibibyte,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
};

/**
 * Parses a size such as `4GiB`, `512M`, `1.5 GB` or `1048576` into bytes.
 * `KiB`/`MiB`/`GiB` and the bare `K`/`M`/`G` (as in `ulimit` and Docker) are powers of 1024;
 * `KB`/`MB`/`GB` are powers of 1000.
 *
 * @example
 * parseSize('4GiB'); // 4294967296
 */
export function parseSize(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return Math.floor(value);
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
    const factor = match?.[2] === undefined ? undefined : unitFactors[match[2].toLowerCase()];
    if (match?.[1] !== undefined && factor !== undefined) return Math.floor(Number(match[1]) * factor);
  }
  throw new AsiEvolveError(
    'CONFIG_INVALID',
    `Expected a size like "4GiB", "512M" or a number of bytes, got ${JSON.stringify(value)}`,
  );
}

/** Bytes for people: `4 GiB`, `300 MiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && Number.isInteger(value / 1024)) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0 && bytes >= 1024) {
    // Not a whole number of KiB: show one decimal of the largest fitting unit.
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return `${value.toFixed(1)} ${units[unit]}`;
  }
  return `${value} ${units[unit]}`;
}

function checkLimit(name: keyof ResourceLimits, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < 1) {
    throw new AsiEvolveError('CONFIG_INVALID', `Expected limit \`${name}\` to be a positive number, got ${value}`, {
      key: name,
    });
  }
  return Math.floor(value);
}

/** True when at least one limit is set. */
export function hasLimits(limits: ResourceLimits): boolean {
  return Object.values(limits).some((value) => value !== undefined);
}

/**
 * The `prlimit` options for these limits, to be followed by `--` and the command; empty when
 * no limit is set. CPU time gets a hard limit one second above the soft one, so that the
 * process first receives SIGXCPU (recognisable) rather than SIGKILL. Core dumps are turned off
 * (`--core=0`) so that crashing candidates do not fill the disk.
 *
 * @example
 * prlimitArguments({ memoryBytes: 2 ** 30, cpuSeconds: 60 });
 * // ['--as=1073741824', '--cpu=60:61', '--core=0']
 */
export function prlimitArguments(limits: ResourceLimits): string[] {
  const memoryBytes = checkLimit('memoryBytes', limits.memoryBytes);
  const cpuSeconds = checkLimit('cpuSeconds', limits.cpuSeconds);
  const fileSizeBytes = checkLimit('fileSizeBytes', limits.fileSizeBytes);
  const maxProcesses = checkLimit('maxProcesses', limits.maxProcesses);
  const options: string[] = [];
  if (memoryBytes !== undefined) options.push(`--as=${memoryBytes}`);
  if (cpuSeconds !== undefined) options.push(`--cpu=${cpuSeconds}:${cpuSeconds + 1}`);
  if (fileSizeBytes !== undefined) options.push(`--fsize=${fileSizeBytes}`);
  if (maxProcesses !== undefined) options.push(`--nproc=${maxProcesses}`);
  if (options.length > 0) options.push('--core=0');
  return options;
}

/**
 * The same limits as {@link prlimitArguments}, as bash `ulimit` option and value pairs, for a
 * warm sandbox's gate to set in the evaluator's own shell (one program fewer to start per
 * evaluation); null when a size is not a whole number of KiB, the unit of `ulimit -v` and `-f`
 * (the sandbox then keeps prlimit). The CPU limit's hard value comes first: a soft value above
 * the hard one is refused.
 *
 * @example
 * ulimitArguments({ memoryBytes: 2 ** 30, cpuSeconds: 60 });
 * // ['-v', '1048576', '-t', '61', '-St', '60', '-c', '0']
 */
export function ulimitArguments(limits: ResourceLimits): string[] | null {
  const memoryBytes = checkLimit('memoryBytes', limits.memoryBytes);
  const cpuSeconds = checkLimit('cpuSeconds', limits.cpuSeconds);
  const fileSizeBytes = checkLimit('fileSizeBytes', limits.fileSizeBytes);
  const maxProcesses = checkLimit('maxProcesses', limits.maxProcesses);
  if ((memoryBytes ?? 0) % 1024 !== 0 || (fileSizeBytes ?? 0) % 1024 !== 0) return null;
  const pairs: string[] = [];
  if (memoryBytes !== undefined) pairs.push('-v', String(memoryBytes / 1024));
  if (cpuSeconds !== undefined) pairs.push('-t', String(cpuSeconds + 1), '-St', String(cpuSeconds));
  if (fileSizeBytes !== undefined) pairs.push('-f', String(fileSizeBytes / 1024));
  if (maxProcesses !== undefined) pairs.push('-u', String(maxProcesses));
  if (pairs.length > 0) pairs.push('-c', '0');
  return pairs;
}
