import type {
  CognitionItem,
  JsonObject,
  JsonValue,
  LlmCallRecord,
  NewNode,
  NodeRecord,
  NodeSummary,
  RunEvent,
  SampleableNode,
} from '../domain/index.js';
import * as cognition from './cognition.js';
import { openDatabase, type StoreContext } from './database.js';
import * as embeddings from './embeddings.js';
import * as events from './events.js';
import * as ingest from './ingest.js';
import * as keyValue from './key-value.js';
import * as llmCalls from './llm-calls.js';
import { appliedMigrations, type AppliedMigration } from './migrations/migrate.js';
import type { Migration } from './migrations/migration.js';
import * as nodes from './nodes.js';
import { translateSqliteError } from './sqlite-errors.js';

export interface OpenStoreOptions {
  /** Open for reading only (dashboard, `status`): no file is created and nothing is migrated. */
  readonly?: boolean;
  /** How long a statement waits for a lock held by another process. @default 5000 */
  busyTimeoutMs?: number;
  /** The clock for `createdAt` fields. @default () => new Date() */
  now?: () => Date;
  /** For tests only: the migrations to apply instead of the shipped ones. */
  migrations?: readonly Migration[];
}

/** Everything written together with a node, in the same transaction. */
export interface InsertNodeExtras {
  /** LLM calls made for the node; their `nodeId` becomes the new id (and a null `step` the node's step). */
  calls?: readonly LlmCallRecord[];
  /** Nodes sampled for this round: each gets one more visit (evicted ids are skipped). */
  visitedIds?: readonly number[];
  /** The sampling policy's state after observing the node. */
  samplerState?: { name: string; state: JsonValue };
  /** Run events; each gets the node's step, and `nodeId` is added to its data. */
  events?: ReadonlyArray<{ type: string; message: string; data?: JsonObject }>;
}

/**
 * One experiment's SQLite database. Safe for one writer process and any number of reader
 * processes; all methods are synchronous.
 *
 * @example
 * const store = openStore('experiment/asi-evolve.db');
 * try {
 *   const node = store.insertNode(newNode, { calls, visitedIds: [0] });
 *   store.bestNode();
 * } finally {
 *   store.close();
 * }
 */
export class Store {
  readonly #context: StoreContext;
  readonly #readonly: boolean;

  constructor(context: StoreContext, readonly: boolean) {
    this.#context = context;
    this.#readonly = readonly;
  }

  /** The database file. */
  get path(): string {
    return this.#context.file;
  }

  get readonly(): boolean {
    return this.#readonly;
  }

