import { createTwoFilesPatch } from 'diff';
import type { CognitionItem } from '../cognition/index.js';
import { gitFilePatch, programFileChanges, type FileSetChange } from '../domain/index.js';
import type { NodeRecord, StoredLlmCall, Store } from '../store/index.js';
import { readStepLogs, readStepTranscripts, stepFolderOf, type TextTail, type TranscriptFile } from './step-files.js';

/** A node's neighbour, as linked from its page. */
export interface NodeLink {
  id: number;
  name: string;
  score: number | null;
  success: boolean;
}

/** Everything the node page shows. */
export interface NodeDetail {
  node: NodeRecord;
  /** The first sampled node (the edited parent in diff mode); null for a root or an evicted parent. */
  parent: NodeLink | null;
  /** Unified diff from the parent's program to this one; null without a parent. */
  diff: string | null;
  /**
   * A multi-file node's changes against its parent, file by file (changed files only); null for
   * a single-file node or without a parent.
   */
  fileDiffs: FileDiff[] | null;
  children: NodeLink[];
  previousId: number | null;
  nextId: number | null;
  /** The cognition items the Researcher saw; an item removed since is `{ id, missing: true }`. */
  cognition: Array<CognitionItem | { id: string; missing: true }>;
  /** From the step folder's `llm/` files, else from the store. */
  transcripts: Array<TranscriptFile | { file: string; content: StoredLlmCall; truncated: false }>;
  /** Tails of stdout.log, stderr.log and evaluator.log that exist. */
  logs: Record<string, TextTail>;
  /** `steps/step_N`, relative to the experiment folder. */
  stepFolder: string;
}

/** One file's change, as the node page shows it. */
export interface FileDiff {
  path: string;
  kind: FileSetChange['kind'];
  /** The git-style patch of the file (`diff --git` header, then its hunks). */
  diff: string;
}

const logTailBytes = 64 * 1024;
const transcriptBytes = 4 * 1024 * 1024;

function linkOf(node: Pick<NodeRecord, 'id' | 'name' | 'score' | 'success'>): NodeLink {
  return { id: node.id, name: node.name, score: node.score, success: node.success };
}

/** Builds a node's page data, or undefined when the node does not exist. */
export function buildNodeDetail(store: Store, experimentDir: string, id: number): NodeDetail | undefined {
  const node = store.getNode(id);
  if (node === undefined) return undefined;
  // Summaries for the neighbours and children; only the parent's program is read, for the diff.
  const all = store.nodeSummaries();
  const parentId = node.parentIds[0];
  const parent = parentId === undefined ? undefined : store.getNode(parentId);
  const index = all.findIndex((candidate) => candidate.id === id);
  const fromFiles = readStepTranscripts(experimentDir, node.step, transcriptBytes);
  const changes = parent ? programFileChanges(parent.program, node.program) : null;
  const fileDiffs =
    changes === null
      ? null
      : changes.map((change) => ({ path: change.path, kind: change.kind, diff: gitFilePatch(change) }));
  return {
    node,
    parent: parent ? linkOf(parent) : null,
    fileDiffs,
    diff: fileDiffs
      ? fileDiffs.map((file) => file.diff).join('')
      : parent
        ? createTwoFilesPatch(
            `node-${parent.id}`,
            `node-${node.id}`,
            parent.program,
            node.program,
            `score ${parent.score ?? 'n/a'}`,
            `score ${node.score ?? 'n/a'}`,
          )
        : null,
    children: all.filter((candidate) => candidate.parentIds[0] === id).map(linkOf),
    previousId: all[index - 1]?.id ?? null,
    nextId: all[index + 1]?.id ?? null,
    cognition: node.cognitionIds.map(
      (itemId) => store.getCognitionItem(itemId) ?? { id: itemId, missing: true as const },
    ),
    transcripts:
      fromFiles.length > 0
        ? fromFiles
        : store.listLlmCalls({ nodeId: id }).map((call, order) => ({
            file: `${String(order + 1).padStart(2, '0')}-${call.role} (store)`,
            content: call,
            truncated: false as const,
          })),
    logs: readStepLogs(experimentDir, node.step, logTailBytes),
    stepFolder: stepFolderOf(node.step),
  };
}
