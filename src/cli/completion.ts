import type { CommandDescriptor, OptionSpec } from './command.js';

/** The shells `asi-evolve completion` writes a script for. */
export const completionShells = ['bash', 'zsh'] as const;
export type CompletionShell = (typeof completionShells)[number];

/** Options every command takes (commander adds --help; the program adds --verbose and --version). */
const globalOptions: readonly Flag[] = [
  { name: '--help', description: 'display help for command', takesValue: false, values: null },
  { name: '--verbose', description: 'show stacks and causes of errors', takesValue: false, values: null },
  { name: '--version', description: 'print the version', takesValue: false, values: null },
];

interface Flag {
  name: string;
  description: string;
  takesValue: boolean;
  /** What to offer for the value; null: file names. */
  values: readonly string[] | null;
}

/** One completion context: the top level (key ''), a command, or a group's subcommand (key 'group sub'). */
interface Context {
  key: string;
  /** Subcommands (a group) or commands (the top level), with their descriptions. */
  words: ReadonlyArray<{ name: string; description: string }>;
  flags: readonly Flag[];
  /** What to offer for positional arguments; null: file names. */
  positional: readonly string[] | null;
}

function flagsOf(spec: OptionSpec): Flag[] {
  const names = spec.flags.split(/[ ,|]+/).filter((token) => token.startsWith('--'));
  const takesValue = /[<[]/.test(spec.flags);
  return names.map((name) => ({
    name,
    description: spec.description,
    takesValue,
    values: spec.completions?.() ?? null,
  }));
}

function contextsOf(commands: readonly CommandDescriptor[]): Context[] {
  const visible = commands.filter((command) => !command.hidden);
  const contexts: Context[] = [
    {
      key: '',
      words: visible.map(({ name, description }) => ({ name, description })),
      flags: globalOptions,
      positional: null,
    },
  ];
  const add = (key: string, command: CommandDescriptor): void => {
    const subcommands = (command.subcommands ?? []).filter((sub) => !sub.hidden);
    contexts.push({
      key,
      words: subcommands.map(({ name, description }) => ({ name, description })),
      flags: [...(command.options ?? []).flatMap(flagsOf), globalOptions[0]!],
      positional: command.arguments?.[0]?.completions?.() ?? null,
    });
    for (const sub of subcommands) add(`${key} ${sub.name}`, sub);
  };
  for (const command of visible) add(command.name, command);
  return contexts;
}

/** Quotes text for a shell, in single quotes. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function groups(commands: readonly CommandDescriptor[]): string[] {
  return commands
    .filter((command) => !command.hidden && (command.subcommands?.length ?? 0) > 0)
    .map((command) => command.name);
}

/**
 * Scans the words before the cursor for the command and, under a group, its subcommand; both
 * shells share the logic (bash arrays from 0 with the program at 0, zsh's from 1).
 */
function scanLoop(shell: CompletionShell, groupNames: readonly string[]): string {
  const isGroup = groupNames.map((name) => `"$command" == ${quote(name)}`).join(' || ') || 'false';
  const [first, last, word] =
    shell === 'bash' ? ['1', 'COMP_CWORD', '"${COMP_WORDS[i]}"'] : ['2', 'CURRENT', '"${words[i]}"'];
  return [
    `  local command="" sub="" word i`,
    `  for ((i = ${first}; i < ${last}; i++)); do`,
    `    word=${word}`,
    `    [[ "$word" == -* ]] && continue`,
    `    if [[ -z "$command" ]]; then command="$word"`,
    `    elif [[ -z "$sub" ]] && [[ ${isGroup} ]]; then sub="$word"`,
    `    fi`,
    `  done`,
    `  local key="$command"`,
    `  [[ -n "$sub" ]] && key="$command $sub"`,
  ].join('\n');
}

/**
 * The `case "$key|$prev"` branches that complete an option's value: its fixed values where it
 * has some, file names for every other option that takes a value.
 */
function valueCompletions(
  contexts: readonly Context[],
  offer: (values: readonly string[]) => string,
  files: string,
): string[] {
  const branches: string[] = [];
  const others: string[] = [];
  for (const context of contexts) {
    for (const flag of context.flags) {
      if (!flag.takesValue) continue;
      const pattern = quote(`${context.key}|${flag.name}`);
      if (flag.values) branches.push(`    ${pattern}) ${offer(flag.values)}; return ;;`);
      else others.push(pattern);
    }
  }
  if (others.length > 0) branches.push(`    ${others.join(' | ')}) ${files}; return ;;`);
  return branches;
}

function bashScript(commands: readonly CommandDescriptor[]): string {
  const contexts = contextsOf(commands);
  const valueCases = valueCompletions(
    contexts,
    (values) => `COMPREPLY=($(compgen -W ${quote(values.join(' '))} -- "$cur"))`,
    'COMPREPLY=($(compgen -f -- "$cur"))',
  );
  const wordCases = contexts.map((context) => {
    const words = [...context.words.map((word) => word.name), ...context.flags.map((flag) => flag.name)].join(' ');
    const positional = context.positional ? quote(context.positional.join(' ')) : '""';
    return `    ${quote(context.key)}) words=${quote(words)}; subcommands=${context.words.length > 0 ? 1 : 0}; positional=${positional} ;;`;
  });
  return `# asi-evolve completion for bash. Load it in this shell with:
#   source <(asi-evolve completion bash)
# or for every shell: asi-evolve completion bash > ~/.local/share/bash-completion/completions/asi-evolve
_asi_evolve_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
${scanLoop('bash', groups(commands))}
  case "$key|$prev" in
${valueCases.join('\n')}
  esac
  local words="" subcommands=0 positional=""
  case "$key" in
${wordCases.join('\n')}
    *) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  if [[ "$cur" == -* || "$subcommands" == 1 ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  elif [[ -n "$positional" ]]; then
    COMPREPLY=($(compgen -W "$positional" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -o bashdefault -F _asi_evolve_complete asi-evolve
`;
}

/** A `name:description` entry of zsh's _describe (a colon in the name is escaped). */
function described(name: string, description: string): string {
  return quote(`${name.replaceAll(':', '\\:')}:${description}`);
}

function zshScript(commands: readonly CommandDescriptor[]): string {
  const contexts = contextsOf(commands);
  const valueCases = valueCompletions(contexts, (values) => `compadd -- ${values.map(quote).join(' ')}`, '_files');
  const wordCases = contexts.map((context) => {
    const entries = context.words.map((word) => described(word.name, word.description));
    const flags = context.flags.map((flag) => described(flag.name, flag.description));
    const positional = context.positional ? `compadd -- ${context.positional.map(quote).join(' ')}` : '_files';
    const body =
      context.words.length > 0
        ? `entries=(${entries.join(' ')}); _describe -t commands 'command' entries`
        : `if [[ "$cur" == -* ]]; then :; else ${positional}; fi`;
    return `    ${quote(context.key)}) flags=(${flags.join(' ')}); ${body} ;;`;
  });
  return `#compdef asi-evolve
# asi-evolve completion for zsh. Load it in this shell with:
#   source <(asi-evolve completion zsh)
# or for every shell: asi-evolve completion zsh > "\${fpath[1]}/_asi-evolve" (compinit must run in ~/.zshrc)
_asi_evolve() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}"
  local -a entries flags
${scanLoop('zsh', groups(commands))}
  case "$key|$prev" in
${valueCases.join('\n')}
  esac
  case "$key" in
${wordCases.join('\n')}
    *) _files; return ;;
  esac
  [[ "$cur" == -* ]] && _describe -t options 'option' flags
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _asi_evolve "$@"
else
  compdef _asi_evolve asi-evolve
fi
`;
}

/**
 * The shell completion script for `commands`: command names, subcommands, options, and the
 * values of options that have a fixed set (templates, export formats); file names elsewhere.
 */
export function completionScript(shell: CompletionShell, commands: readonly CommandDescriptor[]): string {
  return shell === 'bash' ? bashScript(commands) : zshScript(commands);
}
