import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import { isRunOutput } from '../../src/config/index.js';
import { startFakeOpenAIServer, type FakeReply } from '../../src/llm/test-support/fake-openai-server.js';
import { openStore, type NodeRecord } from '../../src/store/index.js';
import { runCli, type CliResult } from '../../test/e2e/helpers.js';

/** One scripted Researcher answer: a full rewrite. */
export interface ScriptedDesign {
  name: string;
  motivation: string;
  program: string;
}

/** A run of an example through the CLI with a fake LLM. */
export interface ScriptedRunOptions {
  /** Absolute path of the example folder; it is copied, never run in place. */
  experimentDir: string;
  /** The Researcher's answer in round 1, then in every later round. */
  designs: readonly [first: ScriptedDesign, later: ScriptedDesign];
  /** The Analyzer's report, every round. */
  analysis: string;
  /** Rounds to run. @default 2 */
  steps?: number;
  /** SIGKILL the CLI after this long (the test then fails on its assertions). */
  timeoutMs: number;
}

/** What the run printed and stored. */
export interface ScriptedRun extends CliResult {
  /** The copy of the example that was run (removed after the check). */
  dir: string;
  /** The nodes stored, in id order; empty when the run made no database. */
  nodes: NodeRecord[];
}

function designAnswer(design: ScriptedDesign): FakeReply {
  return {
    text: `<name>${design.name}</name>\n<motivation>${design.motivation}</motivation>\n<code>\n${design.program}</code>`,
  };
}

/**
 * Runs `asi-evolve run <copy of the example> --steps N` (the built CLI: `npm run build` first)
 * without API keys, against a loopback fake LLM that answers the Researcher with `designs` in
 * full-rewrite mode and the Analyzer with `analysis`, using the evaluator's quick preset
 * (`eval.sh ... --preset quick`). `check` sees what was printed and stored; the copy and the
 * fake server are removed afterwards, whatever `check` throws.
 * @example
 * await withScriptedRun({ experimentDir, designs: [better, broken], analysis: 'It helped.', timeoutMs: 100_000 }, (run) => {
 *   expect(run.code).toBe(0);
 * });
 */
export async function withScriptedRun(
  options: ScriptedRunOptions,
  check: (run: ScriptedRun) => void | Promise<void>,
): Promise<void> {
  const name = basename(options.experimentDir);
  const root = mkdtempSync(join(tmpdir(), `asi-${name}-`));
  const [first, later] = options.designs;
  const answer = (body: unknown): FakeReply => {
    const text = JSON.stringify(body);
    if (text.includes('You are the Analyzer')) return { text: `<analysis>${options.analysis}</analysis>` };
    const round = Number(/This is round (\d+)\./.exec(text)?.[1] ?? '0');
    return designAnswer(round === 1 ? first : later);
  };
  const server = await startFakeOpenAIServer(Array.from({ length: 40 }, () => answer));
  try {
    const dir = join(root, name);
    cpSync(options.experimentDir, dir, { recursive: true, filter: (path) => !isRunOutput(basename(path)) });
    const configPath = join(root, 'test-config.yaml');
    writeFileSync(
      configPath,
      stringify({
        api: { model: 'test', base_url: server.url, retry_delay: 0.05, timeout: 10 },
        pipeline: { researcher: { diff_based_evolution: false } },
        evaluator: { command: 'bash "$ASI_EXPERIMENT_DIR/eval.sh" "$ASI_PROGRAM_PATH" . --preset quick' },
      }),
    );
    const steps = String(options.steps ?? 2);
    const result = await runCli(['run', dir, '--steps', steps, '--config', configPath], {
      timeoutMs: options.timeoutMs,
    });
    await check({ ...result, dir, nodes: readNodes(join(dir, 'asi-evolve.db')) });
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

function readNodes(databasePath: string): NodeRecord[] {
  if (!existsSync(databasePath)) return [];
  const store = openStore(databasePath, { readonly: true });
  try {
    return store.listNodes();
  } finally {
    store.close();
  }
}
