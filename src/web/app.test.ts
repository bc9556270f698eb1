import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardApp, type DashboardApp } from './app.js';
import { readPageBundle } from './static-routes.js';
import {
  call,
  createTempExperiment,
  node,
  writeExperimentFile,
  type TempExperiment,
} from './test-support/experiment.js';

let experiment: TempExperiment;
let emptyDir: string;
let outside: string;
let app: DashboardApp;

beforeAll(() => {
  experiment = createTempExperiment();
  emptyDir = mkdtempSync(join(tmpdir(), 'asi-evolve-web-empty-'));
  outside = mkdtempSync(join(tmpdir(), 'asi-evolve-web-outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'top secret');
  const { store, dir } = experiment;
  store.upsertCognitionItems([
    {
      id: 'hex',
      title: 'Hexagonal rows',
      content: 'Offset rows pack equal circles densely.',
      source: 'paper A',
      tags: ['geometry'],
      metadata: {},
    },
    {
      id: 'corner',
      title: 'Corner gaps',
      content: 'Small circles fit in the corners.',
      source: 'paper B',
      tags: ['corners'],
      metadata: {},
    },
  ]);
  store.insertNode(node(0, { name: 'seed', parentIds: [] }));
  store.insertNode(node(1, { cognitionIds: ['hex'], provenance: 'cognition' }));
  store.insertNode(
    node(2, {
      cognitionIds: ['hex', 'gone'],
      program: 'const radius = 2;\nconsole.log(radius * 2);\n',
      costUsd: 0.004,
    }),
    {
      calls: [
        call({ role: 'researcher', createdAt: '2026-01-01T00:00:01.000Z' }),
        call({ role: 'analyzer', costUsd: 0.001, createdAt: '2026-01-01T00:00:02.000Z' }),
      ],
      visitedIds: [1, 1],
    },
  );
  store.insertNode(node(3, { success: false, score: null, evalScore: null, error: 'timeout: ran past 30 s' }));
  store.saveSamplerState('island', {
    policy: 'island',
    version: 1,
    numIslands: 2,
    featureDimensions: ['complexity', 'diversity'],
    featureBins: 4,
    selections: 7,
    lastObservedId: 3,
    referenceLengths: [10],
    ranges: [[0, 1], null],
    islands: [
      {
        migrants: [],
        archive: [
          ['0,1', 1, 1],
          ['2,3', 2, 2],
        ],
      },
      { migrants: [2], archive: [['1,1', 2, 2]] },
    ],
  });
  writeExperimentFile(dir, 'steps/step_2/stdout.log', 'sum_radii = 2\n');
  writeExperimentFile(dir, 'steps/step_2/stderr.log', '');
  writeExperimentFile(
    dir,
    'steps/step_2/llm/01-researcher.json',
    JSON.stringify({ role: 'researcher', modelId: 'from-file', request: { messages: [] }, responseText: 'ok' }),
  );
  writeExperimentFile(dir, 'config.yaml', 'api:\n  api_key: sk-not-for-the-browser\n');
  mkdirSync(join(dir, 'steps', 'step_3'), { recursive: true });
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'steps', 'step_3', 'leak.txt'));
  symlinkSync(join(dir, 'config.yaml'), join(dir, 'steps', 'step_3', 'config-link.yaml'));
  app = createDashboardApp({ experiments: [{ dir }, { dir: emptyDir, name: 'later' }] });
});

