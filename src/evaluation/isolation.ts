import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  bubblewrapArguments,
  type BubblewrapOptions,
  dropUserArguments,
  folderEntries,
  gpuDevices,
  installationPaths,
  isHiddenExperimentEntry,
  isUnder,
} from './bubblewrap.js';

/** The isolating modes: namespace sandboxes that contain `setsid` escapes and can cut the network. */
export type IsolationMode = 'bubblewrap' | 'unshare';

/** Where the tools an isolating mode needs were found. */
export interface IsolationTools {
  bashPath: string;
  bwrapPath: string | null;
  unsharePath: string | null;
  setprivPath: string | null;
}

/** What the prefix of one evaluation depends on: the bubblewrap options other than the tools found. */
export type IsolationContext = Omit<BubblewrapOptions, 'bwrapPath' | 'setprivPath' | 'devices'>;

/**
 * The first process of the unshare sandbox, with the capabilities of its namespaces. Options:
 * `-s STEP` the step folder; `-c FOLDER` covers a folder the candidate's user cannot pass with
 * an empty one, into which the following `-k PATH`s are mounted back; `-h PATH` hides an
 * experiment entry; `-d DEVICE` passes a device file through; then `--` and the command (the
 * setpriv that drops the capabilities, and the evaluator).
 *
 * In order: the covers; every mount read-only (but /proc, /sys and /dev; a mount that failed is
 * one covered by another, out of reach); a minimal /dev; the
 * hidden entries covered (an empty folder, /dev/null for a file); the step folder mounted back
 * writable, through a descriptor opened at the start (it may lie in a covered folder; `mount
 * --no-canonicalize` keeps mount from resolving the descriptor's link to the covered path).
 * `@{` stands for the shell's `${`, which a template literal would take. It runs in privileged
 * mode (`bash -p`): it reads no BASH_ENV, nor functions or SHELLOPTS from the environment, which
 * are the evaluator's shell's (a warm sandbox's gate among them).
 */
const unshareSetup = String.raw`
set -eu
umask 022
step=
covers=()
kept=()
hidden=()
devices=()
while [ "$1" != -- ]; do
  case "$1" in
    -s) step="$2" ;;
    -c) covers+=("$2") ;;
    -k) kept+=("@{#covers[@]}:$2") ;;
    -h) hidden+=("$2") ;;
    -d) devices+=("$2") ;;
  esac
  shift 2
done
shift
exec 9<"$step"
exec 8</dev
descriptors=()
for entry in "@{kept[@]}"; do exec {fd}<"@{entry#*:}"; descriptors+=("$fd"); done
for index in "@{!covers[@]}"; do
  mount -t tmpfs -o mode=0755,size=1m asi-view "@{covers[$index]}"
  for position in "@{!kept[@]}"; do
    entry="@{kept[$position]}"
    [ "@{entry%%:*}" = "$((index + 1))" ] || continue
    path="@{entry#*:}"
    if [ -d "/proc/self/fd/@{descriptors[$position]}/" ]; then mkdir -p "$path"; else mkdir -p "$(dirname "$path")"; : > "$path"; fi
    mount --no-canonicalize --rbind "/proc/self/fd/@{descriptors[$position]}" "$path"
  done
done
for fd in "@{descriptors[@]}"; do exec {fd}<&-; done
unchanged=()
while read -r _ _ _ _ point options _; do
  case "$point" in *\\*) point="$(printf '%b' "$point")" ;; esac
  case "$point" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;; esac
  case ",$options," in *,ro,*) continue ;; esac
  mount -o "remount,bind,ro,@{options#rw,}" "$point" 2>/dev/null || mount -o remount,bind,ro "$point" 2>/dev/null ||
    unchanged+=("$point")
done < /proc/self/mountinfo
# A mount left as it was may lie under a cover (mountinfo still lists it at its path): what
# counts is that its path is read-only once every mount is done, not that it was remounted.
for point in "@{unchanged[@]}"; do
  if [ -e "$point" ] && [ -w "$point" ]; then echo "asi-evolve: could not make $point read-only" >&2; exit 1; fi
done
mount -t tmpfs -o mode=0755,size=64k asi-dev /dev
for name in null zero full random urandom tty; do
  : > "/dev/$name"
  mount --no-canonicalize --bind "/proc/self/fd/8/$name" "/dev/$name"
done
for device in "@{devices[@]}"; do
  name="@{device#/dev/}"
  if [ -d "/proc/self/fd/8/$name/" ]; then mkdir -p "/dev/$name"; else mkdir -p "$(dirname "/dev/$name")"; : > "/dev/$name"; fi
  mount --no-canonicalize --bind "/proc/self/fd/8/$name" "/dev/$name"
done
exec 8<&-
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
mkdir /dev/shm
mount -t tmpfs -o mode=1777,size=64m asi-shm /dev/shm
mount -o remount,ro /dev
hiding=()
for entry in "@{hidden[@]}"; do
  # One renamed away meanwhile (best/ swapped) is tried again, and left once it is gone; one that
  # stays in sight is a failure.
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if [ -d "$entry" ]; then
      if mount -t tmpfs -o mode=0755,size=64k asi-hidden "$entry" 2>/dev/null; then hiding+=("$entry"); break; fi
    elif [ -e "$entry" ]; then
      mount --bind /dev/null "$entry" 2>/dev/null && break
    else
      break
    fi
    [ "$attempt" -lt 10 ] || { echo "asi-evolve: could not hide $entry" >&2; exit 1; }
  done
done
mkdir -p "$step"
mount --no-canonicalize --bind /proc/self/fd/9 "$step"
mount -o remount,bind,rw "$step"
exec 9<&-
# Best effort: one renamed away and removed since has taken its mount with it.
for entry in "@{hiding[@]}"; do mount -o remount,ro "$entry" 2>/dev/null || true; done
cd "$step"
exec "$@"
`.replaceAll('@{', '${');

