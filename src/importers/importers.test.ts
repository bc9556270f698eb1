import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, objectiveSettings, resolveConfig } from '../config/index.js';
import { objectiveGaps, objectiveValues, summaryMetrics } from '../domain/index.js';
import { openStore } from '../store/index.js';
import { thrownAsiError } from '../test-support/asi-error.js';
import { adaptorSource } from './folder.js';
import { detectFormat, importExperiment } from './index.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const temps: string[] = [];

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'asi-importers-'));
  temps.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('importing a reference ASI-Evolve experiment', () => {
  it('stores its run so that a run continues after it, and its cognition items read without Python', () => {
    const target = join(temp(), 'blend');
    const report = importExperiment(join(fixtures, 'reference-experiment'), target);
    expect(report.format).toBe('asi-evolve');
    expect(report.counts).toEqual({ cognitionItems: 5, nodes: 4 });

    const store = openStore(join(target, 'asi-evolve.db'), { readonly: true });
    try {
      const nodes = store.listNodes();
      expect(nodes.map((node) => [node.id, node.step, node.operator, node.success])).toEqual([
        [0, 0, 'seed', true],
        [1, 1, 'reference', true],
        [2, 2, 'reference', false],
        [3, 3, 'reference', true],
      ]);
      expect(nodes[2]?.error).toBe('blend() must return three amounts between 0 and 1');
      expect(nodes[2]?.score).toBeNull();
      expect(nodes[3]?.parentIds).toEqual([1]);
      expect(store.bestNode()?.id).toBe(3);
      expect(store.hasSeed()).toBe(true);
    } finally {
      store.close();
    }

    const items = parse(readFileSync(join(target, 'cognition.yaml'), 'utf8')) as Array<Record<string, unknown>>;
    expect(items.map((item) => item.source)).toEqual(['Search Basics', 'Scoring', 'Constraints', undefined, 'run']);
    expect(items[1]?.content).toBe(
      "The score is 3 minus the L1 distance to the target, so each amount's error counts on its own:\nfix the worst ingredient first.",
    );
    expect(items[3]).toMatchObject({ title: 'Symmetry does not help', tags: ['pitfall'] });

    const notes = readFileSync(join(target, 'IMPORT.md'), 'utf8');
    expect(notes).toContain('init_cognition.py:35');
    expect(notes).toContain('an f-string');
    expect(notes).toContain('logging.wandb');
    expect(existsSync(join(target, 'database_data'))).toBe(false);

    const { config } = loadConfig({ experimentDir: target, env: {} });
    expect(config.cognition.retrieval.score_threshold).toBe(0.05);
    expect(config.api.model).toBe('opus');
  });
});

describe('importing an OpenEvolve example', () => {
  it('writes a config that loads: cascade stages with thresholds, the model ensemble, the islands', () => {
    const target = join(temp(), 'bowl');
    const report = importExperiment(join(fixtures, 'openevolve-example'), target);
    expect(report.format).toBe('openevolve');
    const { config } = loadConfig({ experimentDir: target, env: {} });
    expect(config.evaluator.stages).toEqual([]);
    expect(readFileSync(join(target, 'eval.sh'), 'utf8')).toContain(
      'openevolve --evaluator "$here/evaluator.py" --function evaluate_stage1,evaluate_stage2 --thresholds 0.5 ',
    );
    expect(config.evaluator.program_file).toBe('program.py');
    expect(config.api.model).toBe('gemini-2.5-flash-lite');
    expect(config.roles.researcher).toEqual([
      { model: 'main', weight: 0.8 },
      { model: 'model_2', weight: 0.2 },
    ]);
    expect(config.database.sampling.island.num_islands).toBe(2);
    expect(config.run.steps).toBe(5);
    const left = report.untranslated.map((note) => note.what);
    for (const key of [
      'llm.top_p',
      'database.archive_size',
      'evolution_trace.enabled',
      'early_stopping_patience',
      'checkpoint_interval',
    ]) {
      expect(left).toContain(`config.yaml: ${key}`);
    }
    expect(readFileSync(join(target, 'openevolve-config.yaml'), 'utf8')).toBe(
      readFileSync(join(fixtures, 'openevolve-example', 'config.yaml'), 'utf8'),
    );
  });

  it('refuses a folder without a starting program and leaves nothing behind', () => {
    const source = join(temp(), 'no-initial');
    mkdirSync(source);
    writeFileSync(join(source, 'evaluator.py'), 'def evaluate(program_path):\n    return {"combined_score": 1.0}\n');
    const target = join(temp(), 'new');
    const error = thrownAsiError(() => importExperiment(source, target));
    expect(error.code).toBe('EXPERIMENT_MISSING_FILE');
    expect(error.message).toContain('initial_program');
    expect(existsSync(target)).toBe(false);
  });
});

