import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadConfig, resolveConfig } from './load.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function catchConfigError(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills every default when nothing is configured', () => {
    const { config } = loadConfig({ experimentDir: dir, env: {} });
    expect(config.pipeline.sample_n).toBe(3);
    expect(config.database.sampling.algorithm).toBe('ucb1');
    expect(config.cognition.retrieval.top_k).toBe(3);
    expect(config.pipeline.judge).toMatchObject({ enabled: false, ratio: 0.2, mode: 'blend' });
  });

  it('layers defaults, config.yaml, --config and flags in that order', () => {
    writeFileSync(
      join(dir, 'config.yaml'),
      'pipeline:\n  sample_n: 5\n  parallel:\n    num_workers: 2\napi:\n  model: from-experiment\n',
    );
    const extra = join(dir, 'extra.yaml');
    writeFileSync(extra, 'pipeline:\n  sample_n: 7\n');
    const { config, files } = loadConfig({
      experimentDir: dir,
      configFile: extra,
      flags: { pipeline: { parallel: { num_workers: 4 } } },
      env: {},
    });
    expect(config.pipeline.sample_n).toBe(7);
    expect(config.pipeline.parallel.num_workers).toBe(4);
    expect(config.api.model).toBe('from-experiment');
    expect(files).toEqual([join(dir, 'config.yaml'), extra, 'command line']);
  });

  it('accepts the reference tool keys', () => {
    writeFileSync(
      join(dir, 'config.yaml'),
      [
        'experiment_name: demo',
        'api: {model: gpt-5-mini, timeout: 600, retry_times: 3, retry_delay: 5}',
        'logging: {level: INFO, console: true, wandb: {enabled: true, offline: true, project: evolve, entity: me}}',
        'pipeline:',
        '  agents: {manager: false, researcher: true, engineer: true, analyzer: true}',
        '  researcher: {diff_based_evolution: false, max_code_length: 100000, diff_pattern: "x"}',
        '  max_retries: {researcher: 3, engineer: 2, analyzer: 2}',
        '  engineer_timeout: 300',
        '  parallel: {num_workers: 1}',
        '  sample_n: 3',
        '  judge: {enabled: false, ratio: 0.2}',
        'cognition: {storage_dir: c, embedding: {model: m, dimension: 384}, faiss: {index_type: IP}, retrieval: {top_k: 5, score_threshold: 0.4}, web_search: {enabled: false}}',
        'database:',
        '  storage_dir: d',
        '  max_size: 70',
        '  sampling:',
        '    algorithm: island',
        '    island: {num_islands: 5, migration_interval: 10, migration_rate: 0.1, exploration_ratio: 0.2, exploitation_ratio: 0.6, feature_dimensions: [complexity, diversity], feature_bins: 10}',
      ].join('\n'),
    );
    const { config } = loadConfig({ experimentDir: dir, env: {} });
    expect(config.database.max_size).toBe(70);
    expect(config.database.sampling.island.exploitation_ratio).toBe(0.6);
    expect(config.pipeline.researcher.diff_based_evolution).toBe(false);
  });

  it('names the file and key of an unknown key and of a wrong type, all at once', () => {
    writeFileSync(join(dir, 'config.yaml'), 'pipeline:\n  sample_m: 3\n  parallel:\n    num_workers: many\n');
    const error = catchConfigError(() => loadConfig({ experimentDir: dir, env: {} }));
    expect(error.code).toBe('CONFIG_INVALID');
    const keys = error.issues.map((issue) => issue.key).sort();
    expect(keys).toEqual(['pipeline.parallel.num_workers', 'pipeline.sample_m']);
    for (const issue of error.issues) expect(issue.file).toBe(join(dir, 'config.yaml'));
    expect(error.message).toContain('unknown key');
  });

  it('blames the layer that set the bad value', () => {
    writeFileSync(join(dir, 'config.yaml'), 'pipeline:\n  sample_n: 3\n');
    const error = catchConfigError(() =>
      loadConfig({ experimentDir: dir, flags: { pipeline: { sample_n: -1 } }, env: {} }),
    );
    expect(error.issues[0]).toMatchObject({ file: 'command line', key: 'pipeline.sample_n' });
  });

  it('reports a YAML syntax error with its line', () => {
    writeFileSync(join(dir, 'config.yaml'), 'pipeline:\n  sample_n: [3\n  x: 1\n');
    const error = catchConfigError(() => loadConfig({ experimentDir: dir, env: {} }));
    expect(error.issues[0]?.file).toBe(join(dir, 'config.yaml'));
    expect(error.issues[0]?.message).toMatch(/line \d+/);
  });

  it('expands ${VAR} and ${VAR:-default}, and names an unset variable', () => {
    const layer = { name: 'x.yaml', values: { api: { base_url: '${BASE}/v1', model: '${MODEL:-gpt-5-mini}' } } };
    const config = resolveConfig([layer], { BASE: 'http://127.0.0.1:9' });
    expect(config.api.base_url).toBe('http://127.0.0.1:9/v1');
    expect(config.api.model).toBe('gpt-5-mini');
    const error = catchConfigError(() =>
      resolveConfig([{ name: 'y.yaml', values: { api: { api_key: '${NOPE}' } } }], {}),
    );
    expect(error.issues[0]).toMatchObject({ file: 'y.yaml', key: 'api.api_key' });
    expect(error.issues[0]?.message).toContain('NOPE');
  });

  it("leaves an unset variable of a model's settings empty for a command that calls no model, and only there", () => {
    const values = {
      api: { model: 'gpt-x', api_key: '${NOPE}' },
      models: { fast: { model: 'm', api_key: '${NOPE_KEY}' } },
      evaluator: { command: 'bash ${NOPE_EVAL}' },
    };
    const strict = catchConfigError(() => resolveConfig([{ name: 'z.yaml', values }], {}));
    expect(strict.issues.map((issue) => issue.key)).toEqual([
      'api.api_key',
      'models.fast.api_key',
      'evaluator.command',
    ]);
    const relaxed = catchConfigError(() => resolveConfig([{ name: 'z.yaml', values }], {}, { callsNoModel: true }));
    expect(relaxed.issues.map((issue) => issue.key)).toEqual(['evaluator.command']);
    const config = resolveConfig(
      [{ name: 'z.yaml', values: { api: { api_key: '${NOPE}' } } }],
      {},
      { callsNoModel: true },
    );
    expect(config.api.api_key).toBe('');
  });

  it('reports a missing --config file', () => {
    const error = catchConfigError(() =>
      loadConfig({ experimentDir: dir, configFile: join(dir, 'none.yaml'), env: {} }),
    );
    expect(error.issues[0]?.message).toContain('not found');
  });

  it('reports a --config or config.yaml that is a folder as a config error naming it, not a crash', () => {
    const error = catchConfigError(() => loadConfig({ experimentDir: dir, configFile: dir, env: {} }));
    expect(error.issues[0]).toMatchObject({ file: dir, message: 'is a folder, not a YAML file' });
    mkdirSync(join(dir, 'config.yaml'));
    const inFolder = catchConfigError(() => loadConfig({ experimentDir: dir, env: {} }));
    expect(inFolder.issues[0]?.file).toBe(join(dir, 'config.yaml'));
  });

  it('refuses a run.steps too large to schedule (a typo such as --steps 1e12), naming the key', () => {
    const error = catchConfigError(() =>
      resolveConfig([{ name: 'command line', values: { run: { steps: 1e12 } } }], {}),
    );
    expect(error.issues[0]).toMatchObject({ file: 'command line', key: 'run.steps' });
    expect(resolveConfig([{ name: 'command line', values: { run: { steps: 1_000_000 } } }], {}).run.steps).toBe(
      1_000_000,
    );
  });
});

