import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load.js';
import { openStore, type Store } from '../store/index.js';
import { prepareRunCognition } from './run-cognition.js';

let folder: string;
let store: Store;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'run-cognition-'));
  store = openStore(join(folder, 'asi-evolve.db'));
});
afterEach(() => {
  store.close();
  rmSync(folder, { recursive: true, force: true });
});

const cognitionOf = (values: Record<string, unknown>) =>
  resolveConfig([{ name: 'config.yaml', values: { cognition: values } }], {}).cognition;

describe('prepareRunCognition', () => {
  it('imports seeds, names bad ones, and retrieves offline with the default embedder', async () => {
    writeFileSync(
      join(folder, 'seed.yaml'),
      '- content: "Place the largest circles in the corners."\n- title: empty\n',
    );
    writeFileSync(join(folder, 'broken.yaml'), 'items: [unclosed\n');
    const prepared = await prepareRunCognition({
      cognition: cognitionOf({ retrieval: { top_k: 2, score_threshold: 0.05 } }),
      seedFiles: [join(folder, 'seed.yaml'), join(folder, 'broken.yaml')],
      store,
      env: {},
    });
    expect(prepared.notices.filter((notice) => notice.startsWith('cognition:'))).toEqual([
      `cognition: ${join(folder, 'seed.yaml')}:2: item #2 has no content (expected one of: content, text, description, body); skipped`,
      expect.stringMatching(new RegExp(`^cognition: ${join(folder, 'broken.yaml')}:\\d+: YAML syntax error`)),
    ]);
    expect(prepared.notices.at(-1)).toContain(
      'Cognition: 1 items, built-in lexical embedder (512 dimensions, no model, no network), exact search',
    );
    expect(await prepared.retrieve?.(['circles in the corners'])).toHaveLength(1);
    expect(prepared.recordFound).toBeNull();
  });

  it("uses the lexical embedder's threshold by default, and says once when the first retrievals find nothing", async () => {
    writeFileSync(join(folder, 'seed.yaml'), '- content: "Place the largest circles in the corners of the square."\n');
    const messages: string[] = [];
    const strict = await prepareRunCognition({
      cognition: cognitionOf({ retrieval: { score_threshold: 0.3 } }),
      seedFiles: [join(folder, 'seed.yaml')],
      store,
      env: {},
      notify: (message) => messages.push(message),
    });
    for (let round = 0; round < 4; round++)
      expect(await strict.retrieve?.(['small circles along the edges of the square'])).toEqual([]);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      /^Cognition: the first 3 retrievals found nothing among 1 stored items \(the best similarity seen was 0\.\d{3}, under cognition\.retrieval\.score_threshold \(0\.3\)/,
    );

    const byDefault = await prepareRunCognition({
      cognition: cognitionOf({}),
      seedFiles: [join(folder, 'seed.yaml')],
      store,
      env: {},
      notify: (message) => messages.push(message),
    });
    expect(byDefault.notices.at(-1)).toContain('at or above 0.08');
    expect(await byDefault.retrieve?.(['small circles along the edges of the square'])).toHaveLength(1);
  });

  it('has nothing to do without items and without growth, and records found items with growth on', async () => {
    const off = await prepareRunCognition({ cognition: cognitionOf({}), seedFiles: [], store, env: {} });
    expect(off).toEqual({ retriever: null, retrieve: null, recordFound: null, notices: [] });
    const on = await prepareRunCognition({
      cognition: cognitionOf({ growth: { enabled: true, max_per_round: 1 } }),
      seedFiles: [],
      store,
      env: {},
    });
    const result = await on.recordFound?.(4, 4, [
      { title: 'Fill corners', content: 'Empty corners waste area.' },
      { title: 'Second', content: 'Another lesson entirely about radii.' },
    ]);
    expect(result?.stored.map((item) => item.source)).toEqual(['run:4']);
    expect(result?.skipped).toHaveLength(1);
  });

  it('goes on with a notice when the embeddings server is down', async () => {
    store.upsertCognitionItems([{ id: 'a', title: 'A', content: 'Something.', source: 's', tags: [], metadata: {} }]);
    const prepared = await prepareRunCognition({
      cognition: cognitionOf({
        embedding: { provider: 'openai-compatible', base_url: 'http://127.0.0.1:1/v1', model: 'embed' },
      }),
      seedFiles: [],
      store,
      env: {},
    });
    expect(
      prepared.notices.some((notice) =>
        notice.includes(
          'embedding the items failed (Cannot reach the embeddings endpoint http://127.0.0.1:1/v1/embeddings',
        ),
      ),
    ).toBe(true);
    await expect(prepared.retrieve?.(['anything'])).rejects.toThrow('Cannot reach the embeddings endpoint');
    expect(store.countCognitionItems()).toBe(1);
  });
});