describe('detectFormat and the target folder', () => {
  it('names the layouts it knows when a folder has none of them', () => {
    const source = temp();
    writeFileSync(join(source, 'notes.txt'), 'hello');
    const error = thrownAsiError(() => detectFormat(source));
    expect(error.code).toBe('USAGE');
    expect(error.hint).toContain('OpenEvolve');
    expect(error.hint).toContain('ShinkaEvolve');
  });

  it.each([
    ['openevolve', 'evaluator.py'],
    ['shinkaevolve', 'evaluate.py'],
    ['asi-evolve', 'input.md'],
  ] as const)('with --format %s, names the missing %s and leaves nothing behind', (format, file) => {
    const target = join(temp(), 'new');
    const error = thrownAsiError(() => importExperiment(temp(), target, { format }));
    expect(error.code).toBe('EXPERIMENT_MISSING_FILE');
    expect(error.message).toContain(file);
    expect(existsSync(target)).toBe(false);
  });

  it('refuses a non-empty target and a target inside the source', () => {
    const target = temp();
    writeFileSync(join(target, 'keep.txt'), 'mine');
    expect(thrownAsiError(() => importExperiment(join(fixtures, 'shinka-task'), target)).message).toContain(
      'not empty',
    );
    expect(readFileSync(join(target, 'keep.txt'), 'utf8')).toBe('mine');
    const source = temp();
    writeFileSync(join(source, 'evaluate.py'), 'def main(program_path, results_dir):\n    pass\n');
    expect(thrownAsiError(() => importExperiment(source, join(source, 'inside'))).message).toContain(
      'inside the source',
    );
  });
});

