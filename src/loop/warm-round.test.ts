import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Designer } from '../agents/index.js';
import { createLocalExecutor, type Executor } from '../cluster/index.js';
import { configSchema } from '../config/index.js';
import type { WarmSandbox } from '../evaluation/index.js';
import { sandboxModesHere, survivorsOf, uniqueSleepSeconds } from '../evaluation/test-support/scratch.js';
import { requires } from '../test-support/requires.js';
import { openStore, type Store } from '../store/index.js';
import { runLoop, type LoopParts } from './run.js';
import { testLoopParts } from './test-support/loop-parts.js';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'asi-warm-round-'));
  writeFileSync(join(dir, 'input.md'), 'Make x close to 3.\n');
  writeFileSync(join(dir, 'initial_program'), 'const x = 1.0;\n');
  store = openStore(join(dir, 'asi-evolve.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the round asked of the executor: the warm sandboxes it started, and what each run was given. */
interface Recorded {
  warmed: Array<{ stepDir: string; discards: number }>;
  runs: Array<{ stepDir: string; warmed: boolean }>;
  /** How many sandboxes had been warmed when each run's evaluation ended. */
  warmedByRunEnd?: number[];
}

/** The local executor, recording warm starts, discards and runs. */
function recordingExecutor(recorded: Recorded): Executor {
  const local = createLocalExecutor({ concurrency: 1 });
  const started = new WeakMap<WarmSandbox, WarmSandbox>();
  return {
    name: local.name,
    description: local.description,
    warm(job) {
      const warm = local.warm?.(job) ?? null;
      if (warm === null) return null;
      const entry = { stepDir: job.stepDir, discards: 0 };
      recorded.warmed.push(entry);
      const recording: WarmSandbox = {
        stepDir: warm.stepDir,
        started: warm.started,
        discard: () => {
          entry.discards += 1;
          return warm.discard();
        },
      };
      started.set(recording, warm);
      return recording;
    },
    run(job, options = {}) {
      recorded.runs.push({ stepDir: job.stepDir, warmed: options.warm !== undefined });
      const warm = options.warm === undefined ? undefined : started.get(options.warm);
      return local.run(job, { ...options, warm }).then((outcome) => {
        recorded.warmedByRunEnd?.push(recorded.warmed.length);
        return outcome;
      });
    },
    close: () => local.close(),
  };
}

function parts(mode: 'bubblewrap' | 'unshare', command: string, executor: Executor, designer?: Designer): LoopParts {
  const config = configSchema.parse({ pipeline: { engineer_timeout: 20 }, evaluator: { command, kill_grace: 0.5 } });
  return testLoopParts(dir, {
    config,
    executor,
    sandbox: { mode, network: false, readPaths: [] },
    ...(designer ? { designer } : {}),
  });
}

describe.each(sandboxModesHere().filter((mode) => mode !== 'none'))('a round with sandbox mode %s', (mode) => {
  const options = mode === 'bubblewrap' ? requires('bubblewrap') : {};
  const isolating = mode as 'bubblewrap' | 'unshare';

  it('evaluates its candidate in the sandbox it started before the design', options, async () => {
    const recorded: Recorded = { warmed: [], runs: [] };
    const executor = recordingExecutor(recorded);
    const command = `cp "$1" seen; echo '{"eval_score": 1}' > results.json`;
    const summary = await runLoop({ parts: parts(isolating, command, executor), store, steps: 2, workers: 1, seed: 1 });
    await executor.close();
    expect(summary).toMatchObject({ completed: 2 });
    const stepDir = (step: number): string => join(dir, 'steps', `step_${step}`);
    // The seed is evaluated cold; each round warms its step's sandbox and runs in it.
    expect(recorded.warmed.map((entry) => entry.stepDir)).toEqual([stepDir(1), stepDir(2)]);
    expect(recorded.runs).toEqual([
      { stepDir: stepDir(0), warmed: false },
      { stepDir: stepDir(1), warmed: true },
      { stepDir: stepDir(2), warmed: true },
    ]);
    for (const node of store.listNodes()) expect(node).toMatchObject({ success: true, score: 1 });
  });

  it("starts the next round's sandbox once this round's evaluation has started, not at its end", options, async () => {
    const recorded: Recorded = { warmed: [], runs: [], warmedByRunEnd: [] };
    const executor = recordingExecutor(recorded);
    const command = `sleep 0.2; echo '{"eval_score": 1}' > results.json`;
    await runLoop({ parts: parts(isolating, command, executor), store, steps: 2, workers: 1, seed: 1 });
    await executor.close();
    // The seed's evaluation ends before any warm start; round 1's, after round 2's sandbox was started.
    expect(recorded.warmedByRunEnd).toEqual([0, 2, 2]);
    expect(recorded.runs.map((run) => run.warmed)).toEqual([false, true, true]);
  });

  it('keeps the sandboxes of the next two rounds started', options, async () => {
    const recorded: Recorded = { warmed: [], runs: [], warmedByRunEnd: [] };
    const executor = recordingExecutor(recorded);
    const command = `sleep 0.2; echo '{"eval_score": 1}' > results.json`;
    await runLoop({ parts: parts(isolating, command, executor), store, steps: 4, workers: 1, seed: 1 });
    await executor.close();
    // Round 1's evaluation ends after the sandboxes of rounds 2 and 3 were started (one ahead: 2 of 4).
    expect(recorded.warmedByRunEnd).toEqual([0, 3, 4, 4, 4]);
    expect(recorded.runs.map((run) => run.warmed)).toEqual([false, true, true, true, true]);
  });

  it('evaluates cold, and completes, with an executor whose warm() throws', options, async () => {
    const local = createLocalExecutor({ concurrency: 1 });
    let attempts = 0;
    const throwing: Executor = {
      ...local,
      name: local.name,
      description: local.description,
      warm: () => {
        attempts += 1;
        throw new Error('warm() broke');
      },
      run: (job, runOptions) => local.run(job, runOptions),
      close: () => local.close(),
    };
    const command = `echo '{"eval_score": 1}' > results.json`;
    const summary = await runLoop({ parts: parts(isolating, command, throwing), store, steps: 3, workers: 1, seed: 1 });
    await throwing.close();
    expect(summary).toMatchObject({ completed: 3 });
    expect(attempts).toBeGreaterThan(0);
    for (const node of store.listNodes()) expect(node).toMatchObject({ success: true, score: 1 });
  });

  it('ends the sandbox it started for the next round when the run stops first', options, async () => {
    const recorded: Recorded = { warmed: [], runs: [] };
    const executor = recordingExecutor(recorded);
    const marker = uniqueSleepSeconds();
    const command = `touch ran-${marker}; echo '{"eval_score": 1}' > results.json`;
    const stop = new AbortController();
    await runLoop({
      parts: parts(isolating, command, executor),
      store,
      steps: 3,
      workers: 1,
      seed: 1,
      abortSignal: stop.signal,
      onEvent: (event) => {
        if (event.type === 'round-end') stop.abort();
      },
    });
    await executor.close();
    // Rounds 2 and 3's sandboxes were started as round 1 was evaluated, and ended unused.
    expect(recorded.warmed).toEqual([
      { stepDir: join(dir, 'steps', 'step_1'), discards: 1 },
      { stepDir: join(dir, 'steps', 'step_2'), discards: 1 },
      { stepDir: join(dir, 'steps', 'step_3'), discards: 1 },
    ]);
    expect(recorded.runs.map((run) => run.stepDir)).toEqual([
      join(dir, 'steps', 'step_0'),
      join(dir, 'steps', 'step_1'),
    ]);
    expect(await survivorsOf(marker, 3_000)).toEqual([]);
  });

  it('ends the warm sandbox of a round whose design failed, having run nothing', options, async () => {
    const recorded: Recorded = { warmed: [], runs: [] };
    const executor = recordingExecutor(recorded);
    const marker = uniqueSleepSeconds();
    const failing: Designer = {
      name: 'failing',
      design: () => Promise.reject(new Error('no idea')),
    };
    const command = `touch ran-${marker}; echo '{"eval_score": 1}' > results.json`;
    await runLoop({ parts: parts(isolating, command, executor, failing), store, steps: 1, workers: 1, seed: 1 });
    await executor.close();
    expect(recorded.warmed).toEqual([{ stepDir: join(dir, 'steps', 'step_1'), discards: 1 }]);
    expect(recorded.runs).toHaveLength(1);
    expect(store.listNodes()[1]).toMatchObject({ success: false, name: 'design-failed' });
    expect(await survivorsOf(marker, 3_000)).toEqual([]);
  });
});
