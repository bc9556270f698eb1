import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isScalar, parseDocument, stringify } from 'yaml';
import { compatibilityKeysSet } from '../config/index.js';
import type { JsonObject, JsonValue, NewNode } from '../domain/index.js';
import { parseCognitionText, type CognitionImportResult } from '../cognition/index.js';
import { AsiEvolveError } from '../errors.js';
import { openStore } from '../store/index.js';
import { copyFolder } from './folder.js';
import { findPythonLists, toJson, type PythonNode } from './python-literal.js';
import type { ReportBuilder } from './report.js';

/** The fields of the reference tool's CognitionItem, in its positional order. */
const cognitionItemFields = ['content', 'source', 'metadata', 'id'];
const contentKeys = ['content', 'text', 'description', 'body'];

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One element of a list in init_cognition.py as an item, or why it is not one. */
function itemOf(node: PythonNode): { item: JsonObject } | { skip: string } | null {
  if (node.kind === 'dict') {
    const converted = toJson(node);
    if (!converted.ok) return { skip: `${converted.why} (${converted.text.slice(0, 60)})` };
    const value = converted.value as JsonObject;
    return contentKeys.some((key) => typeof value[key] === 'string') ? { item: value } : null;
  }
  if (node.kind === 'call' && /(^|\.)\w*Item$/.test(node.callee)) {
    const item: JsonObject = {};
    const fields = [
      ...node.args.map((arg, index) => [cognitionItemFields[index] ?? `arg${index}`, arg] as const),
      ...Object.entries(node.kwargs),
    ];
    for (const [name, arg] of fields) {
      const converted = toJson(arg);
      if (!converted.ok) return { skip: `${name} is ${converted.why} (${converted.text.slice(0, 60)})` };
      item[name] = converted.value;
    }
    return typeof item.content === 'string' ? { item } : { skip: `${node.callee}() without a literal content` };
  }
  return null;
}

/**
 * The cognition items written as literals in a reference `init_cognition.py`: every list whose
 * elements are `CognitionItem(...)` calls or dicts with a content field. Nothing is executed; an
 * element that is not a literal is reported with its line.
 */
export function readInitCognition(source: string): {
  items: JsonObject[];
  skipped: Array<{ line: number; why: string }>;
} {
  const items: JsonObject[] = [];
  const skipped: Array<{ line: number; why: string }> = [];
  for (const list of findPythonLists(source)) {
    const found = list.items.map((element) => ({ element, read: itemOf(element) }));
    if (!found.some(({ read }) => read !== null && 'item' in read)) continue;
    for (const { element, read } of found) {
      if (read === null)
        skipped.push({ line: element.line, why: 'not a CognitionItem(...) or a dict with a content field' });
      else if ('skip' in read) skipped.push({ line: element.line, why: read.skip });
      else items.push(read.item);
    }
  }
  return { items, skipped };
}

/**
 * The items of a reference `init_cognition.py`, normalised as a cognition file's are (for
 * `cognition import DIR init_cognition.py`): what is not a literal is a problem with its line.
 */
export function importInitCognitionScript(path: string): CognitionImportResult {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    return {
      items: [],
      problems: [{ file: path, message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` }],
    };
  }
  const read = readInitCognition(source);
  const parsed = parseCognitionText(JSON.stringify(read.items), { file: path, format: 'json' });
  const problems = [
    ...read.skipped.map((skipped) => ({ file: path, line: skipped.line, message: `not imported: ${skipped.why}` })),
    ...parsed.problems,
  ];
  if (read.items.length === 0 && read.skipped.length === 0) {
    problems.push({
      file: path,
      message: 'no list of CognitionItem(...) calls or of dicts with a content field was found',
    });
  }
  return { items: parsed.items, problems };
}

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AsiEvolveError(
      'USAGE',
      `${path}: cannot read the reference tool's ${what} (${error instanceof Error ? error.message : String(error)})`,
      { file: path },
    );
  }
}

/** Items of a stored cognition_data/cognition.json (`{"items": {id: {id, content, source, metadata}}}`). */
function readStoredCognition(path: string): JsonObject[] {
  const data = readJson(path, 'cognition store');
  const items = isObject(data) && isObject(data.items) ? Object.values(data.items) : [];
  return items.filter((item): item is JsonObject => isObject(item) && typeof item.content === 'string');
}

/** An item as written to cognition.yaml: empty fields left out. */
function cleanItem(item: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(item)) {
    if (value === null || value === '' || (isObject(value) && Object.keys(value).length === 0)) continue;
    out[key] = value;
  }
  return out;
}