/** The experiment's entries a candidate never sees (see {@link isHiddenExperimentEntry}). */
export function hiddenExperimentEntries(experimentDir: string): string[] {
  return experimentEntries(experimentDir).filter((path) =>
    isHiddenExperimentEntry(path.slice(experimentDir.length + 1)),
  );
}

function experimentEntries(experimentDir: string): string[] {
  return (folderEntries(experimentDir) ?? []).map((name) => join(experimentDir, name));
}

function othersMayPass(folder: string): boolean {
  try {
    return (statSync(folder).mode & 0o001) !== 0;
  } catch {
    return true;
  }
}

/** The highest folder above `path` that users other than its owner cannot pass, or null. */
function closedAncestor(path: string): string | null {
  const ancestors: string[] = [];
  for (let folder = dirname(path); folder !== dirname(folder); folder = dirname(folder)) ancestors.unshift(folder);
  return ancestors.find((folder) => !othersMayPass(folder)) ?? null;
}

/**
 * The folders to cover with an empty tmpfs, each with the paths to mount back inside it: those of
 * `needed` below it, outermost paths only (a path inside another comes with it). A folder is
 * covered when it is in `always` and holds a needed path, or, with `closedAncestors`, when it is
 * the highest folder above a needed path that users other than its owner cannot pass (a candidate
 * running as another user could not reach the path otherwise). Nested covers fold into the outer one.
 */
export function coversFor(
  needed: readonly string[],
  { always = [], closedAncestors = true }: { always?: readonly string[]; closedAncestors?: boolean } = {},
): Map<string, string[]> {
  const covers = new Map<string, string[]>();
  const distinct = [...new Set(needed)];
  const outer = distinct.filter((path) => !distinct.some((other) => other !== path && isUnder(path, other)));
  const candidates = new Set<string>();
  for (const path of outer) {
    const closed = closedAncestors ? closedAncestor(path) : null;
    if (closed !== null) candidates.add(closed);
    for (const folder of always) if (isUnder(path, folder) && path !== folder) candidates.add(folder);
  }
  const outermost = [...candidates].filter(
    (cover, _, all) => !all.some((other) => other !== cover && isUnder(cover, other)),
  );
  for (const path of outer) {
    const cover = outermost.find((folder) => isUnder(path, folder) && path !== folder);
    if (cover !== undefined) covers.set(cover, [...(covers.get(cover) ?? []), path]);
  }
  return covers;
}

/**
 * The most visible entries of an experiment folder that the unshare set-up mounts back under its
 * cover. It holds a descriptor open for each until all are mounted, and starts one `mount` for
 * each (about 1 ms): a folder with more (thousands of loose files) keeps its place in view, its
 * hidden entries mounted over by path, as long as nothing else covers it.
 */
