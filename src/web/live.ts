import type { RunEvent } from '../store/index.js';
import type { ExperimentSource } from './experiment-source.js';
import { toNodeSummary, type NodeSummary } from './node-summary.js';

/** What the live route pushes: a node the run just stored, or a run event. */
export type LiveMessage =
  { type: 'node'; experiment: number; node: NodeSummary } | { type: 'run-event'; experiment: number; event: RunEvent };

/** A live subscriber: messages, and the end of the feed when the dashboard closes. */
export interface LiveSubscriber {
  onMessage(message: LiveMessage): void;
  onClose(): void;
}

/** Polls the experiments' stores and fans new nodes and events out to subscribers. */
export interface LiveHub {
  subscribe(subscriber: LiveSubscriber): () => void;
  /** Polls once now (the timer does it every interval while anyone listens). */
  poll(): void;
  close(): void;
}

interface WatchState {
  knownIds: Set<number>;
  lastEventId: number;
}

/**
 * Per experiment, polls by id: new run events (cheap, by primary key), and the node count;
 * only when either changed is the id list read to find the new nodes. A run writes in WAL
 * mode, so these reads never block it. The timer runs only while someone listens.
 */
export function createLiveHub(sources: readonly ExperimentSource[], intervalMs: number): LiveHub {
  const subscribers = new Set<LiveSubscriber>();
  const states = new Map<number, WatchState>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const broadcast = (message: LiveMessage): void => {
    for (const subscriber of [...subscribers]) subscriber.onMessage(message);
  };

  const prime = (source: ExperimentSource): WatchState => {
    const store = source.store();
    const state: WatchState = { knownIds: new Set(), lastEventId: 0 };
    if (store !== undefined) {
      for (const id of store.nodeIds()) state.knownIds.add(id);
      state.lastEventId = store.lastEventId();
    }
    return state;
  };

  const pollSource = (source: ExperimentSource): void => {
    const state = states.get(source.index);
    const store = source.store();
    if (state === undefined || store === undefined) return;
    const events = store.listEvents({ sinceId: state.lastEventId, limit: 1000 });
    const count = store.countNodes();
    if (events.length > 0 || count !== state.knownIds.size) {
      const ids = store.nodeIds();
      const fresh = ids.filter((id) => !state.knownIds.has(id));
      state.knownIds = new Set(ids);
      for (const id of fresh) {
        const node = store.getNode(id);
        if (node !== undefined) broadcast({ type: 'node', experiment: source.index, node: toNodeSummary(node) });
      }
    }
    for (const event of events) {
      state.lastEventId = event.id;
      broadcast({ type: 'run-event', experiment: source.index, event });
    }
  };

  const poll = (): void => {
    for (const source of sources) {
      try {
        pollSource(source);
      } catch {
        // A busy or half-written database is read again on the next tick.
      }
    }
  };

  const start = (): void => {
    for (const source of sources) {
      try {
        states.set(source.index, prime(source));
      } catch {
        states.set(source.index, { knownIds: new Set(), lastEventId: 0 });
      }
    }
    timer = setInterval(poll, intervalMs);
    timer.unref();
  };

  const stop = (): void => {
    clearInterval(timer);
    timer = undefined;
    states.clear();
  };

  return {
    subscribe(subscriber) {
      if (closed) {
        subscriber.onClose();
        return () => undefined;
      }
      if (subscribers.size === 0) start();
      subscribers.add(subscriber);
      return () => {
        if (!subscribers.delete(subscriber)) return;
        if (subscribers.size === 0) stop();
      };
    },
    poll,
    close() {
      if (closed) return;
      closed = true;
      stop();
      const ending = [...subscribers];
      subscribers.clear();
      for (const subscriber of ending) subscriber.onClose();
    },
  };
}

/**
 * The server-sent event stream of `/api/events`: `hello` once subscribed (a client fetches its
 * snapshot then, so nothing falls between the two), then `node` and `run-event` messages, and a
 * comment line every `keepAliveMs` so proxies and browsers keep the connection.
 */
export function liveEventsResponse(hub: LiveHub, keepAliveMs: number): Response {
  const encoder = new TextEncoder();
  let cleanup: (() => void) | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const end = (): void => {
        if (!open) return;
        open = false;
        cleanup?.();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      const push = (text: string): void => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          end();
        }
      };
      const unsubscribe = hub.subscribe({
        onMessage: (message) => push(`event: ${message.type}\ndata: ${JSON.stringify(message)}\n\n`),
        onClose: end,
      });
      if (!open) return;
      const keepAlive = setInterval(() => push(': keep-alive\n\n'), keepAliveMs);
      keepAlive.unref();
      cleanup = () => {
        clearInterval(keepAlive);
        unsubscribe();
      };
      push(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ type: 'hello' })}\n\n`);
    },
    cancel() {
      cleanup?.();
    },
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // One stream per connection: when the dashboard ends the stream, the socket goes too.
      connection: 'close',
      'x-accel-buffering': 'no',
    },
  });
}
