export { openStore } from './store.js';
export type { InsertNodeExtras, OpenStoreOptions, Store } from './store.js';
export type { NodePatch, NodeTotals } from './nodes.js';
export type { LlmCallFilter, SpendSummary, SpendTotals, StoredLlmCall } from './llm-calls.js';
export type { EventQuery } from './events.js';
export type { IngestedPaper } from './ingest.js';
export type { AppliedMigration } from './migrations/migrate.js';
export type {
  JsonObject,
  JsonValue,
  LlmCallRecord,
  NewNode,
  NodeRecord,
  NodeSummary,
  Provenance,
  RunEvent,
  TokenUsage,
} from '../domain/index.js';
export { nodeRecord } from './node-record.js';
