import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, resolveExperiment } from '../../config/index.js';
import { buildRunParts, runLoop, type RunSummary } from '../../loop/index.js';
import { openStore, type NodeRecord } from '../../store/index.js';
import { agentReply } from '../test-support/agent-responder.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../test-support/fake-openai-server.js';
import { writeTinyExperiment } from '../test-support/tiny-experiment.js';

async function runExperiment(dir: string): Promise<{ summary: RunSummary; nodes: NodeRecord[]; calls: number }> {
  const { config } = loadConfig({ experimentDir: dir, env: {} });
  const experiment = resolveExperiment(dir, config);
  const store = openStore(experiment.databasePath);
  const parts = await buildRunParts({ config, experiment, store, env: {} });
  try {
    const summary = await runLoop({
      parts: parts.loop,
      store,
      steps: config.run.steps,
      workers: 1,
      seed: config.run.seed,
    });
    return { summary, nodes: store.listNodes(), calls: store.listLlmCalls().length };
  } finally {
    await parts.close();
    store.close();
  }
}

const essence = (node: NodeRecord) => ({
  id: node.id,
  name: node.name,
  motivation: node.motivation,
  program: node.program,
  score: node.score,
  success: node.success,
  analysis: node.analysis,
  parentIds: node.parentIds,
  costUsd: node.costUsd,
  usage: node.usage,
});

describe('replay provider, whole run', () => {
  let root: string;
  let server: FakeOpenAIServer | undefined;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'asi-replay-run-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  it('reproduces a recorded run node for node without any model', async () => {
    server = await startFakeOpenAIServer(Array.from({ length: 40 }, () => agentReply));
    const shared =
      'pipeline:\n  researcher:\n    diff_based_evolution: false\n  sample_n: 2\nrun:\n  steps: 4\n  seed: 11\nevaluator:\n  timeout: 20\n';
    const recordedDir = join(root, 'recorded');
    writeTinyExperiment(recordedDir, `api:\n  model: gpt-4o-mini\n  base_url: ${server.url}\n${shared}`);
    const recorded = await runExperiment(recordedDir);
    expect(recorded.summary.reason).toBe('done');
    expect(recorded.nodes).toHaveLength(5);
    expect(recorded.nodes.slice(1).every((node) => node.operator === 'llm')).toBe(true);
    const requestsRecorded = server.requests.length;

    const replayDir = join(root, 'replayed');
    writeTinyExperiment(
      replayDir,
      `api:\n  provider: replay\n  model: gpt-4o-mini\n  transcript: ${recordedDir}\n${shared}`,
    );
    const replayed = await runExperiment(replayDir);
    expect(replayed.summary.reason).toBe('done');
    expect(server.requests).toHaveLength(requestsRecorded);
    expect(replayed.nodes.map(essence)).toEqual(recorded.nodes.map(essence));
    expect(replayed.calls).toBe(recorded.calls);
  });

  it('stops with a clear error when the replayed run asks something the recording never answered', async () => {
    server = await startFakeOpenAIServer(Array.from({ length: 40 }, () => agentReply));
    const recordedDir = join(root, 'recorded');
    writeTinyExperiment(
      recordedDir,
      `api:\n  model: gpt-4o-mini\n  base_url: ${server.url}\npipeline:\n  researcher:\n    diff_based_evolution: false\nrun:\n  steps: 1\n`,
    );
    await runExperiment(recordedDir);
    const replayDir = join(root, 'replayed');
    // A different task changes every prompt.
    writeTinyExperiment(
      replayDir,
      `api:\n  provider: replay\n  transcript: ${recordedDir}\npipeline:\n  researcher:\n    diff_based_evolution: false\nrun:\n  steps: 1\n`,
    );
    writeFileSync(join(replayDir, 'input.md'), 'A different task.\n');
    await expect(runExperiment(replayDir)).rejects.toThrow(/replay: no unserved analyzer call of .* has this prompt/);
  });
});