/** Runs the shipped adaptor in a fresh folder holding `files`; returns its results.json. */
function runAdaptor(files: Record<string, string>, args: string[]): Record<string, unknown> {
  const dir = temp();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const result = spawnSync('python3', [adaptorSource(), ...args], { cwd: dir, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Record<string, unknown>;
}

describe('the shipped evaluator adaptor', () => {
  const program = 'VALUE = 3\n';
  const openevolve = (body: string): Record<string, unknown> =>
    runAdaptor({ 'evaluator.py': body, 'program.py': program }, [
      'openevolve',
      '--evaluator',
      'evaluator.py',
      'program.py',
    ]);

  it('OpenEvolve: an EvaluationResult gives combined_score, the metrics and the artifacts (without OpenEvolve installed)', () => {
    const results = openevolve(
      'import runpy\nfrom openevolve.evaluation_result import EvaluationResult\n\ndef evaluate(path):\n    value = runpy.run_path(path)["VALUE"]\n    return EvaluationResult(metrics={"combined_score": value / 4, "value": value}, artifacts={"log": "ran", "blob": b"12"})\n',
    );
    expect(results).toMatchObject({
      eval_score: 0.75,
      success: true,
      combined_score: 0.75,
      value: 3,
      artifacts: { log: 'ran', blob: '<2 bytes>' },
      score_from: 'combined_score',
    });
  });

  it('OpenEvolve: the metrics of its dict, combined_score and a per-problem map included, can be named as objectives unchanged', () => {
    const results = openevolve(
      'def evaluate(path):\n    return {"combined_score": 0.6, "accuracy": 0.9, "latency_ms": 12.5, "eval_score": 7, "per_problem": {"p1": 1.0, "p.2": 0.0}}\n',
    );
    // A metric spelt like one of asi-evolve's own results keys keeps its value under `metric_<name>`.
    const config = resolveConfig(
      [
        {
          name: 'config.yaml',
          values: {
            objectives: {
              metrics: [
                { name: 'combined_score', direction: 'maximize' },
                { name: 'latency_ms', direction: 'minimize' },
                { name: 'metric_eval_score', direction: 'maximize' },
                { name: 'per_problem.p.2', direction: 'maximize' },
              ],
              instances: 'per_problem',
            },
          },
        },
      ],
      {},
      { callsNoModel: true },
    );
    const settings = objectiveSettings(config.objectives);
    if (settings === null) throw new Error('expected objectives');
    expect(objectiveGaps(results, settings)).toEqual([]);
    expect(objectiveValues({ metrics: summaryMetrics(results, ['per_problem']) }, settings)).toEqual({
      combined_score: 0.6,
      latency_ms: 12.5,
      metric_eval_score: 7,
      'per_problem.p.2': 0,
    });
    expect(results).toMatchObject({ eval_score: 0.6, score_from: 'combined_score' });
  });

  it("OpenEvolve: the cascade as OpenEvolve runs it: under the threshold the candidate keeps stage 1's score, over it the stages' metrics merge", () => {
    const evaluator =
      'def evaluate_stage1(path):\n    return {"combined_score": 0.3, "quick": 1}\n\ndef evaluate_stage2(path):\n    return {"combined_score": 0.9, "full": 2}\n';
    const cascade = (thresholds: string): Record<string, unknown> =>
      runAdaptor({ 'evaluator.py': evaluator, 'program.py': program }, [
        'openevolve',
        '--evaluator',
        'evaluator.py',
        '--function',
        'evaluate_stage1,evaluate_stage2',
        '--thresholds',
        thresholds,
        'program.py',
      ]);
    const below = cascade('0.5');
    expect(below).toMatchObject({
      eval_score: 0.3,
      success: true,
      quick: 1,
      cascade: [{ function: 'evaluate_stage1', passed: false }],
    });
    expect(below.full).toBeUndefined();
    expect(cascade('0.2')).toMatchObject({
      eval_score: 0.9,
      success: true,
      quick: 1,
      full: 2,
      cascade: [{ passed: true }, { function: 'evaluate_stage2' }],
    });
  });

  it('OpenEvolve: a dict without combined_score is scored by the mean of its numeric metrics; an error metric or an exception fails it', () => {
    expect(openevolve('def evaluate(path):\n    return {"a": 1.0, "b": 0.5, "note": "x"}\n')).toMatchObject({
      eval_score: 0.75,
      success: true,
    });
    expect(
      openevolve('def evaluate(path):\n    return {"combined_score": 0.0, "error": "Invalid shapes"}\n'),
    ).toMatchObject({ success: false, error: 'Invalid shapes' });
    const raised = openevolve('def evaluate(path):\n    raise ValueError("no packing")\n');
    expect(raised).toMatchObject({ success: false, error: 'evaluate() raised ValueError: no packing' });
    expect(openevolve('def evaluate(path):\n    return {"combined_score": float("nan")}\n')).toMatchObject({
      success: false,
    });
  });

  it('ShinkaEvolve: main() through the run_shinka_eval stand-in: runs, validation and aggregation as in Shinka', () => {
    const evaluate = [
      'from shinka.core import run_shinka_eval',
      '',
      'def main(program_path, results_dir):',
      '    run_shinka_eval(program_path=program_path, results_dir=results_dir, experiment_fn_name="run", num_runs=2,',
      '        get_experiment_kwargs=lambda index: {"scale": index + 1},',
      '        validate_fn=lambda result: (result > 0, "negative"),',
      '        aggregate_metrics_fn=lambda results: {"combined_score": sum(results), "public": {"runs": len(results)}})',
    ].join('\n');
    const good = runAdaptor({ 'evaluate.py': evaluate, 'program.py': 'def run(scale):\n    return 1.5 * scale\n' }, [
      'shinka',
      '--evaluator',
      'evaluate.py',
      'program.py',
    ]);
    expect(good).toMatchObject({ eval_score: 4.5, success: true, public: { runs: 2 }, num_valid_runs: 2 });
    const bad = runAdaptor({ 'evaluate.py': evaluate, 'program.py': 'def run(scale):\n    return -scale\n' }, [
      'shinka',
      '--evaluator',
      'evaluate.py',
      'program.py',
    ]);
    expect(bad).toMatchObject({ success: false, error: 'negative' });
  });
});
