import {
  formatObjectiveValue,
  listInstances,
  rankFront,
  type FrontInput,
  type Objective,
  type ObjectiveSettings,
} from '../domain/index.js';

/** The front as `status --json` and `best --json` give it (with objectives configured). */
export interface FrontReport {
  objectives: Objective[];
  outOfBounds: ObjectiveSettings['outOfBounds'];
  instances: string | null;
  /** The non-dominated nodes, best first on the first objective. */
  members: Array<{ id: number; step: number; name: string; values: Record<string, number>; winsInstances: string[] }>;
  dominated: number;
  infeasible: number;
}

/** Ranks node summaries (never programs) and keeps what the commands print. */
export function frontReport(nodes: readonly FrontInput[], settings: ObjectiveSettings): FrontReport {
  const ranking = rankFront(nodes, settings);
  return {
    objectives: ranking.objectives,
    outOfBounds: ranking.outOfBounds,
    instances: ranking.instances,
    members: ranking.front.map(({ id, step, name, values, winsInstances }) => ({
      id,
      step,
      name,
      values,
      winsInstances,
    })),
    dominated: ranking.dominated,
    infeasible: ranking.infeasible,
  };
}

/**
 * One heading line (objectives, how many dominated), then one line per front member:
 *   Front over bins (minimize), seconds (minimize): 2 nodes, 5 dominated
 *     node 4 (step 4) "first-fit": bins 3, seconds 0.12
 */
export function writeFront(report: FrontReport, write: (text: string) => void): void {
  const objectives = report.objectives.map((objective) => `${objective.name} (${objective.direction})`).join(', ');
  const count = report.members.length;
  const infeasible = report.infeasible > 0 ? ` (${report.infeasible} of them outside a bound)` : '';
  write(
    `Front over ${objectives}: ${count} node${count === 1 ? '' : 's'}, ${report.dominated} dominated${infeasible}\n`,
  );
  for (const member of report.members) {
    const values = report.objectives
      .map((objective) => `${objective.name} ${formatObjectiveValue(member.values[objective.name])}`)
      .join(', ');
    const wins = report.instances === null ? '' : `; best on ${listInstances(member.winsInstances) || 'no instance'}`;
    write(`  node ${member.id} (step ${member.step}) "${member.name}": ${values}${wins}\n`);
  }
}
