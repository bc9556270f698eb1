/** A number for people: integers as they are, others to 6 significant digits (no float noise). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** A signed difference, with the relative change when the reference is not zero: `+0.012 (1.3 %)`. */
export function formatDelta(value: number, reference: number): string {
  const delta = Number((value - reference).toPrecision(6));
  const signed = delta > 0 ? `+${formatNumber(delta)}` : delta < 0 ? `-${formatNumber(-delta)}` : '0';
  if (reference === 0 || !Number.isFinite(reference)) return signed;
  const percent = (delta / Math.abs(reference)) * 100;
  return `${signed} (${percent > 0 ? '+' : ''}${percent.toFixed(1)} %)`;
}
