import { defineCommand } from '../command.js';

const evaluateJobHelp = `
Reads an evaluation job (JSON, as the coordinator writes it), runs it on this machine in the
sandbox configured in the job, and writes the outcome (JSON) to OUTCOME, atomically.
The Slurm executor (cluster.executor: slurm) submits one batch job per evaluation that runs
this command; compute nodes need the coordinator's paths (node, the asi-evolve package, the
experiment and work folders) on a shared filesystem.

Exit status: 0 when an outcome was written, even that of a failed evaluation; 2 when the job
file is unreadable or invalid; 1 when the outcome could not be written.
`;

/** Left out of the main help: the Slurm executor's jobs run it, people rarely do. */
export const command = defineCommand<[job: string, outcome: string]>({
  name: 'evaluate-job',
  hidden: true,
  description: 'run one evaluation job on this machine and write its outcome (what Slurm jobs run)',
  helpAfter: evaluateJobHelp,
  arguments: [
    { name: '<job>', description: 'the evaluation job (JSON file)' },
    { name: '<outcome>', description: 'where to write the outcome (JSON file)' },
  ],
  load: async () => {
    const { evaluateJobCommand } = await import('../actions/evaluate-job.js');
    return ([job, outcome], _options, io) => evaluateJobCommand(job, outcome, io.write);
  },
});
