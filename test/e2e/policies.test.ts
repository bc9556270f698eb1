import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cliEnv, copyExample, makeTempDir, readStored, runCli, useE2eCleanup } from './helpers.js';

useE2eCleanup();

const steps = 8;
const policies = ['ucb1', 'greedy', 'random', 'island', 'pool'] as const;
type Policy = (typeof policies)[number];

/** Small pool and island settings, so that 8 rounds see pool refreshes and island migrations. */
const policySettings: Record<Policy, Record<string, unknown>> = {
  ucb1: {},
  greedy: {},
  random: {},
  island: { island: { num_islands: 2, migration_interval: 1, migration_rate: 0.5 } },
  pool: { pool: { size: 4, refresh_interval: 3, parent_top_k: 2 } },
};

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Each round's sampled node ids (parent first), in step order. */
  parents: number[][];
  islands: Array<number | null>;
  programs: string[];
}

async function runDemo(policy: Policy, seed: number): Promise<Outcome> {
  const dir = copyExample('circle-packing');
  const configFile = join(makeTempDir('asi-policy-'), `${policy}.yaml`);
  writeFileSync(
    configFile,
    stringify({
      database: { sampling: { algorithm: policy, ...policySettings[policy] } },
      pipeline: { parallel: { num_workers: 1 } },
    }),
  );
  const result = await runCli(['run', dir, '--steps', String(steps), '--seed', String(seed), '--config', configFile], {
    env: cliEnv(),
  });
  const rounds = readStored(dir).nodes.filter((node) => node.step > 0);
  return {
    code: result.code,
    stdout: result.stdout,
    stderr: result.stderr,
    parents: rounds.map((node) => node.parentIds),
    islands: rounds.map((node) => node.island),
    programs: rounds.map((node) => node.program),
  };
}

describe('every sampling policy on the circle-packing demo (built-in operator, one worker)', () => {
  let runs: Map<Policy, readonly [Outcome, Outcome]>;
  // Two runs per policy with the same seed, all started at once to keep the file fast.
  beforeAll(async () => {
    const entries = await Promise.all(
      policies.map(async (policy) => [policy, await Promise.all([runDemo(policy, 7), runDemo(policy, 7)])] as const),
    );
    runs = new Map(entries);
  });

  it.each(policies)('%s runs the demo to completion', async (policy) => {
    const [first] = runs.get(policy)!;
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Run done: ${steps}/${steps} rounds`);
    expect(first.parents).toHaveLength(steps);
    // Every round sampled at least its parent, never more than sample_n (3), without repeats.
    for (const ids of first.parents) {
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThanOrEqual(3);
      expect(new Set(ids).size).toBe(ids.length);
    }
    if (policy === 'island') expect(new Set(first.islands)).toEqual(new Set([0, 1]));
    else expect(first.islands.every((island) => island === null)).toBe(true);
  });

  it.each(policies)('%s gives the same parents (and programs) for the same seed', async (policy) => {
    const [first, second] = runs.get(policy)!;
    expect(second.code).toBe(0);
    expect(second.parents).toEqual(first.parents);
    expect(second.islands).toEqual(first.islands);
    expect(second.programs).toEqual(first.programs);
  });

  it('a different seed gives a different sequence (the seed is what decides)', async () => {
    const [sameSeed] = runs.get('random')!;
    const otherSeed = await runDemo('random', 8);
    expect(otherSeed.code).toBe(0);
    expect(otherSeed.parents).not.toEqual(sameSeed.parents);
  });
});
