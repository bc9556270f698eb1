/**
 * A set of non-negative integer ids that answers "the k-th smallest id" in O(log C), where C is
 * the largest id seen: a Fenwick tree of 0/1 counts indexed by id. Node ids are round numbers,
 * dense from 0, so the array stays about as long as the store holds rounds.
 *
 * Uniform draws by position (`at(random.int(size))`) then depend only on which ids are present,
 * not on the order they came and went in, so a resumed run draws exactly as an uninterrupted one.
 */
export class IdPositions {
  #tree = new Int32Array(64);
  #size = 0;
  readonly #present = new Set<number>();

  get size(): number {
    return this.#size;
  }

  has(id: number): boolean {
    return this.#present.has(id);
  }

  /** Adds `id`; false when it was already present. */
  add(id: number): boolean {
    if (!Number.isInteger(id) || id < 0) throw new RangeError(`IdPositions holds non-negative integer ids, got ${id}`);
    if (this.#present.has(id)) return false;
    if (id + 1 >= this.#tree.length) this.#grow(id + 2);
    this.#present.add(id);
    this.#update(id, 1);
    this.#size++;
    return true;
  }

  /** Removes `id`; false when it was absent. */
  delete(id: number): boolean {
    if (!this.#present.delete(id)) return false;
    this.#update(id, -1);
    this.#size--;
    return true;
  }

  /** The id at `position` (0 = smallest) among those present. */
  at(position: number): number {
    if (!Number.isInteger(position) || position < 0 || position >= this.#size) {
      throw new RangeError(`Position ${position} is outside 0..${this.#size - 1}`);
    }
    // Descend the implicit tree: the largest index whose prefix count is at most `position`.
    let index = 0;
    let remaining = position;
    for (let step = highestPowerOfTwo(this.#tree.length - 1); step > 0; step >>= 1) {
      const next = index + step;
      if (next < this.#tree.length && (this.#tree[next] as number) <= remaining) {
        index = next;
        remaining -= this.#tree[next] as number;
      }
    }
    return index; // Fenwick index `index + 1` is the id `index`.
  }

  /** Every id present, smallest first. */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let position = 0; position < this.#size; position++) yield this.at(position);
  }

  #update(id: number, delta: number): void {
    for (let index = id + 1; index < this.#tree.length; index += index & -index) {
      this.#tree[index] = (this.#tree[index] as number) + delta;
    }
  }

  /** Doubles the capacity until `needed` fits and rebuilds the counts in O(C). */
  #grow(needed: number): void {
    let length = this.#tree.length;
    while (length < needed) length *= 2;
    const tree = new Int32Array(length);
    for (const id of this.#present) tree[id + 1] = 1;
    for (let index = 1; index < length; index++) {
      const parent = index + (index & -index);
      if (parent < length) tree[parent] = (tree[parent] as number) + (tree[index] as number);
    }
    this.#tree = tree;
  }
}

function highestPowerOfTwo(value: number): number {
  let power = 1;
  while (power * 2 <= value) power *= 2;
  return power;
}
