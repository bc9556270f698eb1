/**
 * The best `k` items under `compare` (negative = first argument ranks first), best first,
 * among those `include` accepts, without sorting the whole input: one pass keeping a sorted
 * buffer of at most `k` items (equal items keep their input order).
 * Most items are rejected by a single comparison with the buffer's worst, so the cost is
 * O(N) for small k and O(N·log k) comparisons plus buffer shifts in the worst case.
 */
export function topK<T>(
  items: Iterable<T>,
  k: number,
  compare: (left: T, right: T) => number,
  include: (item: T) => boolean = () => true,
): T[] {
  const buffer: T[] = [];
  if (k <= 0) return buffer;
  for (const item of items) {
    if (!include(item)) continue;
    if (buffer.length === k && compare(item, buffer[k - 1] as T) >= 0) continue;
    let low = 0;
    let high = buffer.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(item, buffer[middle] as T) < 0) high = middle;
      else low = middle + 1;
    }
    buffer.splice(low, 0, item);
    if (buffer.length > k) buffer.pop();
  }
  return buffer;
}
