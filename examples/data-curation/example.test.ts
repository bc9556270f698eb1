import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/index.js';
import { expectEachRejected, type RejectedCase } from '../test-support/expect-rejected.js';
import { runEvaluator } from '../test-support/run-evaluator.js';
import { withScriptedRun } from '../test-support/scripted-run.js';

const experimentDir = dirname(fileURLToPath(import.meta.url));
const seed = readFileSync(join(experimentDir, 'initial_program'), 'utf8');
const quick = ['--preset', 'quick'];

function score(program: string, extraArguments: string[] = []) {
  return runEvaluator({ experimentDir, program, programFile: 'program.py', extraArguments });
}

/** A cleaner whose clean_corpus(documents) body is `body`. */
const cleaner = (body: string): string =>
  `def clean_corpus(documents):\n${body
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')}\n`;

/** The seed with entities decoded after the tags are stripped (inside the EVOLVE-BLOCK, as a full rewrite must). */
const unescaping = seed.replace(
  'def clean_line(line):\n    return TAG.sub("", line)',
  'def clean_line(line):\n    import html\n    return html.unescape(TAG.sub("", line))',
);

describe('data-curation evaluator', () => {
  it(
    'scores the seed cleaner 0.1425 twice at the default size, each run within 60 s',
    { timeout: 180_000 },
    async () => {
      const first = await score(seed);
      const second = await score(seed);
      console.log(
        `data-curation seed (default size): eval_score ${String(first.results?.eval_score)} in ${first.seconds.toFixed(1)} s, ` +
          `then ${String(second.results?.eval_score)} in ${second.seconds.toFixed(1)} s`,
      );
      expect(first.exitCode).toBe(0);
      expect(first.results).toMatchObject({
        success: true,
        preset: 'default',
        input_documents: 565,
        kept_documents: 565,
      });
      expect(first.results?.eval_score).toBeCloseTo(0.1425, 4);
      expect(first.results?.gap_closed).toBeCloseTo(0.1487, 4);
      expect(first.results?.clean_lost).toBeCloseTo(0.0063, 4);
      expect(first.results?.raw_corpus_bpc).toBeCloseTo(2.4227, 4);
      expect(first.results?.clean_corpus_bpc).toBeCloseTo(2.2271, 4);
      expect(second.results?.eval_score).toBe(first.results?.eval_score);
      expect(second.results?.heldout_bpc).toBe(first.results?.heldout_bpc);
      expect(first.seconds).toBeLessThan(60);
      expect(second.seconds).toBeLessThan(60);
      expect(first.stdout).toContain('score = 0.1425: gap closed 0.1487, clean text lost 0.0063');
    },
  );

  it(
    'ranks keeping everything at 0, decoding entities above the seed, and dropping everything at 0',
    { timeout: 60_000 },
    async () => {
      const [keepAll, decoding, dropAll] = await Promise.all([
        score(cleaner('return documents'), quick),
        score(unescaping, quick),
        score(cleaner('return []'), quick),
      ]);
      expect(keepAll.results).toMatchObject({ success: true, eval_score: 0, gap_closed: 0, clean_lost: 0 });
      expect(decoding.results?.eval_score as number).toBeGreaterThan(0.2);
      expect(dropAll.results).toMatchObject({ success: true, eval_score: 0, clean_lost: 1, kept_documents: 0 });
      expect(dropAll.results?.raw_score as number).toBeLessThan(-1);
    },
  );

  const brokenCases: RejectedCase[] = [
    [
      'a cleaner that throws',
      cleaner("raise ValueError('cannot parse this page')"),
      /^clean_corpus\(\) raised ValueError: cannot parse this page/,
    ],
    [
      'a cleaner that returns one string',
      cleaner("return '\\n'.join(documents)"),
      /^clean_corpus\(\) must return a list of strings, got str/,
    ],
    [
      'a cleaner that returns bytes',
      cleaner('return [document.encode() for document in documents]'),
      /^clean_corpus\(\) must return a list of strings; item 0 is a bytes/,
    ],
    [
      'a cleaner that adds text',
      cleaner("return documents + ['extra clean text'] * 1000"),
      /^the cleaner must only remove or repair text: it returned \d+ characters from \d+/,
    ],
    [
      'a program without clean_corpus',
      'def clean(documents):\n    return documents\n',
      /^the program does not define a function clean_corpus\(\)/,
    ],
    [
      'a program that exits the interpreter',
      'import os\nos._exit(4)\n',
      /^the program exited with code 4 before returning the cleaned corpus/,
    ],
  ];

  it('rejects broken cleaners with the reason', { timeout: 60_000 }, async () => {
    await expectEachRejected(brokenCases, (program) => score(program, quick));
  });

  it('stops a cleaner at its time limit', { timeout: 30_000 }, async () => {
    const run = await score(cleaner('while True:\n    pass'), [...quick, '--timeout', '1']);
    expect(run.results).toMatchObject({ success: false, eval_score: 0, error: 'the cleaner timed out after 1 s' });
  });
});

describe('data-curation experiment folder', () => {
  it('has a config that the schema accepts', () => {
    const config = configSchema.parse(parse(readFileSync(join(experimentDir, 'config.yaml'), 'utf8')));
    expect(config.evaluator.program_file).toBe('program.py');
    expect(config.pipeline.engineer_timeout).toBeGreaterThan(40);
  });

  it('runs 2 rounds end to end through the CLI with scripted LLM answers', { timeout: 120_000 }, async () => {
    const throwing = seed.replace(
      '    cleaned = [clean_document(document) for document in documents]',
      "    raise RuntimeError('regex budget exceeded')",
    );
    const designs = [
      { name: 'decode entities', motivation: 'Escaped lines are clean text in disguise.', program: unescaping },
      { name: 'no cleaning', motivation: 'Stop early.', program: throwing },
    ] as const;
    await withScriptedRun(
      { experimentDir, designs, analysis: 'Decoding entities recovered escaped lines.', timeoutMs: 100_000 },
      (run) => {
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const { dir, nodes } = run;
        expect(nodes.map((node) => [node.id, node.name, node.success, node.operator])).toEqual([
          [0, 'seed', true, 'seed'],
          [1, 'decode entities', true, 'llm'],
          [2, 'no cleaning', false, 'llm'],
        ]);
        expect(nodes[0]!.results).toMatchObject({ preset: 'quick' });
        expect(nodes[1]!.evalScore as number).toBeGreaterThan(nodes[0]!.evalScore as number);
        expect(nodes[1]!.analysis).toBe('Decoding entities recovered escaped lines.');
        expect(nodes[2]!.error).toMatch(/clean_corpus\(\) raised RuntimeError: regex budget exceeded/);
        expect(existsSync(join(dir, 'steps', 'step_2', 'results.json'))).toBe(true);
      },
    );
  });
});
