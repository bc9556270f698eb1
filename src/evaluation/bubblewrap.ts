import { lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

/** A user to run candidates as, so that the kernel enforces the process limit (it never does for root). */
export interface DropUser {
  uid: number;
  gid: number;
}

/** What the bubblewrap command line is built from. */
export interface BubblewrapOptions {
  bwrapPath: string;
  stepDir: string;
  experimentDir: string;
  network: boolean;
  /** Extra absolute paths made visible read-only. */
  readPaths: readonly string[];
  /** The evaluator's PATH: the installations its folders belong to are made visible read-only. */
  pathVariable: string | undefined;
  /** True when this process runs as root: namespaces without a user namespace, and `dropUser` applies. */
  asRoot: boolean;
  /** Root only: `setpriv` switches to this user inside the sandbox. */
  dropUser: DropUser | null;
  setprivPath: string | null;
  /** Device files passed through (GPUs); default: /dev/nvidia*, /dev/nvidia-caps and /dev/dri where present. */
  devices?: readonly string[];
}

/** Folders bound read-only (or recreated as the same symbolic link) when they exist. */
const systemPaths = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];

/**
 * Entries of the experiment folder a candidate never sees: the database (the recorded scores) and
 * the run's lock on it, the best snapshot, the report and the other steps (a candidate could copy
 * a better program or score), and files that may hold secrets (config.yaml may carry a literal
 * `api_key`, `.env` files).
 */
export function isHiddenExperimentEntry(name: string): boolean {
  return (
    /^config\.ya?ml$/i.test(name) ||
    name.startsWith('.env') ||
    name === '.git' ||
    name === 'steps' ||
    // The Slurm executor's job descriptions and outcomes: other candidates' programs and scores.
    name === '.slurm' ||
    name === '.cognition-index' ||
    /^best(\.|$)/.test(name) ||
    name === 'report.md' ||
    name === 'score-curve.svg' ||
    /\.(db|sqlite|sqlite3)(-wal|-shm|-journal|\.lock)?$/i.test(name)
  );
}

export function isUnder(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder === '/' ? '/' : `${folder}/`);
}

function realOrNull(path: string): string | null {
  try {
    return realpathSync.native(path);
  } catch {
    return null;
  }
}

/** A folder's names as last read, and the state of the folder they were read in. */
interface Listing {
  /** dev, inode, mtime and ctime (ms, with their fraction): any entry added, removed or renamed changes the mtime. */
  state: string;
  names: readonly string[];
}

const listings = new Map<string, Listing>();

/**
 * A listing is kept for reuse only when the folder had not changed for this long before it was
 * read: a change after the read then shows as a newer mtime even where timestamps are coarse.
 */
const settledListingMs = 1_000;

/**
 * The names in a folder, sorted, or null when it is not a folder that can be read. Each
 * evaluation asks for the same few folders (the experiment's, /): the names are read again only
 * when the folder's mtime (or ctime, inode) changed since, one stat instead of a listing.
 */
