import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddingsServer } from '../../src/cognition/embedders/test-support/embeddings-server.js';
import { openStore } from '../../src/store/index.js';
import { stableCognitionId } from '../../src/cognition/index.js';
import { copyExample, makeExperiment, readCognition, runCli, useE2eCleanup } from './helpers.js';

useE2eCleanup();

/** Stores items directly (setup only): [title, content, source?]. */
function seedItems(dir: string, items: Array<[title: string, content: string, source?: string]>): void {
  const store = openStore(join(dir, 'asi-evolve.db'));
  try {
    store.upsertCognitionItems(
      items.map(([title, content, source]) => ({
        id: stableCognitionId(title, content),
        title,
        content,
        source: source ?? 'cli',
        tags: [],
        metadata: {},
      })),
    );
  } finally {
    store.close();
  }
}

describe('asi-evolve cognition add|import|search|list|show|remove, status --provenance (whole CLI)', () => {
  it('imports what it can, naming the file and item of every problem, and loses nothing stored', async () => {
    const dir = makeExperiment({
      files: {
        'good.md': '## Corners\nPut the largest circles in the corners.\n\n## Rows\nStagger the rows of circles.\n',
        'broken.yaml': '- content: "unclosed\n  source: [a\n',
        'empty.jsonl': '{"title": "No content here"}\n{"content": "Refine radii with a linear program."}\n',
      },
    });
    seedItems(dir, [['Hexagons', 'A hand-written heuristic about hexagons.']]);
    const run = await runCli([
      'cognition',
      'import',
      dir,
      join(dir, 'good.md'),
      join(dir, 'broken.yaml'),
      join(dir, 'empty.jsonl'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(new RegExp(`skipped: ${join(dir, 'broken.yaml')}:\\d+: YAML syntax error`));
    expect(run.stdout).toContain(`skipped: ${join(dir, 'empty.jsonl')}:1: line 1 has no content`);
    expect(run.stdout).toContain('Imported 3 items (3 new or changed, 0 unchanged); 4 stored in all.');
    expect(readCognition(dir).items.map((item) => item.title)).toEqual([
      'Hexagons',
      'Corners',
      'Rows',
      'Refine radii with a linear program',
    ]);
  });

  it('a JSON file holding only null or a bare value is a problem naming the file and the shape expected', async () => {
    const dir = makeExperiment({
      files: {
        'null.json': 'null\n',
        'number.json': '8.5\n',
        'good.json': '[{"content": "Start from a hexagonal grid."}]\n',
      },
    });
    const run = await runCli([
      'cognition',
      'import',
      dir,
      join(dir, 'null.json'),
      join(dir, 'number.json'),
      join(dir, 'good.json'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      `skipped: ${join(dir, 'null.json')}:1: expected a list of items, { items: [...] } or a mapping id → item; found null`,
    );
    expect(run.stdout).toContain(
      `skipped: ${join(dir, 'number.json')}:1: expected a list of items, { items: [...] } or a mapping id → item; found a number`,
    );
    expect(run.stdout).toContain('Imported 1 items');
    expect(readCognition(dir).items.map((item) => item.content)).toEqual(['Start from a hexagonal grid.']);
  });

  it('adds, refuses a duplicate, lists, shows, searches offline and removes', async () => {
    const dir = makeExperiment();
    const add = (content: string, ...extra: string[]) =>
      runCli(['cognition', 'add', dir, '--content', content, ...extra]);
    expect((await add('Seed the largest circles in the corners of the square.', '--tags', 'layout')).stdout).toMatch(
      /^Added \[cog-[0-9a-f]{16}\] "Seed the largest circles/,
    );
    const duplicate = await add('Seed the largest circles in the corners of the square!');
    expect(duplicate.code).toBe(2);
    expect(duplicate.stdout).toContain('Not added: it duplicates');
    seedItems(dir, [['Warmup', 'Warm the learning rate up over the first epochs.', 'Training Notes, p. 3']]);

    const list = await runCli(['cognition', 'list', dir]);
    expect(list.stdout).toContain('2 item(s); 0 paper(s) ingested.');

    const search = await runCli(['cognition', 'search', dir, 'learning rate warmup', '--top-k', '1']);
    expect(search.code).toBe(0);
    expect(search.stdout).toContain(
      '1 item(s) for "learning rate warmup" (exact search over 2 items, builtin:lexical-hash-v1:512):',
    );
    expect(search.stdout).toContain('Training Notes, p. 3');
    const id = /\[(cog-[0-9a-f]{16})\]/.exec(search.stdout)?.[1] ?? '';

    const show = await runCli(['cognition', 'show', dir, id]);
    expect(show.stdout).toContain('Source: Training Notes, p. 3');
    expect(show.stdout).toContain('Shown to nodes: none yet');

    const remove = await runCli(['cognition', 'remove', dir, id, 'cog-missing']);
    expect(remove.code).toBe(2);
    expect(remove.stdout).toContain(`Removed ${id}.`);
    expect(remove.stdout).toContain('No cognition item "cog-missing"; nothing removed.');
    expect(readCognition(dir).items).toHaveLength(1);
  });

  it('searches through a loopback embeddings server, re-embeds when the embedder changes, and names the endpoint when it is down', async () => {
    const embeddings = await startEmbeddingsServer();
    try {
      const dir = makeExperiment({
        config: {
          cognition: {
            embedding: {
              provider: 'openai-compatible',
              base_url: embeddings.baseURL,
              model: 'fake-embed',
              dimension: 64,
            },
          },
        },
      });
      seedItems(dir, [
        ['Hexagonal lattices', 'Hexagonal lattices pack equal circles densely.'],
        ['Warmup', 'Warm the learning rate up over the first epochs.'],
      ]);
      const search = await runCli(['cognition', 'search', dir, 'hexagonal lattice packing', '--top-k', '1']);
      expect(search.stdout).toContain('over 2 items, openai-compatible:fake-embed:64');
      expect(search.stdout).toContain('Hexagonal lattices');
      expect(embeddings.requests.length).toBeGreaterThan(0);

      writeFileSync(
        join(dir, 'other.yaml'),
        'cognition:\n  embedding:\n    provider: builtin\n    model: builtin-lexical\n',
      );
      const switched = await runCli([
        'cognition',
        'search',
        dir,
        'hexagonal lattice packing',
        '--config',
        join(dir, 'other.yaml'),
      ]);
      expect(switched.stdout).toContain(
        'Cognition embedder changed from openai-compatible:fake-embed:64 to builtin:lexical-hash-v1:64: 2 old vectors dropped',
      );

      await embeddings.close();
      const down = await runCli(['cognition', 'search', dir, 'hexagonal lattice packing']);
      expect(down.code).toBe(1);
      expect(down.stderr).toContain(`Cannot reach the embeddings endpoint ${embeddings.baseURL}/embeddings`);
      expect(down.stderr).toContain('hint: Is the embeddings server running');
      expect(readCognition(dir).items).toHaveLength(2);
    } finally {
      await embeddings.close().catch(() => undefined);
    }
  });

  it('status --provenance prints the split on the demo', async () => {
    const dir = copyExample('circle-packing');
    expect((await runCli(['run', dir, '--steps', '4'])).code).toBe(0);
    const status = await runCli(['status', dir, '--provenance']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Provenance of designs (as each Researcher answer stated it):');
    expect(status.stdout).toMatch(/all rounds \(4 nodes\): cognition 0\.0 % \/ experience 100\.0 % \/ novel 0\.0 %/);
    expect(status.stdout).toMatch(/best 10 % \(1 node\): cognition/);
    expect(status.stdout).toContain('rounds shown cognition items: 4 of 4');
  });
});
