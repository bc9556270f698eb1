import { Argument, Command, Option } from 'commander';

/** Where a command writes what it prints for people (stdout, dropped once the reader has gone). */
export type Write = (text: string) => void;

/** What every command's action is handed besides its own arguments and options. */
export interface CommandIo {
  write: Write;
  /** `--verbose` was given. */
  verbose: boolean;
  /** Every registered command (what `completion` describes). */
  commands: readonly CommandDescriptor[];
}

/** A positional argument: `<name>` (required), `[name]` (optional), `<name...>` (one or more). */
export interface ArgumentSpec {
  name: string;
  description: string;
  parse?: (value: string) => unknown;
  /** Values shell completion offers (otherwise file names). */
  completions?: () => readonly string[];
}

/** An option as commander spells it (`--steps <n>`, `--no-program`, `--force`). */
export interface OptionSpec {
  flags: string;
  description: string;
  parse?: (value: string) => unknown;
  default?: unknown;
  required?: boolean;
  /** Values shell completion offers for the option's value (otherwise file names). */
  completions?: () => readonly string[];
}

/**
 * One command of the CLI, described without loading it: the help, the parser and shell completion
 * read the descriptor; only the command that runs imports its implementation (`load`), so a quick
 * command like `best` never loads the dashboard, the queue or an LLM SDK.
 */
export interface CommandDescriptor {
  name: string;
  description: string;
  /** Left out of the help (commands that other programs run, not people). */
  hidden?: boolean;
  /** More help printed after the options. */
  helpAfter?: string;
  arguments?: readonly ArgumentSpec[];
  options?: readonly OptionSpec[];
  /** For a group such as `cognition add|import|…`; a group has no action of its own. */
  subcommands?: readonly CommandDescriptor[];
  /** Imports the implementation; called only when this command runs. */
  load?: () => Promise<CommandAction>;
}

/** Runs a command with its parsed arguments (in declaration order) and options. */
export type CommandAction = (
  args: readonly unknown[],
  options: Readonly<Record<string, unknown>>,
  io: CommandIo,
) => Promise<void> | void;

/**
 * A descriptor whose action is typed by its arguments and options. Commander parses them from
 * the declared specs, so the one cast here stands for the parsing the descriptor declares.
 * @example
 * export const bestCommand = defineCommand<[dir: string | undefined], { experiment?: string }>({
 *   name: 'best', description: '…', arguments: [{ name: '[dir]', description: 'experiment folder' }],
 *   load: async () => { const { best } = await import('../actions/inspect.js'); return ([dir], options, io) => best(…); },
 * });
 */
export function defineCommand<
  Args extends readonly unknown[] = readonly [],
  Options extends object = Record<string, never>,
>(
  descriptor: Omit<CommandDescriptor, 'load'> & {
    load?: () => Promise<(args: Args, options: Options, io: CommandIo) => Promise<void> | void>;
  },
): CommandDescriptor {
  return descriptor as CommandDescriptor;
}

function toOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.parse) option.argParser(spec.parse);
  if (spec.default !== undefined) option.default(spec.default);
  if (spec.required) option.makeOptionMandatory();
  return option;
}

/** Adds `descriptor` (and its subcommands) to `parent`; `io` is handed to the action when it runs. */
export function attachCommand(parent: Command, descriptor: CommandDescriptor, io: CommandIo): Command {
  const command = parent
    .command(descriptor.name, descriptor.hidden ? { hidden: true } : {})
    .description(descriptor.description);
  for (const spec of descriptor.arguments ?? []) {
    const argument = new Argument(spec.name, spec.description);
    if (spec.parse) argument.argParser(spec.parse);
    command.addArgument(argument);
  }
  for (const spec of descriptor.options ?? []) command.addOption(toOption(spec));
  if (descriptor.helpAfter) command.addHelpText('after', descriptor.helpAfter);
  for (const sub of descriptor.subcommands ?? []) attachCommand(command, sub, io);
  const load = descriptor.load;
  if (load) {
    command.action(async (...received: unknown[]) => {
      // commander passes the arguments, then the options, then the Command itself.
      const args = received.slice(0, -2);
      const options = received[received.length - 2] as Record<string, unknown>;
      const action = await load();
      await action(args, options, io);
    });
  }
  return command;
}