export function folderEntries(folder: string): readonly string[] | null {
  let stats;
  try {
    stats = statSync(folder);
  } catch {
    return null;
  }
  if (!stats.isDirectory()) return null;
  const state = `${stats.dev}:${stats.ino}:${stats.mtimeMs}:${stats.ctimeMs}`;
  const known = listings.get(folder);
  if (known?.state === state) return known.names;
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch {
    return null;
  }
  if (Date.now() - stats.mtimeMs > settledListingMs) listings.set(folder, { state, names });
  else listings.delete(folder);
  return names;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The installation a PATH folder belongs to, so that an interpreter finds its libraries:
 * `…/.pyenv/shims` → `…/.pyenv`; `<prefix>/bin` → `<prefix>` when the prefix has a `lib` folder
 * (virtualenvs, conda environments, nvm versions, /opt installs); anything else → the folder itself.
 */
export function installationRoot(folder: string): string {
  const name = basename(folder);
  if (name === 'shims') return dirname(folder);
  if ((name === 'bin' || name === 'sbin') && isDirectory(join(dirname(folder), 'lib'))) return dirname(folder);
  return folder;
}

/** Accumulates bwrap options, tracking which paths the sandbox already shows. */
class ViewBuilder {
  readonly args: string[] = [];
  /** Real folders bound (their whole subtree is visible). */
  private readonly bound: string[] = [];
  /** Folders created empty inside the sandbox (only the folder itself exists). */
  private readonly made = new Set<string>(['/']);

  visible(path: string): boolean {
    return this.bound.some((folder) => isUnder(path, folder));
  }

  private parents(path: string): void {
    const missing: string[] = [];
    for (
      let folder = dirname(path);
      folder !== '/' && !this.made.has(folder) && !this.visible(folder);
      folder = dirname(folder)
    ) {
      missing.unshift(folder);
    }
    for (const folder of missing) this.dir(folder);
  }

  dir(path: string): void {
    if (this.made.has(path) || this.visible(path)) return;
    this.parents(path);
    this.args.push('--perms', '0755', '--dir', path);
    this.made.add(path);
  }

  tmpfs(path: string, mode: string): void {
    this.parents(path);
    this.args.push('--perms', mode, '--tmpfs', path);
    this.made.add(path);
  }

  /** Binds `path` read-only (or read-write) at the same place, unless it is already visible. */
  bind(path: string, writable = false): void {
    if (!writable && this.visible(path)) return;
    this.parents(path);
    this.args.push(writable ? '--bind' : '--ro-bind', path, path);
    this.bound.push(path);
  }

  special(option: '--proc' | '--dev', path: string): void {
    this.args.push(option, path);
    this.made.add(path);
  }

  /** Binds a device file (or folder of them) with device access, which the other binds do not allow. */
  device(path: string): void {
    this.args.push('--dev-bind-try', path, path);
  }

  symlink(target: string, path: string): void {
    this.args.push('--symlink', target, path);
    this.made.add(path);
  }
}

let foundGpuDevices: readonly string[] | undefined;

/**
 * GPU device files of this machine: evaluations often train models, and need them. Listed once
 * per process: every evaluation asks, and device files do not come and go during a run.
 */
export function gpuDevices(): string[] {
  if (foundGpuDevices === undefined) {
    try {
      foundGpuDevices = readdirSync('/dev')
        .filter((name) => name.startsWith('nvidia') || name === 'dri')
        .sort()
        .map((name) => join('/dev', name));
    } catch {
      foundGpuDevices = [];
    }
  }
  return [...foundGpuDevices];
}

/** The system folders as they are on this machine: a bound folder, or a symbolic link's target. */
type SystemEntry = { path: string; link: string } | { path: string; link: null };

let systemEntriesSeen: { rootNames: readonly string[]; entries: readonly SystemEntry[] } | undefined;

/**
 * The {@link systemPaths} that exist, read again only when / changed ({@link folderEntries}):
 * replacing /lib64 by a link, or adding /lib32, changes /.
 */
function systemEntries(): readonly SystemEntry[] {
  const rootNames = folderEntries('/');
  if (rootNames !== null && systemEntriesSeen?.rootNames === rootNames) return systemEntriesSeen.entries;
  const entries: SystemEntry[] = [];
  for (const path of systemPaths) {
    let stats;
    try {
      stats = lstatSync(path);
      if (stats.isSymbolicLink()) entries.push({ path, link: readlinkSync(path) });
      else if (stats.isDirectory()) entries.push({ path, link: null });
    } catch {
      continue;
    }
  }
  systemEntriesSeen = rootNames === null ? undefined : { rootNames, entries };
  return entries;
}

function addSystem(view: ViewBuilder, devices: readonly string[]): void {
  for (const { path, link } of systemEntries()) {
    if (link !== null) view.symlink(link, path);
    else view.bind(path);
  }
  view.special('--proc', '/proc');
  view.special('--dev', '/dev');
  for (const device of devices) view.device(device);
  view.tmpfs('/tmp', '1777');
}

/**
 * What a candidate needs to read besides the system folders: the installations of the PATH
 * folders ({@link installationRoot}) and `readPaths`, as real paths, those that exist.
 */
export function installationPaths(pathVariable: string | undefined, readPaths: readonly string[]): string[] {
  const extra = readPaths.map((path) => realOrNull(resolve(path))).filter((path): path is string => path !== null);
  return [...pathInstallations(pathVariable ?? ''), ...extra];
}

/** The installations of each PATH value seen, resolved once: a run evaluates with one PATH, round after round. */
const installationsByPath = new Map<string, readonly string[]>();

function pathInstallations(pathVariable: string): readonly string[] {
  let roots = installationsByPath.get(pathVariable);
  if (roots === undefined) {
    roots = pathVariable
      .split(':')
      .filter((folder) => isAbsolute(folder))
      .map((folder) => realOrNull(folder))
      .filter((folder): folder is string => folder !== null && isDirectory(folder))
      .map(installationRoot);
    installationsByPath.set(pathVariable, roots);
  }
  return roots;
}

function addInstallations(view: ViewBuilder, pathVariable: string | undefined, readPaths: readonly string[]): void {
  // Shortest first: a folder bound before one inside it makes that one's mount needless (each
  // mount costs bubblewrap a read of the mount table, every evaluation).
  const paths = installationPaths(pathVariable, readPaths).sort((a, b) => a.length - b.length);
  for (const path of paths) view.bind(path);
}

/** The experiment's entries, read-only, less the hidden ones; `steps` is an empty folder. */
function addExperiment(view: ViewBuilder, experimentDir: string): void {
  if (view.visible(experimentDir)) return;
  const entries = folderEntries(experimentDir);
  if (entries === null) {
    if (isDirectory(experimentDir)) view.dir(experimentDir);
    return;
  }
  view.dir(experimentDir);
  for (const name of entries) {
    if (!isHiddenExperimentEntry(name)) view.bind(join(experimentDir, name));
  }
}

/**
 * The bubblewrap command prefix for one evaluation, up to and including the `--` before the
 * evaluator's command (and `setpriv … --` when a user is dropped to).
 *
 * What the candidate sees: /usr, /bin, /lib*, /etc read-only; a fresh /proc, a minimal /dev with
 * the GPU devices ({@link gpuDevices}) and an empty /tmp; the installations of the PATH folders (e.g. ~/.pyenv) and `readPaths`
 * read-only; the experiment folder's entries read-only, less config.yaml, .env*, databases,
 * `best*` and `steps` (see {@link isHiddenExperimentEntry}); its own step folder read-write.
 * Namespaces: PID (nothing outlives the sandbox, `setsid` included), IPC, UTS, and network
 * unless `network` is set. `--die-with-parent`: killing bwrap kills the whole sandbox.
 *
 * @example
 * const prefix = bubblewrapArguments({ bwrapPath: '/usr/bin/bwrap', stepDir, experimentDir, network: false,
 *   readPaths: [], pathVariable: env.PATH, asRoot: false, dropUser: null, setprivPath: null });
 * spawn(prefix[0], [...prefix.slice(1), 'bash', '-c', command]);
 */
export function bubblewrapArguments(options: BubblewrapOptions): string[] {
  const namespaces = options.asRoot
    ? [
        '--unshare-ipc',
        '--unshare-pid',
        '--unshare-uts',
        '--unshare-cgroup-try',
        ...(options.network ? [] : ['--unshare-net']),
      ]
    : ['--unshare-all', ...(options.network ? ['--share-net'] : [])];
  const view = new ViewBuilder();
  addSystem(view, options.devices ?? gpuDevices());
  addInstallations(view, options.pathVariable, options.readPaths);
  addExperiment(view, resolve(options.experimentDir));
  const stepDir = resolve(options.stepDir);
  view.bind(stepDir, true);
  const command = [options.bwrapPath, ...namespaces, '--die-with-parent', ...view.args, '--chdir', stepDir, '--'];
  if (options.asRoot && options.dropUser !== null && options.setprivPath !== null) {
    command.push(...dropUserArguments(options.setprivPath, options.dropUser));
  }
  return command;
}

/** `setpriv` switching to an unprivileged user with no capabilities, then `--`. */
export function dropUserArguments(setprivPath: string, user: DropUser): string[] {
  return [
    setprivPath,
    `--reuid=${user.uid}`,
    `--regid=${user.gid}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--bounding-set=-all',
    '--no-new-privs',
    '--',
  ];
}
