import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { attachCommand, defineCommand, type CommandDescriptor, type CommandIo } from './command.js';
import { completionScript } from './completion.js';
import { integerOption } from './options.js';

/** A program with `descriptors`, as main.ts builds it, whose output is collected. */
function program(descriptors: readonly CommandDescriptor[]): {
  run(args: string[]): Promise<void>;
  output: () => string;
} {
  let output = '';
  const io: CommandIo = { write: (text) => (output += text), verbose: false, commands: descriptors };
  const root = new Command('asi-evolve').exitOverride();
  for (const descriptor of descriptors) attachCommand(root, descriptor, io);
  return { run: async (args) => void (await root.parseAsync(args, { from: 'user' })), output: () => output };
}

describe('a command added as a descriptor (the recipe for a new command)', () => {
  it('parses its arguments and options, and loads its implementation only when it runs', async () => {
    const loaded: string[] = [];
    const greet = defineCommand<[name: string, times: number], { loud?: boolean; punctuation: string }>({
      name: 'greet',
      description: 'say hello',
      arguments: [
        { name: '<name>', description: 'who' },
        { name: '<times>', description: 'how often', parse: integerOption('times', 1) },
      ],
      options: [
        { flags: '--loud', description: 'shout' },
        { flags: '--punctuation <mark>', description: 'the end', default: '.' },
      ],
      load: async () => {
        loaded.push('greet');
        return ([name, times], options, io) => {
          const line = `hello ${name}${options.punctuation}`;
          io.write(`${(options.loud ? line.toUpperCase() : line).repeat(times)}\n`);
        };
      },
    });
    const other = defineCommand({
      name: 'other',
      description: 'never run here',
      load: async () => {
        loaded.push('other');
        return () => undefined;
      },
    });
    const cli = program([greet, other]);
    expect(loaded).toEqual([]);
    await cli.run(['greet', 'Ada', '2', '--loud', '--punctuation', '!']);
    expect(cli.output()).toBe('HELLO ADA!HELLO ADA!\n');
    expect(loaded).toEqual(['greet']);
  });

  it('groups subcommands under a command, and shell completion offers them without loading anything', async () => {
    let ran = '';
    const group = defineCommand({
      name: 'toy',
      description: 'a group',
      subcommands: [
        defineCommand<[item: string]>({
          name: 'add',
          description: 'add an item',
          arguments: [{ name: '<item>', description: 'the item' }],
          options: [{ flags: '--kind <kind>', description: 'its kind', completions: () => ['red', 'blue'] }],
          load:
            async () =>
            ([item]) =>
              void (ran = `add ${item}`),
        }),
      ],
    });
    const cli = program([group]);
    await cli.run(['toy', 'add', 'x']);
    expect(ran).toBe('add x');
    const script = completionScript('bash', [group]);
    expect(script).toContain("'toy') words='add --help'");
    expect(script).toContain("'toy add|--kind') COMPREPLY=($(compgen -W 'red blue' -- \"$cur\"))");
  });
});
