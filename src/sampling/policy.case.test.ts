import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AsiEvolveError } from '../errors.js';
import { configSchema } from '../config/schema.js';
import { createRandom } from '../random.js';
import type { JsonValue } from '../domain/index.js';
import type { SampleableNode, SamplingPolicy, Selection } from './policy.js';
import { createSamplingPolicy, samplingAlgorithms } from './registry.js';

/** Builds a policy for the shared cases; `allowFailed` mirrors `allow_failed_parents`. */
export type PolicyFactory = (options: { allowFailed: boolean }) => SamplingPolicy;

/** A node with sensible defaults: successful, scored, unvisited, no island. */
export function makeNode(fields: Partial<SampleableNode> & { id: number }): SampleableNode {
  return {
    step: fields.id,
    score: 1,
    success: true,
    visitCount: 0,
    island: null,
    programLength: 100,
    metrics: {},
    ...fields,
  };
}

/** A simulated experiment database that the cases drive as the loop would. */
export interface World {
  nodes: SampleableNode[];
  nextId: number;
}

/** The starting database: the seed (island null), then a mix of nodes, some failed. */
export function makeWorld(seed: number): World {
  const outcome = createRandom(`world:${seed}`);
  const nodes: SampleableNode[] = [makeNode({ id: 0, score: 1, programLength: 120, metrics: { accuracy: 0.5 } })];
  for (let id = 1; id <= 6; id++) nodes.push(randomNode(id, id, outcome.int(4) === 3 ? null : outcome.int(3), outcome));
  return { nodes, nextId: nodes.length };
}

function randomNode(
  id: number,
  step: number,
  island: number | null,
  outcome: ReturnType<typeof createRandom>,
): SampleableNode {
  const success = outcome.next() > 0.3;
  return makeNode({
    id,
    step,
    island,
    success,
    // Coarse scores make ties common, which is where determinism usually breaks.
    score: success ? Math.round(outcome.next() * 20) / 2 : null,
    programLength: 40 + outcome.int(400),
    metrics: outcome.next() > 0.2 ? { accuracy: outcome.next() } : {},
  });
}

function cloneWorld(world: World): World {
  return { nodes: [...world.nodes], nextId: world.nextId };
}

function checkSelection(selection: Selection, world: World, n: number, allowFailed: boolean): void {
  expect(selection.context.length).toBeLessThanOrEqual(n);
  expect(selection.parent).toBe(selection.context[0] ?? null);
  expect(new Set(selection.context.map((node) => node.id)).size).toBe(selection.context.length);
  for (const node of selection.context) {
    // The policy returns its latest copy of a stored node: the same fields, visit count included.
    expect(world.nodes.find((stored) => stored.id === node.id)).toEqual(node);
    if (!allowFailed) {
      expect(node.success).toBe(true);
      expect(node.score).not.toBeNull();
    }
  }
}

/**
 * Plays `rounds` rounds as the loop does: select with a per-round random, check the selection,
 * count visits on the selected nodes, store a new node on the selected island and observe it.
 * Returns one line per round: island and selected ids.
 */
export function playRounds(
  policy: SamplingPolicy,
  world: World,
  options: { rounds: number; firstRound: number; seed: number; n?: number; allowFailed?: boolean },
): string[] {
  const n = options.n ?? 3;
  const trace: string[] = [];
  for (let round = options.firstRound; round < options.firstRound + options.rounds; round++) {
    const random = createRandom(options.seed).fork(`round-${round}`);
    const selection = policy.select({ n, random });
    checkSelection(selection, world, n, options.allowFailed ?? false);
    trace.push(`${selection.island}:${selection.context.map((node) => node.id).join(',')}`);
    const selected = new Set(selection.context.map((node) => node.id));
    world.nodes = world.nodes.map((node) =>
      selected.has(node.id) ? { ...node, visitCount: node.visitCount + 1 } : node,
    );
    // As the loop does: a node whose visit count grew is observed again.
    for (const node of world.nodes) if (selected.has(node.id)) policy.observe(node);
    const node = randomNode(world.nextId++, round, selection.island, createRandom(`outcome:${options.seed}:${round}`));
    world.nodes.push(node);
    policy.observe(node);
  }
  return trace;
}

