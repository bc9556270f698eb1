import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { AsiEvolveError } from '../errors.js';
import { copyFolder, installAdaptor, writeConfig, writeScript } from './folder.js';
import { findPythonStringAssignments } from './python-literal.js';
import { ensembleConfig, pythonEvalScript, taskText } from './python-task.js';
import type { ReportBuilder } from './report.js';
import { chooseSourceConfig, SourceConfig } from './source-config.js';

/** A YAML file that looks like a ShinkaEvolve run config. */
function isShinkaConfig(path: string): boolean {
  return /^(evo_config|db_config)\s*:/m.test(readFileSync(path, 'utf8'));
}

/** The task description: evo_config.task_sys_msg, else a `…sys_msg = """…"""` string in the task's Python files. */
function findTaskDescription(source: string, config: SourceConfig): { text: string; from: string } | undefined {
  const configured = config.string('evo_config.task_sys_msg');
  if (configured !== undefined) return { text: configured, from: `${config.file}: evo_config.task_sys_msg` };
  for (const name of readdirSync(source)
    .filter((entry) => entry.endsWith('.py') && entry !== 'evaluate.py')
    .sort()) {
    const strings = findPythonStringAssignments(readFileSync(join(source, name), 'utf8'));
    for (const [variable, text] of strings) {
      if (/sys_msg|system_message|task_description/i.test(variable) && text.trim().length > 0)
        return { text, from: `${name}: ${variable}` };
    }
  }
  return undefined;
}

/** `time="HH:MM:SS"` of a LocalJobConfig in the task's launcher, as seconds. */
function findJobTime(source: string): { seconds: number; from: string } | undefined {
  for (const name of readdirSync(source)
    .filter((entry) => entry.endsWith('.py'))
    .sort()) {
    const match = /\btime\s*=\s*["'](\d+):(\d\d):(\d\d)["']/.exec(readFileSync(join(source, name), 'utf8'));
    if (match !== null)
      return { seconds: Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]), from: name };
  }
  return undefined;
}

/**
 * Turns a ShinkaEvolve task (evaluate.py with main(program_path, results_dir) writing
 * metrics.json and correct.json, initial.<ext>, a shinka*.yaml run config) into an experiment
 * folder. The evaluator runs unchanged through the shipped adaptor.
 */
