/** A seeded source of randomness; every stochastic choice of a run draws from one of these. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** A new independent generator derived from this one and a label (stable under the same seed). */
  fork(label: string): Random;
}

function hashString(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}

/** mulberry32: small, fast and good enough for sampling decisions. */
export function createRandom(seed: number | string): Random {
  const initial = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
  let state = initial;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (maxExclusive) => Math.floor(next() * maxExclusive),
    // Derived from the initial seed only, so a fork does not depend on how much was drawn before.
    fork: (label) => createRandom(hashString(`${initial}:${label}`)),
  };
}
