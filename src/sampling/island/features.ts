import type { SampleableNode } from '../policy.js';

/** How many of the first observed programs form the reference set of the `diversity` feature. */
export const referenceSetSize = 8;

/** Smallest and largest value seen on one feature dimension; null before any. */
export type FeatureRange = [minimum: number, maximum: number] | null;

/**
 * The built-in `diversity` feature: how far a program's length is from the reference set (the
 * first {@link referenceSetSize} programs observed), as the mean |ln(1 + length) − ln(1 + reference)|.
 * On a log scale, twice as long and half as long are equally far. Unlike `complexity` it is not
 * monotone in length: programs that moved away from the early designs either way score high.
 * It reads only the length, so it is cheap (O(reference set) per node) and needs no program text.
 */
export function lengthDiversity(programLength: number, referenceLengths: readonly number[]): number {
  if (referenceLengths.length === 0) return 0;
  const logLength = Math.log1p(Math.max(0, programLength));
  let total = 0;
  for (const reference of referenceLengths) total += Math.abs(logLength - Math.log1p(Math.max(0, reference)));
  return total / referenceLengths.length;
}

/**
 * The node's raw value on each dimension: `complexity` = program length, `diversity` = see
 * {@link lengthDiversity}, any other name = `node.metrics[name]`. Null when a metric is missing
 * or not finite (the node then stays out of the grid).
 */
export function featureValues(
  node: SampleableNode,
  dimensions: readonly string[],
  referenceLengths: readonly number[],
): number[] | null {
  const values: number[] = [];
  for (const dimension of dimensions) {
    let value: number | undefined;
    if (dimension === 'complexity') value = node.programLength;
    else if (dimension === 'diversity') value = lengthDiversity(node.programLength, referenceLengths);
    else value = Object.hasOwn(node.metrics, dimension) ? node.metrics[dimension] : undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) return null;
    values.push(value);
  }
  return values;
}

/** Widens each dimension's range to include `values`. */
export function widenRanges(ranges: FeatureRange[], values: readonly number[]): void {
  values.forEach((value, index) => {
    const range = ranges[index];
    ranges[index] = range ? [Math.min(range[0], value), Math.max(range[1], value)] : [value, value];
  });
}

/**
 * The grid cell of `values` after min-max scaling each dimension over its range into `bins`
 * bins (a flat range puts everything in bin 0), e.g. "3,7".
 */
export function cellKey(values: readonly number[], ranges: readonly FeatureRange[], bins: number): string {
  return values
    .map((value, index) => {
      const range = ranges[index];
      if (!range || !(range[1] > range[0])) return 0;
      const scaled = (value - range[0]) / (range[1] - range[0]);
      return Math.min(bins - 1, Math.max(0, Math.floor(scaled * bins)));
    })
    .join(',');
}
