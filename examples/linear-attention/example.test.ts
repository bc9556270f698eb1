import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/index.js';
import { requires } from '../../src/test-support/requires.js';
import { expectEachRejected, type RejectedCase } from '../test-support/expect-rejected.js';
import { runEvaluator } from '../test-support/run-evaluator.js';
import { withScriptedRun } from '../test-support/scripted-run.js';

const experimentDir = dirname(fileURLToPath(import.meta.url));
const seed = readFileSync(join(experimentDir, 'initial_program'), 'utf8');
const quick = ['--preset', 'quick'];
const needsTorch = requires('torch');

function score(program: string, extraArguments: string[] = []) {
  return runEvaluator({ experimentDir, program, programFile: 'program.py', extraArguments });
}

/** A layer whose forward pass is `body` (x: [batch, length, d_model]), with a linear projection. */
const layer = (body: string): string => `import torch
from torch import nn


class SequenceMixer(nn.Module):
    def __init__(self, d_model, num_heads):
        super().__init__()
        self.projection = nn.Linear(d_model, d_model)

    def forward(self, x):
${body
  .split('\n')
  .map((line) => `        ${line}`)
  .join('\n')}
`;

/** Causal softmax attention over the whole sequence: correct, but quadratic in the length. */
const softmaxAttention = `import torch
from torch import nn


class SequenceMixer(nn.Module):
    def __init__(self, d_model, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.output = nn.Linear(d_model, d_model)

    def forward(self, x):
        batch, length, d_model = x.shape
        q, k, v = self.qkv(x).view(batch, length, 3, self.num_heads, -1).permute(2, 0, 3, 1, 4)
        scores = (q @ k.transpose(-1, -2)) / q.shape[-1] ** 0.5
        future = torch.ones(length, length, dtype=torch.bool).triu(1)
        weights = scores.masked_fill(future, float("-inf")).softmax(-1)
        return self.output((weights @ v).transpose(1, 2).reshape(batch, length, d_model))
`;

describe('linear-attention evaluator', needsTorch, () => {
  it(
    'scores the DeltaNet seed the same twice at the default size, each run within 60 s',
    { timeout: 240_000 },
    async () => {
      const first = await score(seed);
      const second = await score(seed);
      console.log(
        `linear-attention seed (default size): eval_score ${String(first.results?.eval_score)} in ${first.seconds.toFixed(1)} s, ` +
          `then ${String(second.results?.eval_score)} in ${second.seconds.toFixed(1)} s`,
      );
      expect(first.exitCode).toBe(0);
      expect(first.results).toMatchObject({
        success: true,
        causal: true,
        preset: 'default',
        num_pairs: 8,
        train_steps: 250,
      });
      expect(first.results?.eval_score).toBe(first.results?.accuracy);
      // Chance is 1/32; the seed learns part of the recall within the budget (0.3623 on the reference machine).
      expect(first.results?.eval_score as number).toBeGreaterThan(0.1);
      expect(first.results?.length_exponent as number).toBeLessThan(1.5);
      expect(second.results?.eval_score).toBe(first.results?.eval_score);
      expect(second.results?.eval_loss).toBe(first.results?.eval_loss);
      expect(first.seconds).toBeLessThan(60);
      expect(second.seconds).toBeLessThan(60);
      expect(first.stdout).toMatch(/recall accuracy = 0\.\d{4}/);
    },
  );

  it('rejects softmax attention over the whole sequence as not sub-quadratic', { timeout: 120_000 }, async () => {
    const run = await score(softmaxAttention);
    expect(run.exitCode).toBe(0);
    expect(run.results).toMatchObject({ success: false, eval_score: 0 });
    expect(run.results?.error).toMatch(
      /^not sub-quadratic: the forward time grew from .* ms at length 512 to .* ms at length 4096, as length\^/,
    );
  });

  const brokenCases: RejectedCase[] = [
    [
      'a layer that reads the future (mean over the sequence)',
      layer('return self.projection(x + x.mean(dim=1, keepdim=True))'),
      /^not causal: changing the inputs from position \d+ on changed the output at position 0 by /,
    ],
    [
      'a layer that mixes the sequences of a batch',
      layer('return self.projection(x + x.mean(dim=0, keepdim=True))'),
      /sequences must not mix/,
    ],
    [
      'a layer that returns NaN',
      layer("return self.projection(x) * float('nan')"),
      /^the layer returned NaN or infinite values for a batch of length 16/,
    ],
    [
      'a layer of the wrong shape',
      layer('return self.projection(x)[:, :-1]'),
      /^the layer must return a tensor of shape \(2, 16, 32\) for a batch of length 16, got \(2, 15, 32\)/,
    ],
    [
      'a layer that raises',
      layer("raise RuntimeError('no memory today')"),
      /^the layer raised RuntimeError on a batch of length 16: no memory today/,
    ],
    ['a program without SequenceMixer', 'import torch\n', /^the program does not define a class SequenceMixer/],
    [
      'a program that exits the interpreter',
      'import os\nos._exit(3)\n',
      /^the program exited with code 3 during checks/,
    ],
  ];

  it('rejects broken layers with the reason', { timeout: 120_000 }, async () => {
    await expectEachRejected(brokenCases, (program) => score(program, quick));
  });

  it('stops a program at its time limit and says in which stage', { timeout: 60_000 }, async () => {
    const run = await score('import time\ntime.sleep(60)\n', [...quick, '--timeout', '2']);
    expect(run.results).toMatchObject({
      success: false,
      eval_score: 0,
      error: 'the program timed out after 2 s (during checks)',
    });
  });
});

