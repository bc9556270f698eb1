import { bubblewrapArguments, type BubblewrapOptions } from './bubblewrap.js';

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
 * `unshare` (util-linux) in new PID, IPC, UTS and (unless `network`) network namespaces, with
 * its own /proc; `--kill-child` takes the namespace down when unshare dies. Without root it
 * maps the user to root in a new user namespace. The filesystem stays as it is.
 */
export function unshareArguments(unsharePath: string, options: { network: boolean; asRoot: boolean }): string[] {
  return [
    unsharePath,
    ...(options.asRoot ? [] : ['--user', '--map-root-user']),
    '--pid',
    '--fork',
    '--kill-child',
    '--mount-proc',
    '--ipc',
    '--uts',
    ...(options.network ? [] : ['--net']),
    '--',
  ];
}

/** The command prefix that puts an evaluation in `mode`, ending with `--`. */
export function isolationPrefix(mode: IsolationMode, context: IsolationContext, tools: IsolationTools): string[] {
  if (mode === 'unshare') {
    if (tools.unsharePath === null) throw new Error('unshare was not found');
    return unshareArguments(tools.unsharePath, context);
  }
  if (tools.bwrapPath === null) throw new Error('bwrap was not found');
  return bubblewrapArguments({ ...context, bwrapPath: tools.bwrapPath, setprivPath: tools.setprivPath });
}
