import { defineCommand } from '../command.js';
import { experimentDirArgument } from '../options.js';

export const command = defineCommand<[dir: string], { output?: string }>({
  name: 'report',
  description: 'a Markdown report: best program, score curve image, top analyses, provenance, failures, spend',
  arguments: [experimentDirArgument],
  options: [
    {
      flags: '--output <file>',
      description: 'the Markdown file (default: DIR/report.md); score-curve.svg goes beside it',
    },
  ],
  load: async () => {
    const { reportCommand } = await import('../actions/report.js');
    return ([dir], options, io) => reportCommand(dir, options, io.write);
  },
});