const mostEntriesMountedBack = 256;

/** True for a file or folder (through a link): what the set-up script can open and mount back. */
function isMountable(path: string): boolean {
  try {
    const stats = statSync(path);
    return stats.isFile() || stats.isDirectory();
  } catch {
    return false;
  }
}

/**
 * `unshare` (util-linux) in new mount, PID, IPC, UTS and (unless `network`) network namespaces,
 * with its own /proc; `--kill-child` takes the namespace down when unshare dies. Without root
 * it maps the user to root in a new user namespace. Inside, {@link unshareSetup} makes the
 * filesystem read-only but the step folder, gives a minimal /dev, and covers the experiment
 * folder, mounting back only its visible entries and the step folder (its config, database,
 * best/ and other steps stay out of sight); then `setpriv` drops every capability and, as root,
 * switches to `dropUser`. Without setpriv: the namespaces only (the plan says so).
 */
export function unshareArguments(
  unsharePath: string,
  options: Pick<
    IsolationContext,
    'network' | 'asRoot' | 'stepDir' | 'experimentDir' | 'dropUser' | 'pathVariable' | 'readPaths'
  >,
  setprivPath: string | null,
  bashPath: string,
  devices: readonly string[] = gpuDevices(),
): string[] {
  const namespaces = [
    unsharePath,
    ...(options.asRoot ? [] : ['--user', '--map-root-user']),
    '--mount',
    '--propagation',
    'private',
    '--pid',
    '--fork',
    '--kill-child',
    '--mount-proc',
    '--ipc',
    '--uts',
    ...(options.network ? [] : ['--net']),
    '--',
  ];
  if (setprivPath === null) return namespaces;
  const dropUser = options.asRoot ? options.dropUser : null;
  // A change of user clears the parent-death signal that --kill-child set: set it again, so that
  // the namespace still ends with unshare.
  const drop = [
    ...(dropUser !== null
      ? dropUserArguments(setprivPath, dropUser)
      : [setprivPath, '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--']
    ).slice(0, -1),
    '--pdeathsig',
    'KILL',
    '--',
  ];
  const experimentDir = resolve(options.experimentDir);
  const stepDir = resolve(options.stepDir);
  const setup: string[] = ['-s', stepDir];
  // The experiment folder is covered and only its visible entries and the step folder are mounted
  // back, as bubblewrap shows it: its config, database, best/ and other steps stay out of sight
  // whatever is made or renamed there later (best/ is swapped by rename while warm sandboxes
  // wait), and the set-up never mounts over those entries by path, which raced that rename. A
  // FIFO or socket there is left out (opening it to mount it back could block).
  const visible = experimentEntries(experimentDir).filter(
    (path) => !isHiddenExperimentEntry(path.slice(experimentDir.length + 1)) && isMountable(path),
  );
  const needed = [
    stepDir,
    ...visible,
    ...(dropUser === null ? [] : installationPaths(options.pathVariable, options.readPaths)),
  ];
  const always = visible.length <= mostEntriesMountedBack ? [experimentDir] : [];
  const covers = coversFor(needed, { always, closedAncestors: dropUser !== null });
  for (const [cover, paths] of covers) setup.push('-c', cover, ...paths.flatMap((path) => ['-k', path]));
  // Hidden by path as well, for where the experiment folder is seen through a folder mounted back
  // whole (a read path above it); under its cover these entries are not there.
  for (const entry of hiddenExperimentEntries(experimentDir)) setup.push('-h', entry);
  for (const device of devices) setup.push('-d', device);
  return [...namespaces, bashPath, '-p', '-c', unshareSetup, 'asi-evolve-sandbox', ...setup, '--', ...drop];
}

/** The command prefix that puts an evaluation in `mode`: up to the evaluator's command. */
export function isolationPrefix(mode: IsolationMode, context: IsolationContext, tools: IsolationTools): string[] {
  if (mode === 'unshare') {
    if (tools.unsharePath === null) throw new Error('unshare was not found');
    return unshareArguments(tools.unsharePath, context, tools.setprivPath, tools.bashPath);
  }
  if (tools.bwrapPath === null) throw new Error('bwrap was not found');
  return bubblewrapArguments({ ...context, bwrapPath: tools.bwrapPath, setprivPath: tools.setprivPath });
}