export function importShinka(
  source: string,
  target: string,
  options: { configFile?: string },
  report: ReportBuilder,
): void {
  const chosen = chooseSourceConfig(
    source,
    options.configFile,
    (name) => /\.ya?ml$/i.test(name) && isShinkaConfig(join(source, name)),
    report,
  );
  const config = chosen ?? new SourceConfig({}, 'shinka.yaml');
  if (chosen === undefined)
    report.left(
      'run config',
      'no ShinkaEvolve YAML config (evo_config, db_config) found: the asi-evolve defaults apply',
    );

  if (!existsSync(join(source, 'evaluate.py'))) {
    throw new AsiEvolveError(
      'EXPERIMENT_MISSING_FILE',
      `no evaluate.py in ${source}: a ShinkaEvolve task needs its evaluator`,
      {
        file: join(source, 'evaluate.py'),
      },
    );
  }
  const configuredInitial = config.string('evo_config.init_program_path');
  const initialName = configuredInitial ?? readdirSync(source).find((name) => /^initial\.\w+$/.test(name));
  if (initialName === undefined || !existsSync(join(source, initialName))) {
    throw new AsiEvolveError(
      'EXPERIMENT_MISSING_FILE',
      `no initial program in ${source}: expected initial.py (or evo_config.init_program_path)`,
      {
        file: join(source, initialName ?? 'initial.py'),
      },
    );
  }

  // A config.yaml of the task would be overwritten by ours: it is kept under another name.
  const ownConfig = existsSync(join(source, 'config.yaml'));
  for (const path of copyFolder(source, target, new Set(ownConfig ? ['config.yaml'] : [])))
    report.left(path, 'a run output, not copied');
  if (ownConfig) {
    copyFileSync(join(source, 'config.yaml'), join(target, 'shinka-config.yaml'));
    report.left('config.yaml', 'kept as shinka-config.yaml; config.yaml is now the asi-evolve config');
  }
  installAdaptor(target);
  report.left(
    'evaluate.py',
    'it loads the candidate into its own process (as the source tool does), so a candidate can change what it reports; for untrusted candidates run the program through $ASI_SANDBOX_EXEC instead (docs/sandbox.md)',
  );
  const program = readFileSync(join(source, initialName), 'utf8');
  writeFileSync(join(target, 'initial_program'), program);
  report.mapped(initialName, 'initial_program');
  const programFile = `program${extname(initialName) || '.py'}`;
  config.explain(report, 'evo_config.language', `the program is written as ${programFile}`);

  const task = findTaskDescription(source, config);
  if (task === undefined)
    report.left(
      'task description',
      'none found (evo_config.task_sys_msg or a *sys_msg string): input.md holds a generic one; describe the task there',
    );
  else report.mapped(task.from, 'input.md');
  const evaluatorText =
    "`evaluate.py` (ShinkaEvolve's format: `main(program_path, results_dir)` writes metrics.json and correct.json)";
  writeFileSync(
    join(target, 'input.md'),
    taskText(
      task?.text ?? 'Improve the program so that evaluate.py gives it a higher combined_score.',
      evaluatorText,
      programFile,
      program.includes('EVOLVE-BLOCK-START'),
    ),
  );
  writeScript(join(target, 'eval.sh'), pythonEvalScript('shinka', 'evaluate.py', programFile));
  report.mapped(
    'evaluate.py main(program_path, results_dir)',
    'eval.sh (through asi_evolve_adaptor.py; metrics.json and correct.json → results.json)',
  );

  const evaluator: Record<string, unknown> = { program_file: programFile };
  const jobTime = findJobTime(source);
  if (jobTime !== undefined) {
    evaluator.timeout = jobTime.seconds;
    report.mapped(`${jobTime.from}: time`, `evaluator.timeout (${jobTime.seconds} s)`);
  }

  const out: Record<string, unknown> = { ...translateModels(config, report), evaluator };
  const pipeline: Record<string, unknown> = {};
  const patchTypes = config.get('evo_config.patch_types');
  const patchProbs = config.get('evo_config.patch_type_probs');
  if (Array.isArray(patchTypes)) {
    const probability = (type: string): number => {
      const index = patchTypes.indexOf(type);
      if (index === -1) return 0;
      return Array.isArray(patchProbs) && typeof patchProbs[index] === 'number' ? (patchProbs[index] as number) : 1;
    };
    const diff = probability('diff') >= probability('full') && probability('diff') > 0;
    pipeline.researcher = { diff_based_evolution: diff };
    report.mapped('evo_config.patch_types', `pipeline.researcher.diff_based_evolution: ${diff}`);
    report.left(
      `${config.file}: evo_config.patch_types`,
      `asi-evolve uses one mode per run (${diff ? 'diff, falling back to a full rewrite when a diff does not apply' : 'full rewrites'}), not a mix drawn by probability${patchTypes.includes('cross') ? '; LLM crossover (cross) has no equivalent' : ''}`,
    );
  }
  const threshold = config.number('evo_config.code_embed_sim_threshold');
  if (threshold !== undefined) {
    pipeline.novelty = { enabled: true, threshold: Math.min(1, Math.max(0, threshold)), compare: 'program' };
    report.mapped(
      'evo_config.code_embed_sim_threshold',
      'pipeline.novelty.threshold (compared on program text, not code embeddings)',
    );
  }
  const evaluations = config.number('max_evaluation_jobs');
  if (evaluations !== undefined) {
    pipeline.parallel = { num_workers: Math.max(1, Math.round(evaluations)) };
    report.mapped('max_evaluation_jobs', 'pipeline.parallel.num_workers (rounds run at once)');
  }
  if (Object.keys(pipeline).length > 0) out.pipeline = pipeline;

  const steps = config.number('evo_config.num_generations');
  if (steps !== undefined) {
    out.run = { steps: Math.round(steps) };
    report.mapped('evo_config.num_generations', 'run.steps');
  }
  const budget = config.number('evo_config.max_api_costs');
  if (budget !== undefined && budget > 0) {
    out.budget = { usd: budget };
    report.mapped('evo_config.max_api_costs', 'budget.usd');
  }
  out.database = translateIslands(config, report);

  config.explain(
    report,
    'evo_config.results_dir',
    'the run is stored in asi-evolve.db and steps/ of the experiment folder',
  );
  config.explain(
    report,
    'evo_config.job_type',
    'evaluations run on this machine; set cluster.executor for Slurm or a job queue',
  );
  config.explain(
    report,
    'evo_config.embedding_model',
    'the novelty check compares program text (pipeline.novelty); no code embedding model is used',
  );
  config.reportRest(report);

  writeConfig(target, `Imported from the ShinkaEvolve task ${source} by \`asi-evolve import\`: see IMPORT.md.`, out);
}

