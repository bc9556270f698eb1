/** What the score curve needs of a node. */
export interface CurvePoint {
  id: number;
  step: number;
  score: number | null;
  success: boolean;
}

export interface ScoreCurveOptions {
  title?: string;
  /** @default 800 */
  width?: number;
  /** @default 420 */
  height?: number;
}

/** Round numbers (1, 2 or 5 × 10^k) spanning [minimum, maximum], about `count` of them. */
export function niceTicks(minimum: number, maximum: number, count = 6): number[] {
  if (!(maximum > minimum)) return [minimum];
  const rough = (maximum - minimum) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const step = (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * power;
  const ticks: number[] = [];
  for (let value = Math.ceil(minimum / step) * step; value <= maximum + step * 1e-9; value += step) {
    ticks.push(Number(value.toPrecision(12)));
  }
  return ticks;
}

/** A tick's label with as many decimals as the spacing of the ticks needs. */
export function tickLabel(value: number, ticks: readonly number[]): string {
  const step = ticks.length > 1 ? Math.abs((ticks[1] ?? 0) - (ticks[0] ?? 0)) : Math.abs(value) || 1;
  const decimals = Math.min(8, Math.max(0, -Math.floor(Math.log10(step))));
  return value.toFixed(decimals);
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const round = (value: number): string => value.toFixed(1);

/**
 * The score curve as a standalone SVG: every successful node's score as a dot over its round,
 * the best score so far as a step line, failed rounds as red crosses along the bottom, and
 * axes with round-number ticks and labels.
 * @example
 * writeFileSync('score-curve.svg', renderScoreCurveSvg(store.listNodes(), { title: 'circle packing' }));
 */
export function renderScoreCurveSvg(nodes: readonly CurvePoint[], options: ScoreCurveOptions = {}): string {
  const width = options.width ?? 800;
  const height = options.height ?? 420;
  const margin = { left: 80, right: 24, top: 64, bottom: 56 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const title = escapeXml(options.title ? `Score over rounds — ${options.title}` : 'Score over rounds');
  const ordered = [...nodes].sort((left, right) => left.step - right.step || left.id - right.id);
  const scored = ordered.filter(
    (node): node is CurvePoint & { score: number } =>
      node.success && node.score !== null && Number.isFinite(node.score),
  );
  const failed = ordered.filter((node) => !scored.includes(node as CurvePoint & { score: number }));
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
<title>${title}</title>
<rect width="${width}" height="${height}" fill="#ffffff"/>
<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${title}</text>`;
  if (scored.length === 0) {
    return `${head}
<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#666">No successful node yet${failed.length ? ` (${failed.length} failed)` : ''}.</text>
</svg>
`;
  }

  const maxStep = Math.max(1, ...ordered.map((node) => node.step));
  const scores = scored.map((node) => node.score);
  let low = Math.min(...scores);
  let high = Math.max(...scores);
  if (high === low) {
    const spread = Math.abs(high) * 0.05 || 1;
    low -= spread;
    high += spread;
  } else {
    const pad = (high - low) * 0.06;
    low -= pad;
    high += pad;
  }
  const x = (step: number): number => margin.left + (step / maxStep) * plotWidth;
  const y = (score: number): number => margin.top + (1 - (score - low) / (high - low)) * plotHeight;
  const bottom = margin.top + plotHeight;
  const right = margin.left + plotWidth;

  const parts: string[] = [head];
  const xTicks = niceTicks(0, maxStep, 8).filter((tick) => Number.isInteger(tick));
  const yTicks = niceTicks(low, high, 6);
  parts.push('<g class="grid" stroke="#e5e7eb" stroke-width="1">');
  for (const tick of yTicks)
    parts.push(`<line x1="${margin.left}" x2="${right}" y1="${round(y(tick))}" y2="${round(y(tick))}"/>`);
  for (const tick of xTicks)
    parts.push(`<line x1="${round(x(tick))}" x2="${round(x(tick))}" y1="${margin.top}" y2="${bottom}"/>`);
  parts.push('</g>');
  parts.push(
    `<g class="axes" stroke="#374151" stroke-width="1.2"><line x1="${margin.left}" x2="${right}" y1="${bottom}" y2="${bottom}"/><line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${bottom}"/></g>`,
  );
  parts.push('<g class="x-ticks" fill="#374151" text-anchor="middle">');
  for (const tick of xTicks) {
    parts.push(
      `<line x1="${round(x(tick))}" x2="${round(x(tick))}" y1="${bottom}" y2="${bottom + 5}" stroke="#374151"/><text x="${round(x(tick))}" y="${bottom + 18}">${tick}</text>`,
    );
  }
  parts.push('</g><g class="y-ticks" fill="#374151" text-anchor="end">');
  for (const tick of yTicks) {
    parts.push(
      `<line x1="${margin.left - 5}" x2="${margin.left}" y1="${round(y(tick))}" y2="${round(y(tick))}" stroke="#374151"/><text x="${margin.left - 8}" y="${round(y(tick) + 4)}">${tickLabel(tick, yTicks)}</text>`,
    );
  }
  parts.push('</g>');
  parts.push(
    `<text class="x-label" x="${margin.left + plotWidth / 2}" y="${height - 14}" text-anchor="middle" fill="#111827">round</text>`,
  );
  parts.push(
    `<text class="y-label" transform="translate(18 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" fill="#111827">score</text>`,
  );

  const line: string[] = [];
  let best = Number.NEGATIVE_INFINITY;
  for (const node of scored) {
    if (node.score <= best) continue;
    if (line.length > 0) line.push(`${round(x(node.step))},${round(y(best))}`);
    best = node.score;
    line.push(`${round(x(node.step))},${round(y(best))}`);
  }
  line.push(`${round(x(maxStep))},${round(y(best))}`);
  parts.push(
    `<polyline class="best-so-far" fill="none" stroke="#dc2626" stroke-width="2" points="${line.join(' ')}"/>`,
  );
  parts.push('<g class="nodes" fill="#2563eb" fill-opacity="0.65">');
  for (const node of scored) {
    parts.push(
      `<circle cx="${round(x(node.step))}" cy="${round(y(node.score))}" r="3.5"><title>node ${node.id}, round ${node.step}: ${node.score}</title></circle>`,
    );
  }
  parts.push('</g>');
  if (failed.length > 0) {
    parts.push('<g class="failed" stroke="#b91c1c" stroke-width="1.5">');
    for (const node of failed) {
      const cx = x(node.step);
      const cy = bottom - 6;
      parts.push(
        `<path d="M${round(cx - 3)},${round(cy - 3)} L${round(cx + 3)},${round(cy + 3)} M${round(cx - 3)},${round(cy + 3)} L${round(cx + 3)},${round(cy - 3)}"><title>node ${node.id}, round ${node.step}: failed</title></path>`,
      );
    }
    parts.push('</g>');
  }
  // The legend sits in one row above the plot, where it never hides a point.
  const legendY = margin.top - 16;
  const legend = [
    `<line x1="${margin.left}" x2="${margin.left + 22}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="#dc2626" stroke-width="2"/><text x="${margin.left + 28}" y="${legendY}">best so far (${Number(best.toPrecision(7))})</text>`,
    `<circle cx="${margin.left + 231}" cy="${legendY - 4}" r="3.5" fill="#2563eb" fill-opacity="0.65"/><text x="${margin.left + 240}" y="${legendY}">node score (${scored.length})</text>`,
  ];
  if (failed.length > 0) {
    const at = margin.left + 380;
    legend.push(
      `<path d="M${at - 3},${legendY - 7} L${at + 3},${legendY - 1} M${at - 3},${legendY - 1} L${at + 3},${legendY - 7}" stroke="#b91c1c" stroke-width="1.5"/><text x="${at + 9}" y="${legendY}">failed (${failed.length})</text>`,
    );
  }
  parts.push(`<g class="legend" fill="#111827">${legend.join('')}</g>`, '</svg>', '');
  return parts.join('\n');
}
