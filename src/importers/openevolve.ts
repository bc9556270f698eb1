import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { AsiEvolveError } from '../errors.js';
import { adaptorFile, copyFolder, installAdaptor, writeConfig, writeScript } from './folder.js';
import { ensembleConfig, pythonEvalScript, taskText, type WeightedModel } from './python-task.js';
import type { ReportBuilder } from './report.js';
import { chooseSourceConfig, SourceConfig } from './source-config.js';

/** OpenEvolve's cascade thresholds when its config names none. */
const defaultCascadeThresholds = [0.5, 0.75, 0.9];

/** The functions an evaluator file defines at the top level, found without running it. */
export function pythonFunctions(source: string): Set<string> {
  return new Set([...source.matchAll(/^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/gm)].map((match) => match[1] ?? ''));
}

/** OpenEvolve's cascade as the adaptor runs it: the stage functions and the thresholds between them. */
interface Cascade {
  functions: string[];
  thresholds: number[];
}

/**
 * The functions OpenEvolve would call: `evaluate`, or the cascade `evaluate_stage1/2/3` with its
 * thresholds. The adaptor runs the cascade itself, with OpenEvolve's meaning: a stage under its
 * threshold ends the cascade and the candidate keeps the metrics so far (asi-evolve's
 * evaluator.stages would reject it instead, and a seed scored by its quick stage would stop the run).
 */
function cascadeOf(functions: Set<string>, config: SourceConfig, report: ReportBuilder): Cascade {
  const cascade = config.boolean('evaluator.cascade_evaluation') ?? true;
  const configured = config.get('evaluator.cascade_thresholds');
  if (!functions.has('evaluate_stage1') || !cascade) {
    if (functions.has('evaluate_stage1'))
      report.left('evaluator.py: evaluate_stage1', 'not used: the config sets cascade_evaluation: false');
    return { functions: ['evaluate'], thresholds: [] };
  }
  const thresholds =
    Array.isArray(configured) && configured.every((value) => typeof value === 'number')
      ? (configured as number[])
      : defaultCascadeThresholds;
  const names = ['evaluate_stage1'];
  // As OpenEvolve: stage 2 runs when stage 1 passes thresholds[0]; stage 3 when stage 2 passes thresholds[1].
  if (functions.has('evaluate_stage2')) names.push('evaluate_stage2');
  if (functions.has('evaluate_stage2') && functions.has('evaluate_stage3') && thresholds.length >= 2)
    names.push('evaluate_stage3');
  const used = thresholds.slice(0, names.length - 1);
  report.mapped(
    `cascade ${names.join(', ')}${used.length > 0 ? ` with thresholds [${used.join(', ')}]` : ''}`,
    `eval.sh (run by ${adaptorFile} as OpenEvolve runs it; the stages are listed under "cascade" in results.json)`,
  );
  return { functions: names, thresholds: used };
}

/**
 * Turns an OpenEvolve example (evaluator.py with evaluate(program_path), optional cascade
 * stages, initial_program.py, config*.yaml) into an experiment folder. The evaluator runs
 * unchanged through the shipped adaptor.
 */
