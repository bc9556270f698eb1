import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  analysisAnswer,
  cliEnv,
  copyExample,
  diffAnswer,
  fakeApi,
  readStored,
  runCli,
  startFakeLlm,
  stepFile,
  useE2eCleanup,
} from './helpers.js';

useE2eCleanup();

const seedScore = 0.959764;

describe('the circle-packing demo without any LLM', () => {
  it('runs 30 rounds, beats the seed, and every inspection command works on the result', async () => {
    const dir = copyExample('circle-packing');
    const env = cliEnv();
    expect(env.OPENAI_API_KEY).toBeUndefined();

    const run = await runCli(['run', dir, '--steps', '30'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('BUILT-IN NO-MODEL OPERATOR');
    expect(run.stdout).toContain('Evaluations: on this machine, 1 at a time.');
    expect(run.stdout).toContain('Run done: 30/30 rounds');

    const { nodes, calls } = readStored(dir);
    expect(nodes.map((node) => node.id)).toEqual(Array.from({ length: 31 }, (_, index) => index));
    expect(nodes.every((node) => node.step === node.id)).toBe(true);
    const seed = nodes[0]!;
    expect(seed.operator).toBe('seed');
    expect(seed.score).toBeCloseTo(seedScore, 6);
    expect(calls).toEqual([]);
    const rounds = nodes.slice(1);
    expect(rounds.every((node) => node.operator.startsWith('builtin:'))).toBe(true);
    expect(rounds.every((node) => node.parentIds.length > 0)).toBe(true);
    const best = Math.max(...nodes.map((node) => node.score ?? -Infinity));
    expect(best).toBeGreaterThan(seedScore);

    // Each step folder holds the candidate it evaluated and the node as stored.
    for (const node of nodes) {
      expect(stepFile(dir, node.step, 'code')).toBe(node.program);
      expect(JSON.parse(stepFile(dir, node.step, 'node.json')).id).toBe(node.id);
      if (node.success)
        expect(JSON.parse(stepFile(dir, node.step, 'results.json')).eval_score).toBeCloseTo(node.evalScore ?? NaN, 9);
    }
    const bestNode = nodes.find((node) => node.score === best)!;
    expect(readFileSync(join(dir, 'best', 'code'), 'utf8')).toBe(bestNode.program);
    expect(existsSync(join(dir, 'best', 'program.js'))).toBe(true);

    const bestOutput = await runCli(['best', dir], { env });
    expect(bestOutput.code).toBe(0);
    const printed = Number(/Best score: ([\d.]+)/.exec(bestOutput.stdout)?.[1]);
    expect(printed).toBeGreaterThan(seedScore);
    expect(printed).toBeCloseTo(best, 5);

    const status = await runCli(['status', dir], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Rounds stored: 30 (30 succeeded, 0 failed)');
    expect(status.stdout).toContain(`Seed: ${seedScore}`);

    const show = await runCli(['show', dir, '0'], { env });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`Node 0 (step 0) "seed" — score ${seedScore}`);
    expect(show.stdout).toContain(seed.program.trim().split('\n')[0]!);

    const lineage = await runCli(['lineage', dir, String(bestNode.id)], { env });
    expect(lineage.code).toBe(0);
    const lineageLines = lineage.stdout.trim().split('\n');
    expect(lineageLines[0]).toContain(`node ${bestNode.id} `);
    expect(lineageLines[lineageLines.length - 1]).toContain('node 0 ');

    const diff = await runCli(['diff', dir, '0', String(bestNode.id)], { env });
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('--- node-0');
    expect(diff.stdout).toContain(`+++ node-${bestNode.id}`);
    expect(diff.stdout).toMatch(/^[-+][^-+]/m);

    const jsonl = await runCli(['export', dir, '--format', 'jsonl'], { env });
    expect(jsonl.code).toBe(0);
    const exported = jsonl.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; program: string });
    expect(exported.map((node) => node.id)).toEqual(nodes.map((node) => node.id));
    expect(exported[5]!.program).toBe(nodes[5]!.program);

    const csv = await runCli(['export', dir, '--format', 'csv'], { env });
    expect(csv.code).toBe(0);
    const csvLines = csv.stdout.trim().split('\n');
    expect(csvLines[0]!.startsWith('id,step,name,score')).toBe(true);
    expect(csvLines).toHaveLength(32);
    expect(csvLines[1]!.startsWith('0,0,seed,0.959764')).toBe(true);

    const badFormat = await runCli(['export', dir, '--format', 'xml'], { env });
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain("--format expects jsonl, json, csv, got 'xml'");

    const missingNode = await runCli(['show', dir, '99'], { env });
    expect(missingNode.code).toBe(2);
    expect(missingNode.stderr).toContain('99');
  });

  it('with an OpenAI-compatible endpoint configured, the same demo designs with it and keeps the transcripts', async () => {
    const analysis =
      'The rings of equal circles plateau: mix circle sizes, with larger circles in the interior and smaller ones along the edges and corners.';
    const edits: Record<number, [string, string]> = {
      1: ['  const outerRadius = 0.7;', '  const outerRadius = 0.45;'],
      2: ['  const innerRadius = 0.3;', '  const innerRadius = 0.25;'],
    };
    const { server, calls } = await startFakeLlm((request) => {
      if (request.role === 'analyzer') return analysisAnswer(analysis);
      const edit = edits[request.round ?? 0]!;
      return diffAnswer(`ring-edit-${request.round}`, 'Pull the outer ring inside the square.', [edit]);
    });
    const dir = copyExample('circle-packing');
    const configPath = join(dir, 'config.yaml');
    const config = parse(readFileSync(configPath, 'utf8')) as Record<string, Record<string, unknown>>;
    writeFileSync(configPath, stringify({ ...config, api: { ...config.api, ...fakeApi(server.url) } }));

    const run = await runCli(['run', dir, '--steps', '2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`LLM: test-model at ${server.url}`);

    const { nodes, calls: stored } = readStored(dir);
    expect(nodes.map((node) => [node.id, node.operator, node.success])).toEqual([
      [0, 'seed', true],
      [1, 'llm', true],
      [2, 'llm', true],
    ]);
    expect(nodes[1]!.program).toContain('const outerRadius = 0.45;');
    expect(nodes[1]!.analysis).toBe(analysis);
    expect(stored.filter((call) => call.nodeId === 1).map((call) => call.role)).toEqual(['researcher', 'analyzer']);
    const files = readdirSync(join(dir, 'steps', 'step_1', 'llm')).sort();
    expect(files).toEqual(['01-researcher.json', '02-analyzer.json']);
    const transcript = JSON.parse(stepFile(dir, 1, join('llm', '01-researcher.json'))) as {
      request: { messages: Array<{ content: string }> };
    };
    expect(transcript.request.messages[0]!.content).toContain('Place 26 disjoint circles');
    // The cognition seeds were retrieved for the seed's analysis and shown to the Researcher.
    expect(nodes[1]!.cognitionIds.length).toBeGreaterThan(0);
    const prompt = calls.find((request) => request.role === 'researcher' && request.round === 1)!.messages[0]!.content;
    for (const id of nodes[1]!.cognitionIds) expect(prompt).toContain(`[${id}]`);
  });
});
