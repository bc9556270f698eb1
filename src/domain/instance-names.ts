/** Instance names listed in one line at most: a node may win thousands, and each sampled node's standing goes into a prompt. */
export const LISTED_INSTANCES = 20;

/**
 * The instances a node wins, for one line of a prompt, `status` or a report: at most
 * `LISTED_INSTANCES` names, then how many more; a name with a comma, quote, control character or
 * leading or trailing space is written as a JSON string, so an evaluator's instance names cannot
 * break the line or pass for several names.
 * @example listInstances(['a', 'b\nc']) // 'a, "b\\nc"'
 */
export function listInstances(names: readonly string[], limit = LISTED_INSTANCES): string {
  const shown = names.slice(0, limit).map((name) =>
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029,"]|^\s|\s$|^$/.test(name) ? JSON.stringify(name) : name,
  );
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
