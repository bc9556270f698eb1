import { defineCommand } from '../command.js';
import {
  configFileOption,
  experimentArgument,
  experimentDirFrom,
  experimentOption,
  integerOption,
  numberOption,
} from '../options.js';
import type { RunCommandOptions } from '../actions/run.js';

export const command = defineCommand<[dir: string | undefined], RunCommandOptions & { experiment?: string }>({
  name: 'run',
  description: 'run (or resume) the evolution loop',
  arguments: [experimentArgument],
  options: [
    experimentOption,
    {
      flags: '--steps <n>',
      description: 'total rounds for the experiment (stored rounds count)',
      parse: integerOption('--steps', 0),
    },
    { flags: '--workers <k>', description: 'rounds run at once', parse: integerOption('--workers', 1) },
    { flags: '--sample-n <n>', description: 'context nodes sampled per round', parse: integerOption('--sample-n', 1) },
    configFileOption,
    { flags: '--eval-script <file>', description: 'evaluation script run with bash in each step folder' },
    { flags: '--seed <s>', description: 'random seed', parse: integerOption('--seed', 0) },
    {
      flags: '--budget-usd <usd>',
      description: 'stop cleanly before LLM spend would cross this many dollars',
      parse: numberOption('--budget-usd'),
    },
    {
      flags: '--budget-tokens <n>',
      description: 'stop cleanly before LLM tokens would cross this count',
      parse: integerOption('--budget-tokens', 1),
    },
    {
      flags: '--dry-run',
      description: 'estimate calls, tokens, cost and time of the run; call no model, change nothing',
    },
    {
      flags: '--json',
      description:
        'one JSON event a line (run-started, round-started, evaluating, llm-call, stored, notice, done) for other programs',
    },
    {
      flags: '--allow-failing-seed',
      description:
        'go on when the initial program fails its evaluation (pipeline.allow_failing_seed); by default the run stops there, before any LLM call',
    },
    {
      flags: '--builtin',
      description:
        'use the built-in no-model operator and rule-based analysis whatever models and roles the config names (no API key needed)',
    },
  ],
  load: async () => {
    const { runCommand } = await import('../actions/run.js');
    return ([dir], options, io) => runCommand(experimentDirFrom(dir, options.experiment), options, io.write);
  },
});