/** evo_config.llm_models and llm_kwargs → api, models and roles. */
function translateModels(config: SourceConfig, report: ReportBuilder): Record<string, unknown> {
  const listed = config.get('evo_config.llm_models');
  const names = Array.isArray(listed)
    ? listed.filter((name): name is string => typeof name === 'string' && name.trim() !== '')
    : [];
  const api: Record<string, unknown> = {};
  const temperatures = config.get('evo_config.llm_kwargs.temperatures');
  const temperature = Array.isArray(temperatures)
    ? temperatures.find((value): value is number => typeof value === 'number')
    : undefined;
  if (temperature !== undefined) {
    api.temperature = temperature;
    report.mapped('evo_config.llm_kwargs.temperatures', `api.temperature: ${temperature}`);
    if (Array.isArray(temperatures) && temperatures.length > 1)
      report.left(
        `${config.file}: evo_config.llm_kwargs.temperatures`,
        `one temperature is used (${temperature}), not one drawn per call`,
      );
  }
  const efforts = config.get('evo_config.llm_kwargs.reasoning_efforts');
  const effort = Array.isArray(efforts)
    ? efforts.find(
        (value): value is string => typeof value === 'string' && /^(none|minimal|low|medium|high|xhigh)$/.test(value),
      )
    : undefined;
  if (effort !== undefined) {
    api.reasoning_effort = effort;
    report.mapped('evo_config.llm_kwargs.reasoning_efforts', `api.reasoning_effort: ${effort}`);
    if (Array.isArray(efforts) && efforts.length > 1)
      report.left(
        `${config.file}: evo_config.llm_kwargs.reasoning_efforts`,
        `one effort is used (${effort}), not one drawn per call`,
      );
  }
  const maxTokens = config.number('evo_config.llm_kwargs.max_tokens');
  if (maxTokens !== undefined) {
    api.max_tokens = Math.max(1, Math.round(maxTokens));
    report.mapped('evo_config.llm_kwargs.max_tokens', 'api.max_tokens');
  }
  if (names.length > 0) {
    report.mapped(
      `evo_config.llm_models (${names.join(', ')})`,
      names.length > 1 ? 'api.model, models and roles.researcher (equal weights)' : 'api.model',
    );
  }
  config.explain(
    report,
    'evo_config.llm_dynamic_selection',
    'the Researcher draws its models by fixed weights; no bandit over models',
  );
  config.explain(
    report,
    'evo_config.llm_dynamic_selection_kwargs',
    'the Researcher draws its models by fixed weights; no bandit over models',
  );
  return ensembleConfig(
    names.map((model) => ({ model, weight: 1 })),
    api,
  );
}

/** db_config's islands → database.sampling. */
function translateIslands(config: SourceConfig, report: ReportBuilder): Record<string, unknown> {
  const islands = config.number('db_config.num_islands');
  if (islands === undefined) return {};
  const island: Record<string, unknown> = { num_islands: Math.max(1, Math.round(islands)) };
  const interval = config.number('db_config.migration_interval');
  if (interval !== undefined) island.migration_interval = Math.max(1, Math.round(interval));
  const rate = config.number('db_config.migration_rate');
  if (rate !== undefined) island.migration_rate = rate;
  report.mapped('db_config (islands, migration)', 'database.sampling.algorithm: island');
  return { sampling: { algorithm: 'island', island } };
}
