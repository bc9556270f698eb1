import { defineCommand } from '../command.js';
import { configFileOption, experimentDirArgument, integerOption, numberOption } from '../options.js';

type ConfigOptions = { config?: string };
const actions = (): Promise<typeof import('../actions/cognition.js')> => import('../actions/cognition.js');

const add = defineCommand<
  [dir: string],
  ConfigOptions & { content: string; title?: string; source?: string; tags?: string; force?: boolean }
>({
  name: 'add',
  description: 'add one item',
  arguments: [experimentDirArgument],
  options: [
    { flags: '--content <text>', description: 'the knowledge itself', required: true },
    { flags: '--title <text>', description: 'a short title (default: the first words of the content)' },
    { flags: '--source <text>', description: 'where it comes from', default: 'cli' },
    { flags: '--tags <list>', description: 'comma-separated tags' },
    { flags: '--force', description: 'add it even when it duplicates a stored item' },
    configFileOption,
  ],
  load: async () => {
    const { addCommand } = await actions();
    return ([dir], options, io) => addCommand(dir, options, io.write);
  },
});

const importItems = defineCommand<[dir: string, files: string[]], ConfigOptions>({
  name: 'import',
  description: 'import items from files (Markdown: one item per heading or list entry)',
  arguments: [
    experimentDirArgument,
    {
      name: '<files...>',
      description:
        'YAML, JSON, JSONL or Markdown files, or folders of them; or a reference init_cognition.py (read, never run)',
    },
  ],
  options: [configFileOption],
  load: async () => {
    const { importCommand } = await actions();
    return ([dir, files], options, io) => importCommand(dir, files, options, io.write);
  },
});

const ingest = defineCommand<[dir: string], ConfigOptions & { papers: string[] }>({
  name: 'ingest',
  description: 'have an LLM extract heuristics, pitfalls and principles from papers (resumes where it stopped)',
  arguments: [experimentDirArgument],
  options: [
    { flags: '--papers <paths...>', description: 'PDF, text or Markdown papers, or folders of them', required: true },
    configFileOption,
  ],
  load: async () => {
    const { ingestCommand } = await actions();
    return ([dir], options, io) => ingestCommand(dir, options, io.write);
  },
});

const search = defineCommand<[dir: string, query: string], ConfigOptions & { topK?: number; threshold?: number }>({
  name: 'search',
  description: 'the items closest to a text, with their similarity',
  arguments: [experimentDirArgument, { name: '<query>', description: 'text to search for' }],
  options: [
    { flags: '--top-k <n>', description: 'items to show', parse: integerOption('--top-k', 1) },
    { flags: '--threshold <x>', description: 'least similarity shown', parse: numberOption('--threshold') },
    configFileOption,
  ],
  load: async () => {
    const { searchCommand } = await actions();
    return ([dir, query], options, io) => searchCommand(dir, query, options, io.write);
  },
});

const list = defineCommand<[dir: string], ConfigOptions & { source?: string }>({
  name: 'list',
  description: 'every item, one line each',
  arguments: [experimentDirArgument],
  options: [
    {
      flags: '--source <text>',
      description: 'only items whose source contains this text (e.g. run: for items found by runs)',
    },
    configFileOption,
  ],
  load: async () => {
    const { listCommand } = await actions();
    return ([dir], options, io) => listCommand(dir, options, io.write);
  },
});

const show = defineCommand<[dir: string, id: string], ConfigOptions>({
  name: 'show',
  description: 'one item in full, and the nodes that were shown it',
  arguments: [experimentDirArgument, { name: '<id>', description: 'item id' }],
  options: [configFileOption],
  load: async () => {
    const { showCommand } = await actions();
    return ([dir, id], options, io) => showCommand(dir, id, options, io.write);
  },
});

const remove = defineCommand<[dir: string, ids: string[]], ConfigOptions>({
  name: 'remove',
  description: 'remove items and their vectors',
  arguments: [experimentDirArgument, { name: '<ids...>', description: 'item ids' }],
  options: [configFileOption],
  load: async () => {
    const { removeCommand } = await actions();
    return ([dir, ids], options, io) => removeCommand(dir, ids, options, io.write);
  },
});

/** `asi-evolve cognition add|import|ingest|search|list|show|remove DIR …` */
export const command = defineCommand({
  name: 'cognition',
  description: 'the cognition base: add, import, ingest papers, search, list, show, remove',
  subcommands: [add, importItems, ingest, search, list, show, remove],
});