describe('linear-attention experiment folder', () => {
  it('has a config that the schema accepts', () => {
    const config = configSchema.parse(parse(readFileSync(join(experimentDir, 'config.yaml'), 'utf8')));
    expect(config.evaluator.program_file).toBe('program.py');
    expect(config.pipeline.engineer_timeout).toBeGreaterThan(100);
  });

  it(
    'runs 2 rounds end to end through the CLI with scripted LLM answers',
    { ...needsTorch, timeout: 180_000 },
    async () => {
      const stronger = seed.replace('BETA_MAX = 1.0', 'BETA_MAX = 1.5');
      // Full rewrites must keep the code outside the EVOLVE-BLOCK of the parent as it is.
      const leaky = seed.replace(
        'heads = delta_rule_chunked(q, k, v, beta, CHUNK_SIZE)',
        'heads = delta_rule_chunked(q, k, v, beta, CHUNK_SIZE)\n        heads = heads + heads.mean(dim=2, keepdim=True)',
      );
      const designs = [
        { name: 'larger beta', motivation: 'Let beta reach 1.5 (negative eigenvalues).', program: stronger },
        { name: 'global context', motivation: 'Add the sequence mean to every position.', program: leaky },
      ] as const;
      await withScriptedRun(
        { experimentDir, designs, analysis: 'Recall moved with beta; keep the delta rule.', timeoutMs: 150_000 },
        (run) => {
          expect(run.stderr).toBe('');
          expect(run.code).toBe(0);
          const { dir, nodes } = run;
          expect(nodes.map((node) => [node.id, node.name, node.success, node.operator])).toEqual([
            [0, 'seed', true, 'seed'],
            [1, 'larger beta', true, 'llm'],
            [2, 'global context', false, 'llm'],
          ]);
          expect(nodes[0]!.results).toMatchObject({ preset: 'quick', causal: true });
          expect(nodes[1]!.program).toContain('BETA_MAX = 1.5');
          expect(nodes[2]!.program).toContain('heads = heads + heads.mean(dim=2, keepdim=True)');
          expect(nodes[1]!.evalScore).toBe(nodes[1]!.results.accuracy);
          expect(nodes[1]!.analysis).toBe('Recall moved with beta; keep the delta rule.');
          expect(nodes[2]!.error).toMatch(
            /not causal: changing the inputs from position \d+ on changed the output at position 0/,
          );
          expect(existsSync(join(dir, 'steps', 'step_2', 'results.json'))).toBe(true);
        },
      );
    },
  );
});