export function importOpenEvolve(
  source: string,
  target: string,
  options: { configFile?: string },
  report: ReportBuilder,
): void {
  const evaluatorPath = join(source, 'evaluator.py');
  if (!existsSync(evaluatorPath)) {
    throw new AsiEvolveError(
      'EXPERIMENT_MISSING_FILE',
      `no evaluator.py in ${source}: an OpenEvolve example needs its evaluator`,
      {
        file: evaluatorPath,
      },
    );
  }
  const initialName = readdirSync(source).find((name) => /^initial_program\.\w+$/.test(name));
  if (initialName === undefined) {
    throw new AsiEvolveError(
      'EXPERIMENT_MISSING_FILE',
      `no initial_program.* in ${source}: an OpenEvolve example needs its starting program`,
      {
        file: join(source, 'initial_program.py'),
      },
    );
  }
  const chosen = chooseSourceConfig(
    source,
    options.configFile,
    (name) => /^config.*\.ya?ml$/i.test(name),
    report,
    (a, b) => (a === 'config.yaml' ? -1 : b === 'config.yaml' ? 1 : a.localeCompare(b)),
  );
  const configName = chosen?.file;
  const config = chosen ?? new SourceConfig({}, 'config.yaml');
  if (configName === undefined)
    report.left('config.yaml', "none found: OpenEvolve's defaults were assumed (cascade thresholds, islands)");

  const skipped = copyFolder(source, target, new Set(configName === undefined ? [] : [configName]));
  for (const path of skipped) report.left(path, 'a run output, not copied');
  if (configName !== undefined) {
    copyFileSync(join(source, configName), join(target, 'openevolve-config.yaml'));
    report.mapped(configName, 'config.yaml (the original is kept as openevolve-config.yaml)');
  }
  installAdaptor(target);
  report.left(
    'evaluator.py',
    'it loads the candidate into its own process (as the source tool does), so a candidate can change what it reports; for untrusted candidates run the program through $ASI_SANDBOX_EXEC instead (docs/sandbox.md)',
  );

  const program = readFileSync(join(source, initialName), 'utf8');
  writeFileSync(join(target, 'initial_program'), program);
  report.mapped(initialName, 'initial_program');
  const programFile = `program${extname(initialName)}`;
  const hasBlocks = program.includes('EVOLVE-BLOCK-START');

  const systemMessage = config.string('prompt.system_message');
  const evaluatorText = `\`evaluator.py\` (OpenEvolve's format: \`evaluate(program_path)\` returns the metrics)`;
  writeFileSync(
    join(target, 'input.md'),
    taskText(
      systemMessage ?? 'Improve the program so that its evaluator gives it a higher combined_score.',
      evaluatorText,
      programFile,
      hasBlocks,
    ),
  );
  if (systemMessage !== undefined) report.mapped('prompt.system_message', 'input.md');

  const cascade = cascadeOf(pythonFunctions(readFileSync(evaluatorPath, 'utf8')), config, report);
  const cascadeArgs =
    cascade.functions.length > 1
      ? ` --function ${cascade.functions.join(',')} --thresholds ${cascade.thresholds.join(',')}`
      : '';
  writeScript(join(target, 'eval.sh'), pythonEvalScript('openevolve', 'evaluator.py', programFile, cascadeArgs));
  if (cascade.functions.length === 1)
    report.mapped('evaluator.py evaluate(program_path)', `eval.sh (through ${adaptorFile})`);

  const evaluator: Record<string, unknown> = { program_file: programFile };
  const timeout = config.number('evaluator.timeout');
  if (timeout !== undefined) {
    evaluator.timeout = timeout;
    report.mapped('evaluator.timeout', 'evaluator.timeout');
  }

  const out: Record<string, unknown> = { ...translateModels(config, report), evaluator };
  const pipeline: Record<string, unknown> = {};
  const researcher: Record<string, unknown> = {};
  const diff = config.boolean('diff_based_evolution');
  if (diff !== undefined) {
    researcher.diff_based_evolution = diff;
    report.mapped('diff_based_evolution', 'pipeline.researcher.diff_based_evolution');
  }
  const maxCode = config.number('max_code_length');
  if (maxCode !== undefined) {
    researcher.max_code_length = Math.round(maxCode);
    report.mapped('max_code_length', 'pipeline.researcher.max_code_length');
  }
  if (Object.keys(researcher).length > 0) pipeline.researcher = researcher;
  const parallel = config.number('evaluator.parallel_evaluations');
  if (parallel !== undefined) {
    pipeline.parallel = { num_workers: Math.max(1, Math.round(parallel)) };
    report.mapped('evaluator.parallel_evaluations', 'pipeline.parallel.num_workers (rounds run at once)');
  }
  const topPrograms = config.number('prompt.num_top_programs');
  if (topPrograms !== undefined) {
    pipeline.sample_n = Math.max(1, Math.round(topPrograms));
    report.mapped('prompt.num_top_programs', 'pipeline.sample_n');
  }
  if (config.boolean('evaluator.use_llm_feedback') === true) {
    pipeline.judge = { enabled: true, ratio: config.number('evaluator.llm_feedback_weight') ?? 0.1 };
    report.mapped('evaluator.use_llm_feedback', 'pipeline.judge (an LLM score blended with the evaluator score)');
  } else {
    config.get('evaluator.use_llm_feedback');
    config.get('evaluator.llm_feedback_weight');
  }
  if (Object.keys(pipeline).length > 0) out.pipeline = pipeline;

  const run: Record<string, unknown> = {};
  const steps = config.number('max_iterations');
  if (steps !== undefined) {
    run.steps = Math.round(steps);
    report.mapped('max_iterations', 'run.steps');
  }
  const seed = config.number('random_seed');
  if (seed !== undefined) {
    run.seed = Math.round(seed);
    report.mapped('random_seed', 'run.seed');
  }
  if (Object.keys(run).length > 0) out.run = run;

  out.database = translateIslands(config, report);
  const level = config.string('log_level');
  if (level !== undefined && /^(debug|info|warning|error)$/i.test(level)) out.logging = { level };

  config.explain(
    report,
    'checkpoint_interval',
    'every round is stored in asi-evolve.db as it ends; there are no checkpoints to configure',
  );
  config.explain(report, 'allow_full_rewrites', 'in diff mode a diff that does not apply falls back to a full rewrite');
  config.explain(report, 'language', `the program is written as ${programFile}`);
  config.explain(
    report,
    'evaluator.max_retries',
    'a failed evaluation is not retried (cluster.max_retries retries lost jobs only)',
  );
  config.explain(
    report,
    'prompt.template_dir',
    "OpenEvolve's templates do not apply; put asi-evolve templates in prompts/",
  );
  config.reportRest(report);

  writeConfig(target, `Imported from the OpenEvolve example ${source} by \`asi-evolve import\`: see IMPORT.md.`, out);
}

