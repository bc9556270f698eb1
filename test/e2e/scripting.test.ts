import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTempExperiment, node, type TempExperiment } from '../../src/web/test-support/experiment.js';
import { parse } from 'yaml';
import {
  analysisAnswer,
  fakeApi,
  makeExperiment,
  makeTempDir,
  repoRoot,
  rewriteAnswer,
  runCli,
  startFakeLlm,
  useE2eCleanup,
} from './helpers.js';

useE2eCleanup();

// A stored run of four rounds (one failed), made through the store as a run would make it.
let experiment: TempExperiment;
beforeAll(() => {
  experiment = createTempExperiment('asi-e2e-scripting-');
  const { store } = experiment;
  store.insertNode(node(0, { score: 0.5, evalScore: 0.5 }));
  store.insertNode(node(1, { score: 1.25, parentIds: [0], provenance: 'cognition', cognitionIds: ['c1'] }), {
    calls: [call({ costUsd: 0.5 })],
  });
  store.insertNode(
    node(2, { success: false, score: null, evalScore: null, error: 'timeout: ran past 10 s', parentIds: [1] }),
  );
  store.insertNode(node(3, { score: 2.5, parentIds: [1], provenance: 'novel', program: 'score = 2.5\n' }));
});
afterAll(() => experiment.cleanup());

function json(stdout: string): unknown {
  return JSON.parse(stdout);
}

