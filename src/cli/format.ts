/** Small formatting helpers shared by the commands and the progress printer. */
export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined) return 'n/a';
  const magnitude = Math.abs(score);
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6) ? score.toExponential(4) : score.toFixed(6);
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