/** OpenEvolve's island model and population settings → database.*. */
function translateIslands(config: SourceConfig, report: ReportBuilder): Record<string, unknown> {
  const island: Record<string, unknown> = {
    num_islands: Math.max(1, Math.round(config.number('database.num_islands') ?? 5)),
  };
  for (const key of ['migration_interval', 'migration_rate', 'exploration_ratio', 'exploitation_ratio']) {
    const value = config.number(`database.${key}`);
    if (value !== undefined) island[key] = key === 'migration_interval' ? Math.max(1, Math.round(value)) : value;
  }
  const dimensions = config.get('database.feature_dimensions');
  if (Array.isArray(dimensions) && dimensions.every((value) => typeof value === 'string'))
    island.feature_dimensions = dimensions;
  const bins = config.get('database.feature_bins');
  if (typeof bins === 'number') island.feature_bins = Math.max(1, Math.round(bins));
  else if (bins !== undefined)
    report.left(
      `${config.file}: database.feature_bins`,
      'bins per dimension are not supported; the default 10 bins apply to every dimension',
    );
  report.mapped('database (island model)', 'database.sampling.algorithm: island');
  const database: Record<string, unknown> = { sampling: { algorithm: 'island', island } };
  const population = config.number('database.population_size');
  if (population !== undefined) {
    database.max_size = Math.max(1, Math.round(population));
    report.mapped('database.population_size', 'database.max_size');
  }
  return database;
}

/** OpenEvolve's `llm` section → api, models and roles. */
function translateModels(config: SourceConfig, report: ReportBuilder): Record<string, unknown> {
  const models: WeightedModel[] = [];
  const listed = config.get('llm.models');
  if (Array.isArray(listed)) {
    listed.forEach((entry: unknown, index) => {
      const record = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
      if (typeof record.name !== 'string') {
        report.left(`${config.file}: llm.models[${index}]`, 'has no name; left out');
        return;
      }
      models.push({
        model: record.name,
        weight: typeof record.weight === 'number' && record.weight > 0 ? record.weight : 1,
      });
      const extra = Object.keys(record).filter((key) => key !== 'name' && key !== 'weight');
      if (extra.length > 0)
        report.left(
          `${config.file}: llm.models[${index}] (${extra.join(', ')})`,
          'per-model settings are not carried over; the shared llm settings apply',
        );
    });
  } else {
    for (const rank of ['primary', 'secondary']) {
      const model = config.string(`llm.${rank}_model`);
      const weight = config.number(`llm.${rank}_model_weight`);
      if (model !== undefined) models.push({ model, weight: weight !== undefined && weight > 0 ? weight : 1 });
    }
  }
  const api: Record<string, unknown> = {};
  const copy = (from: string, to: string): void => {
    const value = config.get(`llm.${from}`);
    if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')) {
      api[to] = to === 'retry_times' ? Math.max(0, Math.round(Number(value))) : value;
      report.mapped(`llm.${from}`, `api.${to}`);
    }
  };
  copy('api_base', 'base_url');
  copy('temperature', 'temperature');
  copy('max_tokens', 'max_tokens');
  copy('timeout', 'timeout');
  copy('retries', 'retry_times');
  copy('retry_delay', 'retry_delay');
  const key = config.get('llm.api_key');
  if (typeof key === 'string' && key.trim() !== '') {
    const variable = /^\$\{(\w+)\}$/.exec(key.trim())?.[1];
    if (variable !== undefined) {
      api.api_key_env = variable;
      report.mapped('llm.api_key', `api.api_key_env: ${variable}`);
    } else {
      report.left(
        `${config.file}: llm.api_key`,
        'a literal key is not copied into config.yaml; set OPENAI_API_KEY (or name another variable in api.api_key_env)',
      );
    }
  }
  if (models.length > 0)
    report.mapped(
      `llm models (${models.map((entry) => entry.model).join(', ')})`,
      models.length > 1 ? 'api.model, models and roles.researcher (weighted)' : 'api.model',
    );
  config.explain(
    report,
    'llm.evaluator_models',
    'used by OpenEvolve for LLM feedback only; the judge (pipeline.judge) uses api.model or roles.judge',
  );
  return ensembleConfig(models, api);
}
