import { Command } from 'commander';
import { bestCommand, diffCommand, lineageCommand, showCommand, statusCommand } from './commands/inspect.js';
import { exportCommand } from './commands/export.js';
import { registerCognitionCommands } from './commands/cognition.js';
import { dashboardCommand } from './commands/dashboard.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerEvaluateJobCommand } from './commands/evaluate-job.js';
import { reportCommand } from './commands/report.js';
import { initCommand, listTemplates } from './commands/init.js';
import { runCommand, type RunCommandOptions } from './commands/run.js';
import { registerWorkerCommand } from './commands/worker.js';
import { experimentDirFrom, integerOption, nodeIdArgument, numberOption } from './options.js';
import { reportError } from './report-error.js';

// A reader that goes away (`asi-evolve run DIR | head`) must not crash a command mid-round:
// the command goes on and its later output is dropped.
let stdoutOpen = true;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  stdoutOpen = false;
});

const write = (text: string): void => {
  if (stdoutOpen) process.stdout.write(text);
};

function buildProgram(): Command {
  const program = new Command('asi-evolve')
    .description('Closed-loop, LLM-driven research: learn, design, experiment, analyse.')
    .option('--verbose', 'show stacks and causes of errors')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('init')
    .argument('<dir>', 'folder to create')
    .option('--template <name>', `example to copy (${listTemplates().join(', ') || 'none found'})`, 'circle-packing')
    .option('--force', 'write into a non-empty folder')
    .description('scaffold an experiment folder: input.md, initial program, evaluator, config.yaml, cognition seed')
    .action((dir: string, options: { template: string; force?: boolean }) => {
      initCommand(dir, { template: options.template, force: options.force === true }, write);
    });

  program
    .command('run')
    .argument('[dir]', 'experiment folder')
    .option('--experiment <name>', 'experiment under ./experiments/ (as in the reference tool)')
    .option('--steps <n>', 'total rounds for the experiment (stored rounds count)', integerOption('--steps', 0))
    .option('--workers <k>', 'rounds run at once', integerOption('--workers', 1))
    .option('--sample-n <n>', 'context nodes sampled per round', integerOption('--sample-n', 1))
    .option('--config <file>', 'extra YAML config layered over the experiment config.yaml')
    .option('--eval-script <file>', 'evaluation script run with bash in each step folder')
    .option('--seed <s>', 'random seed', integerOption('--seed', 0))
    .option('--budget-usd <usd>', 'stop cleanly before LLM spend would cross this many dollars', numberOption('--budget-usd'))
    .option('--budget-tokens <n>', 'stop cleanly before LLM tokens would cross this count', integerOption('--budget-tokens', 1))
    .option('--dry-run', 'estimate calls, tokens, cost and time of the run; call no model, change nothing')
    .description('run (or resume) the evolution loop')
    .action(async (dir: string | undefined, options: RunCommandOptions & { experiment?: string }) => {
      await runCommand(experimentDirFrom(dir, options.experiment), options, write);
    });

  program
    .command('status')
    .argument('[dir]', 'experiment folder')
    .option('--experiment <name>')
    .option('--provenance', 'where the designs came from: cognition, experience or novel, overall and over the best 10 %')
    .description('rounds, scores, failures and spend so far')
    .action((dir: string | undefined, options: { experiment?: string; provenance?: boolean }) =>
      statusCommand(experimentDirFrom(dir, options.experiment), write, { provenance: options.provenance === true }),
    );

  program
    .command('best')
    .argument('[dir]', 'experiment folder')
    .option('--experiment <name>')
    .description("the best node's score and program path")
    .action((dir: string | undefined, options: { experiment?: string }) => bestCommand(experimentDirFrom(dir, options.experiment), write));

  program
    .command('show')
    .argument('<dir>', 'experiment folder')
    .argument('<node>', 'node id', nodeIdArgument)
    .option('--no-program', 'leave the program out')
    .description('everything stored about one node')
    .action((dir: string, id: number, options: { program: boolean }) => showCommand(dir, id, write, options));

  program
    .command('lineage')
    .argument('<dir>', 'experiment folder')
    .argument('<node>', 'node id', nodeIdArgument)
    .description('the node and its ancestors with scores and motivations')
    .action((dir: string, id: number) => lineageCommand(dir, id, write));

  program
    .command('diff')
    .argument('<dir>', 'experiment folder')
    .argument('<a>', 'node id', nodeIdArgument)
    .argument('<b>', 'node id', nodeIdArgument)
    .description("unified diff of two nodes' programs")
    .action((dir: string, first: number, second: number) => diffCommand(dir, first, second, write));

  program
    .command('export')
    .argument('<dir>', 'experiment folder')
    .option('--format <format>', 'jsonl or csv', 'jsonl')
    .option('--output <file>', 'write to a file instead of stdout')
    .description('all nodes as JSON lines or CSV')
    .action((dir: string, options: { format: string; output?: string }) => exportCommand(dir, options, write));

  program
    .command('report')
    .argument('<dir>', 'experiment folder')
    .option('--output <file>', 'the Markdown file (default: DIR/report.md); score-curve.svg goes beside it')
    .description('a Markdown report: best program, score curve image, top analyses, provenance, failures, spend')
    .action((dir: string, options: { output?: string }) => reportCommand(dir, options, write));

  program
    .command('dashboard')
    .argument('<dirs...>', 'experiment folders (several are compared side by side)')
    .option('--port <p>', 'port to listen on (0 picks a free one)', integerOption('--port', 0), 8765)
    .option('--host <h>', 'address to bind', '127.0.0.1')
    .option('--allow-remote', 'allow binding an address other machines can reach')
    .description('a local, read-only web dashboard that follows the runs live')
    .action(async (dirs: string[], options: { port: number; host: string; allowRemote?: boolean }) => {
      await dashboardCommand(dirs, options, write);
    });

  registerCognitionCommands(program, write);
  registerMcpCommand(program);
  registerWorkerCommand(program, write);
  registerEvaluateJobCommand(program, write);

  return program;
}

async function main(): Promise<void> {
  const program = buildProgram();
  const verbose = process.argv.includes('--verbose');
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // commander already printed its message (or the help).
      const exitCode = (error as { exitCode?: number }).exitCode ?? 2;
      process.exitCode = code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : exitCode === 0 ? 0 : 2;
      return;
    }
    reportError(error, { verbose, write: (text) => process.stderr.write(text) });
  }
}

await main();