function numberOr(value: JsonValue | undefined, fallback: number | null): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** A node of database_data/nodes.json as a stored node of round `step`. */
function nodeOf(raw: JsonObject, step: number, ids: Map<number, number>, report: ReportBuilder): NewNode {
  const meta = isObject(raw.meta_info) ? raw.meta_info : {};
  const results = isObject(raw.results) ? raw.results : {};
  const success = meta.success === false || results.success === false ? false : true;
  const score = numberOr(raw.score, null);
  const parents = Array.isArray(raw.parent) ? raw.parent.filter((id): id is number => typeof id === 'number') : [];
  const parentIds = parents.flatMap((id) => {
    const mapped = ids.get(id);
    if (mapped === undefined)
      report.left(
        `database_data/nodes.json: node ${String(raw.id)} parent ${id}`,
        'that parent is not in the stored run (evicted); the link is dropped',
      );
    return mapped === undefined ? [] : [mapped];
  });
  const runtime = numberOr(meta.runtime, 0) ?? 0;
  const error = typeof meta.error === 'string' ? meta.error : typeof results.error === 'string' ? results.error : null;
  return {
    id: step,
    step,
    name: typeof raw.name === 'string' && raw.name !== '' ? raw.name : `node_${step}`,
    motivation: typeof raw.motivation === 'string' ? raw.motivation : '',
    program: typeof raw.code === 'string' ? raw.code : '',
    results,
    analysis: typeof raw.analysis === 'string' ? raw.analysis : '',
    score: success ? score : null,
    evalScore: numberOr(meta.eval_score, numberOr(results.eval_score, score)),
    success,
    error: success ? null : (error ?? 'failed in the reference run'),
    parentIds,
    cognitionIds: [],
    provenance: 'unknown',
    runtimeMs: Math.round(runtime * 1000),
    island: null,
    operator: step === 0 ? 'seed' : 'reference',
    metadata: {
      imported_from: 'asi-evolve reference run',
      reference_id: numberOr(raw.id, null),
      reference_created_at: typeof raw.created_at === 'string' ? raw.created_at : null,
      reference_visit_count: numberOr(raw.visit_count, 0),
      ...(Object.keys(meta).length === 0 ? {} : { meta_info: meta }),
    },
    usage: { inputTokens: undefined, cachedInputTokens: undefined, outputTokens: undefined },
    costUsd: 0,
  };
}

/**
 * Stores the nodes of a reference database_data/nodes.json in the new folder's asi-evolve.db,
 * in id order: the `initial_program` node becomes the seed (round 0), the others rounds 1, 2, …
 * so that `run --steps N` continues after them.
 */
function importStoredRun(path: string, databasePath: string, report: ReportBuilder): number {
  const data = readJson(path, 'node database');
  const rawNodes = isObject(data) && isObject(data.nodes) ? Object.values(data.nodes).filter(isObject) : [];
  rawNodes.sort((a, b) => (numberOr(a.id, 0) ?? 0) - (numberOr(b.id, 0) ?? 0));
  const seedIndex = rawNodes.findIndex((node) => node.name === 'initial_program');
  const ordered =
    seedIndex === -1
      ? rawNodes
      : [rawNodes[seedIndex] as JsonObject, ...rawNodes.filter((_, index) => index !== seedIndex)];
  const firstStep = seedIndex === -1 ? 1 : 0;
  const ids = new Map<number, number>();
  ordered.forEach((node, index) => {
    if (typeof node.id === 'number') ids.set(node.id, firstStep + index);
  });
  const store = openStore(databasePath);
  try {
    store.transaction(() => {
      ordered.forEach((node, index) => store.insertNode(nodeOf(node, firstStep + index, ids, report)));
      store.addEvent('imported', `${ordered.length} nodes imported from the reference run in ${path}`, {
        nodes: ordered.length,
      });
    });
  } finally {
    store.close();
  }
  if (isObject(data) && data.sampler_state !== undefined) {
    report.left(
      'database_data/nodes.json: sampler_state',
      "the reference sampler's state does not carry over; the sampler is rebuilt from the imported nodes",
    );
  }
  report.left(
    'database_data/nodes.json: visit_count',
    "visit counts start at 0 (the reference counts are kept in each node's metadata)",
  );
  return ordered.length;
}

