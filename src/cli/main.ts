import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { attachCommand, type CommandDescriptor, type CommandIo } from './command.js';
import { command as best } from './commands/best.js';
import { command as cognition } from './commands/cognition.js';
import { command as completion } from './commands/completion.js';
import { command as dashboard } from './commands/dashboard.js';
import { command as diff } from './commands/diff.js';
import { command as evaluateJob } from './commands/evaluate-job.js';
import { command as exportNodes } from './commands/export.js';
import { command as importFolder } from './commands/import.js';
import { command as init } from './commands/init.js';
import { command as lineage } from './commands/lineage.js';
import { command as mcp } from './commands/mcp.js';
import { command as report } from './commands/report.js';
import { command as run } from './commands/run.js';
import { command as schema } from './commands/schema.js';
import { command as show } from './commands/show.js';
import { command as status } from './commands/status.js';
import { command as worker } from './commands/worker.js';
import { reportError } from './report-error.js';

/**
 * Every command, in the order of the help. Each is a descriptor in commands/ that imports its
 * implementation only when it runs; adding a command is adding its file and a line here.
 */
const commands: readonly CommandDescriptor[] = [
  init,
  importFolder,
  run,
  status,
  best,
  show,
  lineage,
  diff,
  exportNodes,
  report,
  dashboard,
  cognition,
  mcp,
  worker,
  schema,
  completion,
  evaluateJob,
];

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

/** The package's version, from the package.json two folders up (from src/cli or dist/cli). */
function packageVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const version = (manifest as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}

function buildProgram(io: CommandIo): Command {
  const program = new Command('asi-evolve')
    .description('Closed-loop, LLM-driven research: learn, design, experiment, analyse.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--verbose', 'show stacks and causes of errors')
    .showHelpAfterError()
    .exitOverride();
  for (const descriptor of io.commands) attachCommand(program, descriptor, io);
  return program;
}

async function main(): Promise<void> {
  const verbose = process.argv.includes('--verbose');
  const program = buildProgram({ write, verbose, commands });
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // commander already printed its message (or the help).
      const exitCode = (error as { exitCode?: number }).exitCode ?? 2;
      process.exitCode =
        code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : exitCode === 0 ? 0 : 2;
      return;
    }
    reportError(error, { verbose, write: (text) => process.stderr.write(text) });
  }
}

await main();