afterAll(() => {
  app.close();
  experiment.cleanup();
  rmSync(emptyDir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

async function json(path: string, status = 200): Promise<Record<string, unknown>> {
  const response = await app.request(path);
  expect(response.status, `${path}: ${await response.clone().text()}`).toBe(status);
  return (await response.json()) as Record<string, unknown>;
}

describe('JSON API', () => {
  it('lists the experiments with their headline figures, including one that has not run yet', async () => {
    const body = await json('/api/experiments');
    const [first, second] = body.experiments as Array<Record<string, unknown>>;
    expect(first).toMatchObject({
      index: 0,
      hasRun: true,
      nodes: 4,
      rounds: 3,
      succeeded: 2,
      seedScore: 0,
      llmCalls: 2,
    });
    expect(first?.best).toMatchObject({ id: 2, score: 2 });
    expect(first?.spendUsd).toBeCloseTo(0.003);
    expect(second).toMatchObject({ index: 1, name: 'later', hasRun: false, nodes: 0 });
  });

  it('gives the overview nodes without their programs', async () => {
    const body = await json('/api/experiments/0/nodes');
    const nodes = body.nodes as Array<Record<string, unknown>>;
    expect(nodes.map((entry) => entry.id)).toEqual([0, 1, 2, 3]);
    expect(nodes[3]).toMatchObject({
      step: 3,
      success: false,
      score: null,
      parentIds: [2],
      operator: 'llm',
      island: null,
    });
    expect(nodes[0]).not.toHaveProperty('program');
    expect(typeof nodes[0]?.createdAt).toBe('string');
  });

  it("gives a node's page: diff to its parent, children, cognition seen, transcripts from the step folder, log tails", async () => {
    const body = await json('/api/experiments/0/nodes/2');
    expect(body.parent).toMatchObject({ id: 1, score: 1 });
    expect(body.diff).toContain('-const radius = 1;');
    expect(body.diff).toContain('+const radius = 2;');
    expect(body.diff).toContain('+console.log(radius * 2);');
    expect(body.children).toEqual([{ id: 3, name: 'design-3', score: null, success: false }]);
    expect(body.cognition).toEqual([
      expect.objectContaining({ id: 'hex', title: 'Hexagonal rows' }),
      { id: 'gone', missing: true },
    ]);
    expect(body.transcripts).toEqual([
      { file: '01-researcher.json', content: expect.objectContaining({ modelId: 'from-file' }), truncated: false },
    ]);
    expect(body.logs).toMatchObject({
      'stdout.log': { text: 'sum_radii = 2\n', truncated: false },
      'stderr.log': { text: '' },
    });
    expect(body).toMatchObject({ previousId: 1, nextId: 3, stepFolder: join('steps', 'step_2') });
  });

  it("falls back to the store's calls when the step folder has no transcripts, and has no diff for a root", async () => {
    const seed = await json('/api/experiments/0/nodes/0');
    expect(seed).toMatchObject({ parent: null, diff: null, transcripts: [], logs: {} });
    writeExperimentFile(experiment.dir, 'steps/step_1/stdout.log', 'x');
    const first = await json('/api/experiments/0/nodes/1');
    expect(first.transcripts).toEqual([]);
  });

  it('answers 404 for an unknown node, experiment or a folder that has not run, and 400 for a bad id', async () => {
    expect((await json('/api/experiments/0/nodes/99', 404)).error).toContain('node 99');
    expect((await json('/api/experiments/7/nodes', 404)).error).toContain('no experiment');
    expect((await json('/api/experiments/x/nodes', 404)).error).toContain('no experiment');
    expect((await json('/api/experiments/1/nodes', 404)).error).toContain('no run has been stored');
    expect((await json('/api/experiments/0/nodes/abc', 400)).error).toContain('node id');
    expect((await json('/api/nothing', 404)).error).toContain('no such route');
  });

  it('gives the spend over time by role, without prompts', async () => {
    const body = await json('/api/experiments/0/spend');
    const points = body.points as Array<Record<string, unknown>>;
    expect(points.map((point) => point.role)).toEqual(['researcher', 'analyzer']);
    expect(points[0]).toEqual({
      time: '2026-01-01T00:00:01.000Z',
      role: 'researcher',
      modelId: 'gpt-5-mini',
      step: 2,
      usd: 0.002,
      inputTokens: 1000,
      outputTokens: 200,
    });
    expect((body.totals as { byRole: Record<string, { calls: number }> }).byRole.analyzer?.calls).toBe(1);
  });

  it("gives the sampler state with the island policy's elite cells and the most visited nodes", async () => {
    const body = await json('/api/experiments/0/sampler');
    const [island] = body.policies as Array<{
      name: string;
      islands: { featureBins: number; islands: Array<Record<string, unknown>> };
    }>;
    expect(island?.name).toBe('island');
    expect(island?.islands.featureBins).toBe(4);
    expect(island?.islands.islands[0]).toEqual({
      index: 0,
      members: 0,
      migrants: [],
      cells: [
        { bins: [0, 1], id: 1, score: 1 },
        { bins: [2, 3], id: 2, score: 2 },
      ],
    });
    expect(island?.islands.islands[1]).toMatchObject({ migrants: [2], cells: [{ bins: [1, 1], id: 2 }] });
    expect(body.mostVisited).toEqual([{ id: 1, name: 'design-1', score: 1, visits: 2 }]);
  });

  it('searches the cognition base by similarity and by text, counting the nodes that saw each item', async () => {
    const all = await json('/api/experiments/0/cognition');
    expect(all.total).toBe(2);
    expect(
      (all.hits as Array<{ item: { id: string }; seenBy: number }>).map((hit) => [hit.item.id, hit.seenBy]),
    ).toEqual([
      ['hex', 2],
      ['corner', 0],
    ]);
    const found = await json('/api/experiments/0/cognition?q=corners%20small%20circles');
    const hits = found.hits as Array<{ item: { id: string }; score: number | null }>;
    expect(hits[0]?.item.id).toBe('corner');
    expect(hits[0]?.score).toBeGreaterThan(0);
    const text = await json('/api/experiments/0/cognition?q=paper%20A');
    expect((text.hits as Array<{ item: { id: string } }>).map((hit) => hit.item.id)).toContain('hex');
    const none = await json('/api/experiments/0/cognition?q=zzzqqq');
    expect(none.hits).toEqual([]);
  });

  it('draws the score curve as SVG', async () => {
    const response = await app.request('/api/experiments/0/score-curve.svg');
    expect(response.headers.get('content-type')).toContain('image/svg+xml');
    const svg = await response.text();
    expect(svg.match(/<circle /g)?.length).toBeGreaterThanOrEqual(3);
  });
});

describe('files of the experiment folder', () => {
  it('serves step files as plain text, sandboxed, and lists a step folder', async () => {
    const response = await app.request('/api/experiments/0/files/steps/step_2/stdout.log');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('sum_radii = 2\n');
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    const listing = await json('/api/experiments/0/files/steps/step_2');
    expect((listing.entries as Array<{ name: string }>).map((entry) => entry.name)).toEqual([
      'llm',
      'stderr.log',
      'stdout.log',
    ]);
  });

  it.each([
    ['encoded slash and ..', '/api/experiments/0/files/..%2F..%2Fetc%2Fpasswd'],
    ['absolute', '/api/experiments/0/files/%2Fetc%2Fpasswd'],
    ['a link leading outside', '/api/experiments/0/files/steps/step_3/leak.txt'],
    ['the config (may hold keys)', '/api/experiments/0/files/config.yaml'],
    ['a link to the config', '/api/experiments/0/files/steps/step_3/config-link.yaml'],
    ['the database', '/api/experiments/0/files/asi-evolve.db'],
    ['the folder itself', '/api/experiments/0/files/'],
  ])('refuses %s with 403', async (_label, path) => {
    const response = await app.request(path);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toMatch(/top secret|sk-not-for-the-browser|root:/);
  });

  it('answers 404 for a missing file, and never reaches outside through plain ..', async () => {
    expect((await app.request('/api/experiments/0/files/steps/step_9/stdout.log')).status).toBe(404);
    // The URL parser folds `..` (and `%2e%2e`) before routing: the request never reaches the file route.
    for (const path of [
      '/api/experiments/0/files/../../../../etc/passwd',
      '/api/experiments/0/files/steps/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    ]) {
      const response = await app.request(path);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('root:');
    }
  });
});

describe('read-only, local, self-contained', () => {
  it('answers HEAD like GET, without a body', async () => {
    const response = await app.request('/api/experiments', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('refuses %s with 405', async (method) => {
    const response = await app.request('/api/experiments', { method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('refuses a Host header that is not this machine (DNS rebinding), and accepts loopback names', async () => {
    expect((await app.request('/api/experiments', { headers: { host: 'evil.example:8765' } })).status).toBe(403);
    for (const host of ['localhost:8765', '127.0.0.1:8765', '[::1]:8765']) {
      expect((await app.request('/api/experiments', { headers: { host } })).status).toBe(200);
    }
    const open = createDashboardApp({ experiments: [{ dir: experiment.dir }], allowRemoteHosts: true });
    try {
      expect((await open.request('/api/experiments', { headers: { host: 'lab-server:8765' } })).status).toBe(200);
    } finally {
      open.close();
    }
  });

  it('serves the pages with only local scripts and a strict content security policy', async () => {
    for (const [path, script] of [
      ['/', 'overview.js'],
      ['/node?x=0&id=1', 'node.js'],
      ['/cognition', 'cognition.js'],
    ] as const) {
      const response = await app.request(path);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain(`<script src="/assets/${script}"></script>`);
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/<script>/);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
  });

  it('serves uPlot from the installed package and the page bundles built from src/web/client/, each valid JavaScript', async () => {
    for (const file of ['uplot.js', 'overview.js', 'node.js', 'cognition.js']) {
      const response = await app.request(`/assets/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type')).toContain('javascript');
      const source = await response.text();
      expect(() => new Script(source, { filename: file })).not.toThrow();
    }
    expect(await (await app.request('/assets/uplot.js')).text()).toContain('uPlot');
    expect((await app.request('/assets/uplot.css')).status).toBe(200);
    expect((await app.request('/assets/dashboard.css')).status).toBe(200);
    expect((await app.request('/assets/nothing.js')).status).toBe(404);
    // The shared helpers are bundled into each page's script, not served on their own.
    expect((await app.request('/assets/common.js')).status).toBe(404);
    expect(await (await app.request('/assets/overview.js')).text()).not.toContain('window.Dash');
  });

  it('names `npm run build` when a page bundle is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'asi-evolve-no-bundle-'));
    try {
      const found = readPageBundle('overview.js', pathToFileURL(`${empty}/`));
      expect(found).toEqual({ missing: expect.stringContaining('run `npm run build`') });
      expect('missing' in found && found.missing).toContain(join(empty, 'overview.js'));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('needs at least one experiment', () => {
    expect(() => createDashboardApp({ experiments: [] })).toThrow(/at least one experiment/);
  });
});