/** Notes and fixes for reference config keys that would silently mean something else here. */
function translateConfig(target: string, report: ReportBuilder): void {
  const path = join(target, 'config.yaml');
  if (!existsSync(path)) return;
  const document = parseDocument(readFileSync(path, 'utf8'));
  if (document.errors.length > 0) return; // the run names the syntax error with its line
  const get = (keys: string[]): unknown => document.getIn(keys);
  let changed = false;
  const embedding = get(['cognition', 'embedding', 'model']);
  const provider = get(['cognition', 'embedding', 'provider']);
  const threshold = get(['cognition', 'retrieval', 'score_threshold']);
  if (
    typeof embedding === 'string' &&
    embedding !== 'builtin-lexical' &&
    (provider === undefined || provider === 'builtin') &&
    typeof threshold === 'number' &&
    threshold > 0.1
  ) {
    const scalar = document.getIn(['cognition', 'retrieval', 'score_threshold'], true);
    document.setIn(['cognition', 'retrieval', 'score_threshold'], 0.05);
    const replaced = document.getIn(['cognition', 'retrieval', 'score_threshold'], true);
    if (isScalar(replaced))
      replaced.comment = ` was ${threshold}${isScalar(scalar) && scalar.comment ? ` (${scalar.comment.trim()})` : ''}: lowered by asi-evolve import for the built-in lexical embedder`;
    changed = true;
    report.mapped(
      `cognition.retrieval.score_threshold ${threshold} (for ${embedding})`,
      '0.05: the built-in lexical embedder is used instead, and its similarities are lower; set cognition.embedding.provider to use an embeddings endpoint',
    );
  }
  const model = get(['api', 'model']);
  const baseUrl = get(['api', 'base_url']);
  const apiProvider = get(['api', 'provider']);
  if (
    typeof model === 'string' &&
    baseUrl === undefined &&
    apiProvider === undefined &&
    !/^(gpt|o\d|text-)/.test(model)
  ) {
    report.left(
      'config.yaml: api.model',
      `'${model}' is sent to the OpenAI API (the default api.base_url); for a Claude model set api.provider: anthropic and a model id, or point api.base_url at the endpoint that serves '${model}'`,
    );
  }
  // The keys a reference config sets that only load for compatibility: the same list a run names at its start.
  for (const key of compatibilityKeysSet([document.toJS()]))
    report.left(`config.yaml: ${key.path}`, `no effect: ${key.why}`);
  if (changed) writeFileSync(path, document.toString());
}

/**
 * Copies a reference ASI-Evolve experiment (input.md, initial_program, eval.sh, config.yaml,
 * prompts/, …) and translates what the reference kept outside the folder's files: the items of
 * init_cognition.py (read, never run) and, when present, the stored run (cognition_data/,
 * database_data/) into cognition.yaml and asi-evolve.db, so that the run continues here.
 */
export function importReference(source: string, target: string, report: ReportBuilder): void {
  if (!existsSync(join(source, 'input.md'))) {
    throw new AsiEvolveError(
      'EXPERIMENT_MISSING_FILE',
      `no input.md in ${source}: a reference experiment describes its task there`,
      {
        file: join(source, 'input.md'),
      },
    );
  }
  for (const path of copyFolder(source, target)) {
    if (path === 'database_data' || path === 'cognition_data') continue;
    report.left(
      path,
      path === 'steps'
        ? "the reference run's step folders are not copied (their programs and results are in the imported nodes)"
        : 'a run output, not copied',
    );
  }
  translateConfig(target, report);

  const items: JsonObject[] = [];
  const initPath = join(source, 'init_cognition.py');
  if (existsSync(initPath)) {
    const read = readInitCognition(readFileSync(initPath, 'utf8'));
    items.push(...read.items);
    for (const skipped of read.skipped)
      report.left(`init_cognition.py:${skipped.line}`, `not imported: ${skipped.why}`);
    report.mapped(`init_cognition.py (${read.items.length} items, read without running it)`, 'cognition.yaml');
  }
  const storedCognition = join(source, 'cognition_data', 'cognition.json');
  if (existsSync(storedCognition)) {
    const stored = readStoredCognition(storedCognition);
    const contents = new Set(items.map((item) => item.content));
    const added = stored.filter((item) => !contents.has(item.content));
    items.push(...added);
    report.mapped(
      `cognition_data/cognition.json (${stored.length} items, ${added.length} not in init_cognition.py)`,
      'cognition.yaml',
    );
  }
  if (items.length > 0) {
    const name = existsSync(join(target, 'cognition.yaml')) ? 'cognition-imported.yaml' : 'cognition.yaml';
    if (name !== 'cognition.yaml')
      report.left(
        name,
        'cognition.yaml already existed: add cognition-imported.yaml to cognition.seed_files to use these items',
      );
    writeFileSync(
      join(target, name),
      `# Cognition items imported from the reference experiment ${source}.\n${stringify(items.map(cleanItem), { lineWidth: 0 })}`,
    );
    report.counts.cognitionItems = items.length;
  }

  const storedNodes = join(source, 'database_data', 'nodes.json');
  if (existsSync(storedNodes)) {
    report.counts.nodes = importStoredRun(storedNodes, join(target, 'asi-evolve.db'), report);
    report.mapped(
      'database_data/nodes.json',
      `asi-evolve.db (${report.counts.nodes} nodes; \`run --steps N\` continues after them)`,
    );
  } else if (existsSync(join(source, 'database_data'))) {
    report.left('database_data/', 'holds no nodes.json: no stored run imported');
  }
  for (const folder of ['database_data', 'cognition_data']) {
    if (existsSync(join(source, folder, 'faiss')))
      report.left(
        `${folder}/faiss`,
        'the FAISS index is not read: vectors are computed again by the configured embedder',
      );
  }
}
