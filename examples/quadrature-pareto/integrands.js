// The test integrals: smooth, peaked, oscillating and with an endpoint singularity, each with its
// exact value. Shared by the evaluator and the harness that runs the candidate.

export const INTEGRANDS = [
  { name: 'exp', f: Math.exp, a: 0, b: 1, exact: Math.E - 1 },
  { name: 'sin', f: Math.sin, a: 0, b: Math.PI, exact: 2 },
  { name: 'runge', f: (x) => 1 / (1 + 25 * x * x), a: -1, b: 1, exact: 0.4 * Math.atan(5) },
  { name: 'sqrt', f: Math.sqrt, a: 0, b: 1, exact: 2 / 3 },
  { name: 'peak', f: (x) => 1 / ((x - 0.3) ** 2 + 0.01), a: 0, b: 1, exact: 10 * (Math.atan(7) + Math.atan(3)) },
  { name: 'wave', f: (x) => Math.cos(20 * x), a: 0, b: 1, exact: Math.sin(20) / 20 },
];

/** Correct digits of an estimate: −log10 of the absolute error, between 0 and 15. */
export function digitsOf(estimate, exact) {
  if (!Number.isFinite(estimate)) return 0;
  const error = Math.abs(estimate - exact);
  return Math.min(15, Math.max(0, -Math.log10(Math.max(error, 1e-15))));
}
