/** The name of a step's folder under the experiment's `steps/`: `step_N`. */
export function stepFolderName(step: number): string {
  return `step_${step}`;
}

/** The step a folder named `step_N` belongs to, or null for any other name (`step_3-reproduce-1`, `mcp-x`). */
export function stepOfFolderName(name: string): number | null {
  const match = /^step_(\d+)$/.exec(name);
  return match ? Number(match[1]) : null;
}
