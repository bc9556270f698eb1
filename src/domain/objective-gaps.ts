import { MAX_NESTED_METRICS, type ObjectiveSettings } from './objectives.js';

/** Something in a successful node's results that keeps an objective from counting, and why. */
export interface ObjectiveGap {
  /** The same for every node with this kind of gap: a run reports each kind once. */
  kind: string;
  message: string;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const text = JSON.stringify(value);
    return `the string ${text.length > 40 ? `${text.slice(0, 39)}…"` : text}`;
  }
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/**
 * What a successful node's results lack for the objectives (docs/architecture.md, Several
 * objectives), so the run can say why a node is never on the front instead of dropping it in
 * silence: an objective missing or not a number (the node is not ranked), an `instances` key that
 * is not an object of instance → score, instance scores that are not numbers, and a map with more
 * instances than a summary keeps.
 * @example objectiveGaps({ eval_score: 1, seconds: '3' }, settings) // [{ kind: 'objective:seconds', … }]
 */
export function objectiveGaps(results: Readonly<Record<string, unknown>>, settings: ObjectiveSettings): ObjectiveGap[] {
  const gaps: ObjectiveGap[] = [];
  for (const { name } of settings.objectives) {
    const value = Object.hasOwn(results, name) ? results[name] : undefined;
    if (typeof value === 'number' && Number.isFinite(value)) continue;
    // A dotted objective may name a per-instance score (`<instances>.<name>`), kept in the summary.
    const prefix = settings.instances === undefined ? null : `${settings.instances}.`;
    if (value === undefined && prefix !== null && name.startsWith(prefix)) {
      const map = results[settings.instances as string];
      const inner =
        isObject(map) && Object.hasOwn(map, name.slice(prefix.length)) ? map[name.slice(prefix.length)] : undefined;
      if (typeof inner === 'number' && Number.isFinite(inner)) continue;
    }
    gaps.push({
      kind: `objective:${name}`,
      message:
        value === undefined
          ? `objective '${name}' is missing from results.json: such a node is stored but not ranked on the front`
          : `objective '${name}' is ${describe(value)} in results.json, not a number: such a node is stored but not ranked on the front`,
    });
  }
  const key = settings.instances;
  if (key === undefined) return gaps;
  const map = Object.hasOwn(results, key) ? results[key] : undefined;
  if (!isObject(map)) {
    gaps.push({
      kind: 'instances',
      message: `objectives.instances names '${key}', but results.json's '${key}' is ${map === undefined ? 'missing' : describe(map)}, not an object of instance → score: no per-instance scores are kept for such a node`,
    });
    return gaps;
  }
  const entries = Object.entries(map);
  const notNumbers = entries.filter(([, score]) => typeof score !== 'number' || !Number.isFinite(score));
  if (notNumbers.length > 0) {
    const [instance, score] = notNumbers[0] as [string, unknown];
    gaps.push({
      kind: 'instances:not-numbers',
      message: `${notNumbers.length} of the scores in results.json's '${key}' are not numbers (e.g. ${JSON.stringify(instance)}: ${describe(score)}): those instances are left out`,
    });
  }
  if (entries.length - notNumbers.length > MAX_NESTED_METRICS) {
    gaps.push({
      kind: 'instances:too-many',
      message: `results.json's '${key}' scores ${entries.length - notNumbers.length} instances; a node keeps the first ${MAX_NESTED_METRICS}, so wins on the others do not count`,
    });
  }
  return gaps;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