describe('asi-evolve for scripts', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('status --json reports rounds, best, failures, spend and provenance as one JSON document', async () => {
    const result = await runCli(['status', experiment.dir, '--json', '--provenance']);
    expect(result.code, result.stderr).toBe(0);
    const status = json(result.stdout) as Record<string, unknown>;
    expect(status.rounds).toEqual({ stored: 3, succeeded: 2, failed: 1 });
    expect(status.seed).toEqual({ success: true, score: 0.5, error: null });
    expect(status.best).toMatchObject({ id: 3, step: 3, score: 2.5, success: true });
    expect(status.failuresByReason).toEqual({ timeout: 1 });
    expect((status.llm as { calls: number; totalUsd: number }).calls).toBe(1);
    expect((status.llm as { totalUsd: number }).totalUsd).toBeCloseTo(0.5);
    expect((status.recent as Array<{ step: number }>).map((entry) => entry.step)).toEqual([1, 2, 3]);
    expect(status.provenance).toMatchObject({
      all: { nodes: 3, counts: { cognition: 1, novel: 1, experience: 1 } },
      roundsShownCognition: 1,
    });
  });

  it('best --json names the node, its program and step folder; with no success yet it prints null and exits 1', async () => {
    const result = await runCli(['best', experiment.dir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(json(result.stdout)).toEqual({
      id: 3,
      step: 3,
      name: 'design-3',
      success: true,
      score: 2.5,
      error: null,
      program: join(experiment.dir, 'best', 'code'),
      stepFolder: join(experiment.dir, 'steps', 'step_3'),
    });
    const empty = createTempExperiment('asi-e2e-scripting-empty-');
    try {
      empty.store.insertNode(node(0, { success: false, score: null, error: 'crash' }));
      const none = await runCli(['best', empty.dir, '--json']);
      expect(none.code).toBe(1);
      expect(json(none.stdout)).toBeNull();
    } finally {
      empty.cleanup();
    }
  });

  it('show --json prints the stored node, without its program under --no-program', async () => {
    const full = json((await runCli(['show', experiment.dir, '3', '--json'])).stdout) as Record<string, unknown>;
    expect(full).toMatchObject({
      id: 3,
      name: 'design-3',
      program: 'score = 2.5\n',
      parentIds: [1],
      provenance: 'novel',
    });
    const bare = json((await runCli(['show', experiment.dir, '3', '--json', '--no-program'])).stdout) as Record<
      string,
      unknown
    >;
    expect(bare).not.toHaveProperty('program');
    expect(bare.motivation).toBe('motivation of 3');
  });

  it('lineage --json lists the node, then its ancestors', async () => {
    const result = await runCli(['lineage', experiment.dir, '3', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const chain = json(result.stdout) as Array<{ id: number; score: number }>;
    expect(chain.map((entry) => entry.id)).toEqual([3, 1, 0]);
    expect(chain[0]?.score).toBe(2.5);
  });

  it('export --json prints every node as one JSON array', async () => {
    const result = await runCli(['export', experiment.dir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const nodes = json(result.stdout) as Array<{ id: number; program: string }>;
    expect(nodes.map((entry) => entry.id)).toEqual([0, 1, 2, 3]);
    expect(nodes[3]?.program).toBe('score = 2.5\n');
    const clash = await runCli(['export', experiment.dir, '--json', '--format', 'csv']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('--json and --format csv ask for two formats');
  });
});

/** The JSON Schema keys that `value` uses but `schema` does not allow (objects only; enough to catch drift). */
function unknownKeys(value: unknown, schema: Record<string, unknown>, path = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const additional = schema.additionalProperties;
  return Object.entries(value).flatMap(([key, entry]) => {
    const child =
      properties[key] ??
      (typeof additional === 'object' && additional !== null ? (additional as Record<string, unknown>) : undefined);
    if (child === undefined) return additional === false ? [`${path}${key}`] : [];
    const options = [child, ...((child.anyOf as Array<Record<string, unknown>> | undefined) ?? [])].filter(
      (option) => option.type === 'object',
    );
    return options.length === 0
      ? []
      : options
          .map((option) => unknownKeys(entry, option, `${path}${key}.`))
          .reduce((a, b) => (a.length <= b.length ? a : b));
  });
}

describe('the JSON Schema of config.yaml', () => {
  it('`schema` prints a draft-7 schema that knows every key the examples use and refuses unknown ones', async () => {
    const result = await runCli(['schema']);
    expect(result.code, result.stderr).toBe(0);
    const schema = json(result.stdout) as Record<string, unknown>;
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties as object)).toEqual(
      expect.arrayContaining(['api', 'pipeline', 'evaluator', 'run', 'budget']),
    );
    const examples = readdirSync(join(repoRoot, 'examples'), { withFileTypes: true }).filter(
      (entry) => entry.isDirectory() && entry.name !== 'test-support',
    );
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const config: unknown = parse(readFileSync(join(repoRoot, 'examples', example.name, 'config.yaml'), 'utf8'));
      expect(unknownKeys(config, schema), example.name).toEqual([]);
    }
    expect(unknownKeys({ run: { stepz: 3 } }, schema)).toEqual(['run.stepz']);
  });

  it('`init` writes the schema beside config.yaml and points config.yaml at it; the experiment still runs its config', async () => {
    const dir = join(makeTempDir(), 'fresh');
    const result = await runCli(['init', dir]);
    expect(result.code, result.stderr).toBe(0);
    const config = readFileSync(join(dir, 'config.yaml'), 'utf8');
    expect(config.split('\n')[0]).toBe('# yaml-language-server: $schema=./config.schema.json');
    const written = JSON.parse(readFileSync(join(dir, 'config.schema.json'), 'utf8')) as Record<string, unknown>;
    expect(written).toEqual(json((await runCli(['schema'])).stdout));
    // The modeline is a YAML comment: the config still loads (a dry run reads and validates it).
    const dryRun = await runCli(['run', dir, '--dry-run', '--steps', '1']);
    expect(dryRun.code, dryRun.stderr).toBe(0);
  });
});

describe('the JSON Schema in imported folders', () => {
  it('`import` (and `init --from`) write the schema and the yaml-language-server line too', async () => {
    const source = join(repoRoot, 'src', 'importers', 'fixtures', 'openevolve-example');
    for (const command of [
      ['import', source],
      ['init', '--from', source],
    ]) {
      const dir = join(makeTempDir(), 'imported');
      const result = await runCli(command[0] === 'import' ? [...command, dir] : ['init', dir, '--from', source]);
      expect(result.code, result.stderr).toBe(0);
      expect(readFileSync(join(dir, 'config.yaml'), 'utf8').split('\n')[0]).toBe(
        '# yaml-language-server: $schema=./config.schema.json',
      );
      expect(JSON.parse(readFileSync(join(dir, 'config.schema.json'), 'utf8'))).toHaveProperty(
        'title',
        'asi-evolve config.yaml',
      );
    }
  });
});

describe('shell completion', () => {
  /** What bash completion offers for the words typed so far (the last one is being completed). */
  function complete(script: string, words: string[]): string[] {
    const file = join(makeTempDir(), 'completion.bash');
    writeFileSync(file, script);
    const program = `source ${file}; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _asi_evolve_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const result = spawnSync('bash', ['-c', program, 'bash', 'asi-evolve', ...words], {
      encoding: 'utf8',
      cwd: makeTempDir(),
    });
    expect(result.status, result.stderr).toBe(0);
    return result.stdout.split('\n').filter((line) => line !== '');
  }

  it('bash: completes commands, subcommands, options and fixed option values', async () => {
    const result = await runCli(['completion', 'bash']);
    expect(result.code, result.stderr).toBe(0);
    const script = result.stdout;
    expect(complete(script, [''])).toEqual(
      expect.arrayContaining(['init', 'run', 'status', 'best', 'cognition', 'schema', 'completion', '--version']),
    );
    expect(complete(script, [''])).not.toContain('evaluate-job');
    expect(complete(script, ['sta'])).toEqual(['status']);
    expect(complete(script, ['run', '--st'])).toEqual(['--steps']);
    expect(complete(script, ['status', 'dir', '--'])).toEqual(
      expect.arrayContaining(['--json', '--provenance', '--experiment']),
    );
    expect(complete(script, ['cognition', 'a'])).toEqual(['add']);
    expect(complete(script, ['cognition', 'add', 'dir', '--co'])).toEqual(['--content', '--config']);
    expect(complete(script, ['export', 'dir', '--format', ''])).toEqual(['jsonl', 'json', 'csv']);
    expect(complete(script, ['init', 'dir', '--template', 'circle'])).toEqual(['circle-packing', 'circle-packing-py']);
    expect(complete(script, ['completion', ''])).toEqual(['bash', 'zsh']);
  });

  it('zsh: a #compdef script with every command, option and fixed value; an unknown shell is a usage error', async () => {
    const result = await runCli(['completion', 'zsh']);
    expect(result.code, result.stderr).toBe(0);
    const script = result.stdout;
    expect(script.startsWith('#compdef asi-evolve\n')).toBe(true);
    expect(script).toContain('compdef _asi_evolve asi-evolve');
    for (const name of ['init', 'run', 'status', 'best', 'show', 'lineage', 'export', 'cognition add', 'completion'])
      expect(script).toContain(`'${name}')`);
    expect(script).toContain("'--json:print JSON (for scripts) instead of text'");
    expect(script).toContain("'export|--format') compadd -- 'jsonl' 'json' 'csv'");
    const unknown = await runCli(['completion', 'fish']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("completion expects a shell (bash or zsh), got 'fish'");
  });
});

describe('run --json', () => {
  it('writes one JSON event a line that another program can follow: start, rounds, evaluations, LLM calls, stores, done', async () => {
    const { server } = await startFakeLlm((request) =>
      request.role === 'analyzer'
        ? analysisAnswer(`Round ${request.round}: as predicted.`)
        : rewriteAnswer(`idea-${request.round}`, 'Raise the score.', `score = ${(request.round ?? 0) + 1}\n`),
    );
    const dir = makeExperiment({
      initialProgram: 'score = 1\n',
      config: { api: fakeApi(server.url), pipeline: { researcher: { diff_based_evolution: false } } },
    });
    const result = await runCli(['run', dir, '--steps', '2', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    const events = lines.map(
      (line) =>
        JSON.parse(line) as {
          event: string;
          time: string;
          step?: number;
          label?: string;
          node?: { id: number; score: number };
        },
    );
    for (const event of events) expect(Number.isNaN(Date.parse(event.time))).toBe(false);
    expect(events[0]).toMatchObject({ event: 'notice' });
    expect(
      events.some(
        (event) =>
          event.event === 'notice' &&
          String((event as { message?: string }).message).includes(`LLM: test-model at ${server.url}`),
      ),
    ).toBe(true);
    const kinds = events.map((event) => event.event);
    expect(kinds).toContain('run-started');
    expect(kinds.at(-1)).toBe('done');
    expect(events.at(-1)).toMatchObject({ reason: 'done', completed: 2, target: 2, best: { id: 2, score: 3 } });
    // The seed, then each round: started, the Researcher's call, the evaluations, the Analyzer's call, stored.
    const stored = events.filter((event) => event.event === 'stored');
    expect(stored.map((event) => [event.step, event.node?.score])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    for (const step of [1, 2]) {
      const ofStep = events
        .filter((event) => event.step === step)
        .map((event) => (event.label ? `${event.event} ${event.label}` : event.event));
      // A Researcher answer may be asked again (a parse or novelty retry): the order is what is checked.
      const first = (entry: string): number => ofStep.indexOf(entry);
      expect(ofStep[0]).toBe('round-started');
      expect(ofStep.at(-1)).toBe('stored');
      expect(first('llm-call researcher call (test-model)')).toBeGreaterThan(0);
      expect(first('llm-call-done researcher call (test-model)')).toBeGreaterThan(
        first('llm-call researcher call (test-model)'),
      );
      expect(first('evaluating evaluation')).toBeGreaterThan(first('llm-call-done researcher call (test-model)'));
      expect(first('evaluated evaluation')).toBe(first('evaluating evaluation') + 1);
      // Each round beats the best so far, and a new best is evaluated again to confirm it.
      expect(first('evaluating re-evaluation')).toBeGreaterThan(first('evaluated evaluation'));
      expect(first('llm-call analyzer call (test-model)')).toBeGreaterThan(first('evaluated re-evaluation'));
      expect(first('llm-call-done analyzer call (test-model)')).toBe(ofStep.length - 2);
    }
    expect(events.filter((event) => event.step === 0).map((event) => event.event)).toContain('evaluating');
  });
});