describe('hostile and careless config files', () => {
  const configPath = () => join(dir, 'config.yaml');
  const firstIssue = (action: () => unknown) => catchConfigError(action).issues[0];

  it('refuses devices, FIFOs and oversized files without reading them', () => {
    symlinkSync('/dev/zero', configPath());
    expect(firstIssue(() => loadConfig({ experimentDir: dir, env: {} }))).toMatchObject({
      file: configPath(),
      message: expect.stringContaining('not a regular file'),
    });
    rmSync(configPath());
    symlinkSync('/dev/urandom', configPath());
    expect(firstIssue(() => loadConfig({ experimentDir: dir, env: {} }))?.message).toContain('not a regular file');
    rmSync(configPath());
    // A FIFO with no writer would block a plain read forever.
    expect(spawnSync('mkfifo', [configPath()]).status).toBe(0);
    expect(firstIssue(() => loadConfig({ experimentDir: dir, env: {} }))?.message).toContain('not a regular file');
    rmSync(configPath());
    writeFileSync(configPath(), 'run:\n  steps: 2\n');
    truncateSync(configPath(), 50 * 1024 * 1024);
    expect(firstIssue(() => loadConfig({ experimentDir: dir, env: {} }))?.message).toBe(
      `is ${50 * 1024 * 1024} bytes; it may be at most 1 MiB`,
    );
  });

  it('refuses a YAML alias bomb with a config error, not a crash', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [index, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h'].entries()) {
      const previous = String.fromCharCode('a'.charCodeAt(0) + index);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    writeFileSync(configPath(), `${levels.join('\n')}\n`);
    expect(firstIssue(() => loadConfig({ experimentDir: dir, env: {} }))).toMatchObject({
      file: configPath(),
      message: expect.stringContaining('YAML aliases expand to too many values'),
    });
    // A few aliases, as people use them, are fine.
    writeFileSync(configPath(), 'models:\n  a: &model {model: m, base_url: "http://127.0.0.1:1/v1"}\n  b: *model\n');
    expect(loadConfig({ experimentDir: dir, env: {} }).config.models['b']?.model).toBe('m');
  });

  it('names the line of bytes that are not UTF-8', () => {
    writeFileSync(
      configPath(),
      Buffer.concat([Buffer.from('run:\n  steps: 2\napi:\n  model: caf'), Buffer.from([0xe9, 0x0a])]),
    );
    expect(firstIssue(() => loadConfig({ experimentDir: dir, env: {} }))).toMatchObject({
      file: configPath(),
      message: 'line 4 has bytes that are not UTF-8; save the file as UTF-8',
    });
  });

  it('refuses a __proto__ key, an unclosed ${X and a base_url that is not a URL, all at once where it can', () => {
    writeFileSync(configPath(), 'api:\n  __proto__:\n    model: x\n');
    expect(firstIssue(() => loadConfig({ experimentDir: dir, env: {} }))).toMatchObject({
      key: 'api.__proto__',
      message: 'the key __proto__ is not allowed',
    });
    writeFileSync(configPath(), 'api:\n  model: ${MODEL\n  base_url: not a url\n');
    const error = catchConfigError(() => loadConfig({ experimentDir: dir, env: { MODEL: 'm' } }));
    expect(error.issues.map((issue) => [issue.key, issue.message])).toEqual([
      ['api.model', '`${MODEL` is not closed: write ${NAME} or ${NAME:-default}'],
      ['api.base_url', 'expected an http:// or https:// URL'],
    ]);
    // A shell's positional ${1} in a command is not a variable of ours and stays as written.
    writeFileSync(configPath(), 'evaluator:\n  command: bash eval.sh "${1}"\n');
    expect(loadConfig({ experimentDir: dir, env: {} }).config.evaluator.command).toBe('bash eval.sh "${1}"');
  });

  it('bounds the worker count and keeps program_file inside the step folder', () => {
    writeFileSync(
      configPath(),
      'pipeline:\n  parallel:\n    num_workers: 100000000\nevaluator:\n  program_file: ../x\n',
    );
    const error = catchConfigError(() => loadConfig({ experimentDir: dir, env: {} }));
    expect(error.issues.map((issue) => [issue.file, issue.key, issue.message])).toEqual([
      [configPath(), 'pipeline.parallel.num_workers', 'at most 256 workers'],
      [configPath(), 'evaluator.program_file', 'expected a file name inside the step folder (no leading / and no ..)'],
    ]);
  });

  it('blames the file, not the command line, for a key the file left out', () => {
    writeFileSync(configPath(), 'api:\n  provider: anthropic\n');
    const error = catchConfigError(() =>
      loadConfig({ experimentDir: dir, flags: { api: { temperature: 0.5 }, run: { steps: 2 } }, env: {} }),
    );
    expect(error.issues[0]).toMatchObject({ key: 'api.model' });
    // Both layers set part of `api`; the flag layer is later, yet the missing key belongs to the file that chose the provider.
    expect(error.issues[0]?.file).toBe(configPath());
  });
});