  /** Closes the connection; calling it again does nothing. */
  close(): void {
    if (this.#context.db.open) this.#context.db.close();
  }

  /** Runs `fn` in one write transaction (nested calls become savepoints); `fn` must be synchronous. */
  transaction<T>(fn: () => T): T {
    return this.#use((context) => context.db.transaction(fn).immediate());
  }

  /** Writes a node and its extras atomically, and returns the stored node. */
  insertNode(node: NewNode, extras: InsertNodeExtras = {}): NodeRecord {
    return this.#write((context) => {
      const id = nodes.insertNodeRow(context, node);
      for (const call of extras.calls ?? []) {
        llmCalls.insertLlmCall(context, { ...call, nodeId: id, step: call.step ?? node.step });
      }
      nodes.addVisits(context, extras.visitedIds ?? []);
      if (extras.samplerState !== undefined) {
        keyValue.saveSamplerState(context, extras.samplerState.name, extras.samplerState.state);
      }
      for (const event of extras.events ?? []) {
        events.addEvent(context, { ...event, data: { nodeId: id, ...event.data }, step: node.step });
      }
      return nodes.requireNode(context, id);
    });
  }

  getNode(id: number): NodeRecord | undefined {
    return this.#use((context) => nodes.getNode(context, id));
  }

  /** The node, or AsiEvolveError('NODE_NOT_FOUND') naming the id. */
  requireNode(id: number): NodeRecord {
    return this.#use((context) => nodes.requireNode(context, id));
  }

  /** Every node, in id order, programs and all; overviews want `nodeSummaries()`. */
  listNodes(): NodeRecord[] {
    return this.#use((context) => nodes.listNodes(context));
  }

  /** Every node's id, in order. */
  nodeIds(): number[] {
    return this.#use((context) => nodes.nodeIds(context));
  }

  /** When the most recent node was written (ISO time), or null. */
  latestNodeTime(): string | null {
    return this.#use((context) => nodes.latestNodeTime(context));
  }

  /** Every node without its long texts (program, motivation, results, analysis, metadata), in id order. */
  nodeSummaries(): NodeSummary[] {
    return this.#use((context) => nodes.nodeSummaries(context));
  }

  getNodeSummary(id: number): NodeSummary | undefined {
    return this.#use((context) => nodes.getNodeSummary(context, id));
  }

  /** The seed node (step 0) without its long texts. */
  seedSummary(): NodeSummary | undefined {
    return this.#use((context) => nodes.seedSummary(context));
  }

  /** The last `count` rounds (step >= 1), oldest first, without their long texts. */
  recentRounds(count: number): NodeSummary[] {
    return this.#use((context) => nodes.recentRounds(context, count));
  }

  /** Failed rounds by reason (the error up to its first colon), in order of first occurrence. */
  failureReasons(): Map<string, number> {
    return this.#use((context) => nodes.failureReasons(context));
  }

  /** Node counts, rounds' runtime and the best node's id, kept as running totals: constant time. */
  nodeTotals(): nodes.NodeTotals {
    return this.#use((context) => nodes.nodeTotals(context));
  }

  countNodes(): number {
    return this.#use((context) => nodes.countNodes(context));
  }

  /** The successful node with the highest score; ties go to the lowest id. */
  bestNode(): NodeRecord | undefined {
    return this.#use((context) => nodes.bestNode(context));
  }

  /** Whether a seed node (step 0) was stored. */
  hasSeed(): boolean {
    return this.#use((context) => nodes.hasSeed(context));
  }

  /** Steps >= 1 that produced a node, to resume without re-running them. */
  completedSteps(): Set<number> {
    return this.#use((context) => nodes.completedSteps(context));
  }

  /** Changes a node's analysis, metadata or score; returns the updated node. */
  updateNode(id: number, patch: nodes.NodePatch): NodeRecord {
    return this.#write((context) => nodes.updateNode(context, id, patch));
  }

  /**
   * Deletes nodes (database.max_size eviction) and returns how many existed. Ids are never reused;
   * the nodes' LLM calls are kept with their old `nodeId`, so spend stays complete. Each deleted
   * node leaves a `node-evicted` event, so `completedSteps()` still counts its round.
   */
  deleteNodes(ids: readonly number[]): number {
    return this.#write((context) => nodes.deleteNodes(context, ids));
  }

  /** The node, then its first parent, and so on to the root (or to an evicted ancestor). */
  lineage(id: number): NodeRecord[] {
    return this.#use((context) => nodes.lineage(context, id));
  }

  /**
   * Recomputes the nodes' summary metrics from their results when the results objects they
   * flatten changed since they were made (`NewNode.flattenMetrics`); returns how many changed.
   */
  resummarizeMetrics(flatten: readonly string[]): number {
    return this.#write((context) => nodes.resummarizeMetrics(context, flatten));
  }

  /** What sampling policies see of every node, in id order, without program texts. */
  sampleableNodes(): SampleableNode[] {
    return this.#use((context) => nodes.sampleableNodes(context));
  }

  loadSamplerState(name: string): JsonValue | undefined {
    return this.#use((context) => keyValue.loadSamplerState(context, name));
  }

  saveSamplerState(name: string, state: JsonValue): void {
    this.#use((context) => keyValue.saveSamplerState(context, name, state));
  }

  /** Records a call made outside a round (ingestion, manager…); returns its id. */
  insertLlmCall(call: LlmCallRecord): number {
    return this.#use((context) => llmCalls.insertLlmCall(context, call));
  }

  listLlmCalls(filter?: llmCalls.LlmCallFilter): llmCalls.StoredLlmCall[] {
    return this.#use((context) => llmCalls.listLlmCalls(context, filter));
  }

  /** Cost and tokens of every stored call, in all and by role and by model id (running totals: constant time). */
  spendSummary(): llmCalls.SpendSummary {
    return this.#use((context) => llmCalls.spendSummary(context));
  }

  addEvent(type: string, message: string, data?: JsonObject, step?: number | null): RunEvent {
    return this.#use((context) =>
      events.addEvent(context, { type, message, ...(data === undefined ? {} : { data }), step: step ?? null }),
    );
  }

  /** The newest event's id (0 when none): where a poller starts. */
  lastEventId(): number {
    return this.#use((context) => events.lastEventId(context));
  }

  /** The steps of the newest `count` events of `type` that name a step, newest first. */
  newestEventSteps(type: string, count: number): number[] {
    return this.#use((context) => events.newestEventSteps(context, type, count));
  }

  /** Events oldest first; pass the last id seen as `sinceId` to poll for new ones. */
  listEvents(query?: events.EventQuery): RunEvent[] {
    return this.#use((context) => events.listEvents(context, query));
  }

  getMeta(key: string): string | undefined {
    return this.#use((context) => keyValue.getMeta(context, key));
  }

  setMeta(key: string, value: string): void {
    this.#use((context) => keyValue.setMeta(context, key, value));
  }

  /** Inserts or updates items by id; returns how many were new or changed. */
  upsertCognitionItems(items: readonly CognitionItem[]): number {
    return this.#write((context) => cognition.upsertCognitionItems(context, items));
  }

  listCognitionItems(): CognitionItem[] {
    return this.#use((context) => cognition.listCognitionItems(context));
  }

  getCognitionItem(id: string): CognitionItem | undefined {
    return this.#use((context) => cognition.getCognitionItem(context, id));
  }

  /** Removes an item and its embeddings; false when there was none. */
  removeCognitionItem(id: string): boolean {
    return this.#use((context) => cognition.removeCognitionItem(context, id));
  }

  countCognitionItems(): number {
    return this.#use((context) => cognition.countCognitionItems(context));
  }

  /** Stores an item's vector for one embedder; a zero, empty or non-finite vector is refused. */
  setEmbedding(itemId: string, embedderId: string, vector: Float32Array): void {
    this.#write((context) => embeddings.setEmbedding(context, itemId, embedderId, vector));
  }

  /** Stores many vectors of one embedder in one transaction. */
  setEmbeddings(embedderId: string, vectors: Iterable<readonly [itemId: string, vector: Float32Array]>): void {
    this.#write((context) => {
      for (const [itemId, vector] of vectors) embeddings.setEmbedding(context, itemId, embedderId, vector);
    });
  }

  getEmbeddings(embedderId: string): Map<string, Float32Array> {
    return this.#use((context) => embeddings.getEmbeddings(context, embedderId));
  }

  /** Drops the vectors of every other embedder; returns how many were dropped. */
  deleteEmbeddingsExcept(embedderId: string): number {
    return this.#use((context) => embeddings.deleteEmbeddingsExcept(context, embedderId));
  }

  /** A paper already ingested into the cognition base, by the SHA-256 of its bytes. */
  getIngestedPaper(contentHash: string): ingest.IngestedPaper | undefined {
    return this.#use((context) => ingest.getIngestedPaper(context, contentHash));
  }

  listIngestedPapers(): ingest.IngestedPaper[] {
    return this.#use((context) => ingest.listIngestedPapers(context));
  }

  /** Stores a paper's items and marks the paper done, in one transaction. */
  completeIngestedPaper(
    paper: Omit<ingest.IngestedPaper, 'completedAt'>,
    items: readonly CognitionItem[],
  ): ingest.IngestedPaper {
    return this.#write((context) => ingest.completeIngestedPaper(context, paper, items));
  }

  /** Grows with every change to cognition items or vectors (by any process); equal = unchanged. */
  cognitionRevision(): number {
    return this.#use((context) => ingest.cognitionRevision(context));
  }

  /** The schema migrations recorded in the file. */
  appliedMigrations(): AppliedMigration[] {
    return this.#use((context) => appliedMigrations(context.db));
  }

  #use<T>(fn: (context: StoreContext) => T): T {
    try {
      return fn(this.#context);
    } catch (error) {
      throw translateSqliteError(error, this.#context.file);
    }
  }

  #write<T>(fn: (context: StoreContext) => T): T {
    return this.#use((context) => context.db.transaction(() => fn(context)).immediate());
  }
}

/**
 * Opens an experiment database, creating and migrating it unless `readonly`. A damaged or
 * non-SQLite file, or one written by a newer version, throws AsiEvolveError('STORE_CORRUPT').
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  const readonly = options.readonly ?? false;
  const context = openDatabase(path, {
    readonly,
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    now: options.now ?? (() => new Date()),
    ...(options.migrations === undefined ? {} : { migrations: options.migrations }),
  });
  return new Store(context, readonly);
}
