import type { NodeSummary } from '../store/index.js';

/** A node in a line: what scripts need to find it and judge it (`status --json`, `run --json`). */
export interface NodeBrief {
  id: number;
  step: number;
  name: string;
  success: boolean;
  score: number | null;
  error: string | null;
}

export function nodeBrief(node: Pick<NodeSummary, keyof NodeBrief>): NodeBrief {
  return { id: node.id, step: node.step, name: node.name, success: node.success, score: node.score, error: node.error };
}
