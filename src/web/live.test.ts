import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/index.js';
import { createDashboardApp, type DashboardApp } from './app.js';
import { createExperimentSources } from './experiment-source.js';
import { createLiveHub, type LiveMessage } from './live.js';
import { createTempExperiment, node, writeExperimentFile, type TempExperiment } from './test-support/experiment.js';

interface SseMessage {
  event: string;
  data: string;
}

/** Reads server-sent events from a response body until `until` accepts one. */
function sseReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const seen: SseMessage[] = [];
  return {
    seen,
    async next(until: (message: SseMessage) => boolean): Promise<SseMessage> {
      for (;;) {
        const boundary = buffer.indexOf('\n\n');
        if (boundary !== -1) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const lines = block.split('\n');
          const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
          const data = lines
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (event === undefined) continue;
          const message = { event, data };
          seen.push(message);
          if (until(message)) return message;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended; seen: ${JSON.stringify(seen)}`);
        buffer += decoder.decode(value, { stream: true });
      }
    },
    async ended(): Promise<boolean> {
      for (;;) {
        const { done } = await reader.read();
        if (done) return true;
      }
    },
    cancel: () => reader.cancel(),
  };
}

let experiment: TempExperiment;
let app: DashboardApp;

beforeEach(() => {
  experiment = createTempExperiment();
  experiment.store.insertNode(node(0, { name: 'seed' }));
  app = createDashboardApp({ experiments: [{ dir: experiment.dir }], pollIntervalMs: 20 });
});

afterEach(() => {
  app.close();
  experiment.cleanup();
});

describe('/api/events', () => {
  it('says hello, then pushes each node and run event the run stores, and nothing stored before', async () => {
    const response = await app.request('/api/events');
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const stream = sseReader(response);
    await stream.next((message) => message.event === 'hello');
    experiment.store.insertNode(node(1, { name: 'first round' }), {
      events: [{ type: 'round-end', message: 'step 1: score 1' }],
    });
    const pushed = await stream.next((message) => message.event === 'node');
    const message = JSON.parse(pushed.data) as Extract<LiveMessage, { type: 'node' }>;
    expect(message).toMatchObject({
      type: 'node',
      experiment: 0,
      node: { id: 1, name: 'first round', score: 1, parentIds: [0] },
    });
    expect(message.node).not.toHaveProperty('program');
    const event = await stream.next((entry) => entry.event === 'run-event');
    expect(JSON.parse(event.data)).toMatchObject({
      type: 'run-event',
      experiment: 0,
      event: { type: 'round-end', message: 'step 1: score 1', step: 1 },
    });
    expect(stream.seen.filter((entry) => entry.event === 'node')).toHaveLength(1);
    await stream.cancel();
  });

  it('finds nodes stored without an event, by the node count', async () => {
    const stream = sseReader(await app.request('/api/events'));
    await stream.next((message) => message.event === 'hello');
    experiment.store.insertNode(node(1));
    experiment.store.insertNode(node(2));
    const first = await stream.next((message) => message.event === 'node');
    const second = await stream.next((message) => message.event === 'node');
    expect([first, second].map((entry) => (JSON.parse(entry.data) as { node: { id: number } }).node.id)).toEqual([
      1, 2,
    ]);
    await stream.cancel();
  });

  it('follows an experiment whose run starts after the dashboard', async () => {
    const later = mkdtempSync(join(tmpdir(), 'asi-evolve-web-later-'));
    const dashboard = createDashboardApp({ experiments: [{ dir: later }], pollIntervalMs: 20 });
    try {
      const stream = sseReader(await dashboard.request('/api/events'));
      await stream.next((message) => message.event === 'hello');
      writeExperimentFile(later, 'input.md', 'task');
      const writer = openStore(join(later, 'asi-evolve.db'));
      try {
        writer.insertNode(node(0, { name: 'seed' }));
        const pushed = await stream.next((message) => message.event === 'node');
        expect(JSON.parse(pushed.data)).toMatchObject({ experiment: 0, node: { id: 0, name: 'seed' } });
      } finally {
        writer.close();
      }
      await stream.cancel();
    } finally {
      dashboard.close();
      rmSync(later, { recursive: true, force: true });
    }
  });

  it('ends open streams when the dashboard closes', async () => {
    const stream = sseReader(await app.request('/api/events'));
    await stream.next((message) => message.event === 'hello');
    app.close();
    expect(await stream.ended()).toBe(true);
  });
});

describe('createLiveHub', () => {
  it('polls only while someone listens, and a subscriber that leaves gets nothing more', () => {
    const sources = createExperimentSources([{ dir: experiment.dir }]);
    const hub = createLiveHub(sources, 60_000);
    const first: LiveMessage[] = [];
    const second: LiveMessage[] = [];
    try {
      const leave = hub.subscribe({ onMessage: (message) => first.push(message), onClose: () => undefined });
      hub.subscribe({ onMessage: (message) => second.push(message), onClose: () => undefined });
      experiment.store.insertNode(node(1));
      hub.poll();
      leave();
      experiment.store.insertNode(node(2));
      hub.poll();
      expect(first.map((message) => message.type === 'node' && message.node.id)).toEqual([1]);
      expect(second.map((message) => message.type === 'node' && message.node.id)).toEqual([1, 2]);
    } finally {
      hub.close();
      for (const source of sources) source.close();
    }
  });

  it('tells subscribers when it closes, and ends a late subscriber at once', () => {
    const sources = createExperimentSources([{ dir: experiment.dir }]);
    const hub = createLiveHub(sources, 60_000);
    let closed = 0;
    hub.subscribe({ onMessage: () => undefined, onClose: () => closed++ });
    hub.close();
    hub.subscribe({ onMessage: () => undefined, onClose: () => closed++ });
    expect(closed).toBe(2);
    for (const source of sources) source.close();
  });
});