/** The policy after observing `nodes`, as the loop starts it on a stored population. */
export function observing(policy: SamplingPolicy, nodes: readonly SampleableNode[]): SamplingPolicy {
  for (const node of nodes) policy.observe(node);
  return policy;
}

function startedPolicy(factory: PolicyFactory, world: World, allowFailed = false): SamplingPolicy {
  return observing(factory({ allowFailed }), world.nodes);
}

/** Evicts `ids` from the world and tells the policy, as the loop does at database.max_size. */
function evict(policy: SamplingPolicy, world: World, ids: readonly number[]): void {
  world.nodes = world.nodes.filter((node) => !ids.includes(node.id));
  for (const id of ids) policy.forget(id);
}

function jsonCopy(value: JsonValue): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/** The behaviours every sampling policy shares (hono's common.case.test pattern). */
export function runPolicyCases(name: string, factory: PolicyFactory): void {
  describe(`${name}: shared policy cases`, () => {
    it('repeats the same selections under the same seed', () => {
      const first = playRounds(startedPolicy(factory, makeWorld(1)), makeWorld(1), {
        rounds: 20,
        firstRound: 1,
        seed: 42,
      });
      const second = playRounds(startedPolicy(factory, makeWorld(1)), makeWorld(1), {
        rounds: 20,
        firstRound: 1,
        seed: 42,
      });
      expect(second).toEqual(first);
      expect(first.every((line) => line.split(':')[1] !== '')).toBe(true);
    });

    it('never returns a failed node unless allowed, and then does when nothing else exists', () => {
      const failed = [0, 1, 2].map((id) => makeNode({ id, success: false, score: null }));
      const strict = factory({ allowFailed: false });
      const lenient = factory({ allowFailed: true });
      for (const node of failed) {
        strict.observe(node);
        lenient.observe(node);
      }
      const random = createRandom(3);
      expect(strict.select({ n: 3, random }).parent).toBeNull();
      const selection = lenient.select({ n: 3, random });
      expect(selection.parent).not.toBeNull();
      checkSelection(selection, { nodes: failed, nextId: 3 }, 3, true);
      for (const seed of [5, 6, 7]) {
        const world = makeWorld(seed);
        playRounds(startedPolicy(factory, world), world, { rounds: 20, firstRound: 1, seed });
      }
    });

    it('returns at most n distinct nodes, parent first', () => {
      for (const n of [1, 2, 5, 100]) {
        const world = makeWorld(n);
        const policy = startedPolicy(factory, world);
        playRounds(policy, world, { rounds: 20, firstRound: 1, seed: n, n });
        const selection = policy.select({ n, random: createRandom(n) });
        expect(selection.context.length).toBeGreaterThan(0);
        checkSelection(selection, world, n, false);
      }
      const world = makeWorld(9);
      const none = startedPolicy(factory, world).select({ n: 0, random: createRandom(9) });
      expect(none.parent).toBeNull();
      expect(none.context).toEqual([]);
    });

    it('returns a null parent and no context for an empty database', () => {
      const selection = factory({ allowFailed: false }).select({ n: 3, random: createRandom(1) });
      expect(selection.parent).toBeNull();
      expect(selection.context).toEqual([]);
    });

    it('continues identically after state() and restore(), whichever comes first on resume', () => {
      for (const split of [4, 10, 11]) {
        const world = makeWorld(split);
        const original = startedPolicy(factory, world);
        playRounds(original, world, { rounds: split, firstRound: 1, seed: 8 });
        const saved = jsonCopy(original.state());
        expect(jsonCopy(saved)).toEqual(saved);

        // Resume: restore, then the loop observes every stored node.
        const restoredFirst = factory({ allowFailed: false });
        restoredFirst.restore(saved);
        for (const node of world.nodes) restoredFirst.observe(node);
        // Or: the stored nodes are observed, then the state is restored.
        const observedFirst = startedPolicy(factory, world);
        observedFirst.restore(saved);

        const rest = { rounds: 15, firstRound: split + 1, seed: 8 };
        const expected = playRounds(original, cloneWorld(world), rest);
        expect(playRounds(restoredFirst, cloneWorld(world), rest)).toEqual(expected);
        expect(playRounds(observedFirst, cloneWorld(world), rest)).toEqual(expected);
      }
    });

    it('never selects an evicted node, and continues after evictions as a policy rebuilt from the survivors', () => {
      for (const seed of [3, 4, 5]) {
        const world = makeWorld(seed);
        const original = startedPolicy(factory, world);
        playRounds(original, world, { rounds: 12, firstRound: 1, seed });
        // Evict the best successful node and two others, as database.max_size may.
        const ranked = world.nodes
          .filter((node) => node.success)
          .sort((left, right) => (right.score ?? 0) - (left.score ?? 0));
        const evicted = [ranked[0]?.id, world.nodes[2]?.id, world.nodes[world.nodes.length - 1]?.id].filter(
          (id): id is number => id !== undefined,
        );
        // The loop saves the state with each round and evicts after it: a resume finds the state
        // from before the evictions, and only the surviving nodes.
        const saved = jsonCopy(original.state());
        evict(original, world, [...new Set(evicted)]);

        const rebuilt = factory({ allowFailed: false });
        rebuilt.restore(saved);
        observing(rebuilt, world.nodes);

        const rest = { rounds: 15, firstRound: 13, seed };
        const expected = playRounds(original, cloneWorld(world), rest);
        expect(playRounds(rebuilt, cloneWorld(world), rest)).toEqual(expected);
        for (const line of expected) {
          const ids = (line.split(':')[1] ?? '').split(',').filter(Boolean).map(Number);
          for (const id of evicted) expect(ids).not.toContain(id);
        }
      }
    });

    it('ignores nodes it has already observed', () => {
      const world = makeWorld(6);
      const policy = startedPolicy(factory, world);
      playRounds(policy, world, { rounds: 12, firstRound: 1, seed: 6 });
      const before = JSON.stringify(policy.state());
      for (const node of world.nodes) policy.observe(node);
      expect(JSON.stringify(policy.state())).toBe(before);
    });

    it('starts fresh from no state or another policy state, and rejects a corrupt state of its own', () => {
      const policy = factory({ allowFailed: false });
      policy.restore(null);
      policy.restore({ policy: 'some-other-policy', version: 1, anything: [1, 2] });
      const world = makeWorld(2);
      expect(observing(policy, world.nodes).select({ n: 2, random: createRandom(2) }).parent).not.toBeNull();
      let error: unknown;
      try {
        policy.restore({ policy: policy.name, version: 999 });
      } catch (caught) {
        error = caught;
      }
      expect(AsiEvolveError.isInstance(error) && error.code).toBe('STORE_CORRUPT');
    });
  });
}

// Run only when vitest runs this file itself, not when a policy's test file imports it:
// the suite over every algorithm as the config names it, through the registry.
if (expect.getState().testPath === fileURLToPath(import.meta.url)) {
  for (const algorithm of samplingAlgorithms) {
    runPolicyCases(`registry "${algorithm}"`, ({ allowFailed }) =>
      createSamplingPolicy(
        configSchema.parse({
          database: {
            sampling: {
              algorithm,
              allow_failed_parents: allowFailed,
              island: { num_islands: 3, migration_interval: 2 },
              pool: { size: 5, refresh_interval: 3, parent_top_k: 2 },
            },
          },
        }).database.sampling,
      ),
    );
  }
}
