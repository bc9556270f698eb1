/**
 * The front plot: every placed node by two chosen objectives, the dominated ones faded, the front
 * members highlighted and joined in order along the x axis. The layout is pure arithmetic, shared
 * by the report's SVG (below) and the dashboard, which builds the same shapes as DOM elements.
 */
import { escapeXml, niceTicks, tickLabel } from './score-curve.js';

/** What the plot needs of an objective. */
export interface PlotObjective {
  name: string;
  direction: 'maximize' | 'minimize';
}

/** What the plot needs of a node. */
export interface PlotNode {
  id: number;
  step: number;
  name: string;
  values: Record<string, number>;
  onFront: boolean;
  feasible: boolean;
}

export interface PlotTick {
  /** Pixel position along its axis. */
  at: number;
  label: string;
}

export interface PlotDot {
  id: number;
  cx: number;
  cy: number;
  onFront: boolean;
  feasible: boolean;
  /** One line: node, round, name and the two values. */
  label: string;
}

export interface FrontPlotLayout {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  xTicks: PlotTick[];
  yTicks: PlotTick[];
  xLabel: string;
  yLabel: string;
  /** Dominated and infeasible nodes first, so that the front is drawn over them. */
  dots: PlotDot[];
  /** The front members joined along x, as SVG polyline points (empty with fewer than two). */
  frontLine: string;
}

const pixel = (value: number): number => Math.round(value * 10) / 10;

/** `name (higher is better)`: an axis label that says which way is good. */
export function objectiveLabel(objective: PlotObjective): string {
  return `${objective.name} (${objective.direction === 'maximize' ? 'higher' : 'lower'} is better)`;
}

function span(values: readonly number[]): [number, number] {
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high === low) {
    const spread = Math.abs(high) * 0.05 || 1;
    return [low - spread, high + spread];
  }
  const pad = (high - low) * 0.06;
  low -= pad;
  high += pad;
  return [low, high];
}

/**
 * Places the nodes that have both values on a `width` × `height` canvas.
 * @example
 * const layout = layoutFrontPlot(view.points, view.objectives[0], view.objectives[1]);
 */
export function layoutFrontPlot(
  nodes: readonly PlotNode[],
  x: PlotObjective,
  y: PlotObjective,
  size: { width: number; height: number; top?: number } = { width: 800, height: 460 },
): FrontPlotLayout {
  // The top margin holds the SVG's title and legend; the dashboard has them outside the plot.
  const margin = { left: 84, right: 24, top: size.top ?? 60, bottom: 56 };
  const plot = {
    left: margin.left,
    top: margin.top,
    right: size.width - margin.right,
    bottom: size.height - margin.bottom,
  };
  const placed = nodes.filter(
    (node) => Number.isFinite(node.values[x.name]) && Number.isFinite(node.values[y.name]),
  ) as Array<PlotNode & { values: Record<string, number> }>;
  const layout: FrontPlotLayout = {
    width: size.width,
    height: size.height,
    plot,
    xTicks: [],
    yTicks: [],
    xLabel: objectiveLabel(x),
    yLabel: objectiveLabel(y),
    dots: [],
    frontLine: '',
  };
  if (placed.length === 0) return layout;
  const [xLow, xHigh] = span(placed.map((node) => node.values[x.name] as number));
  const [yLow, yHigh] = span(placed.map((node) => node.values[y.name] as number));
  const toX = (value: number): number =>
    pixel(plot.left + ((value - xLow) / (xHigh - xLow)) * (plot.right - plot.left));
  const toY = (value: number): number =>
    pixel(plot.bottom - ((value - yLow) / (yHigh - yLow)) * (plot.bottom - plot.top));
  const xValues = niceTicks(xLow, xHigh, 7);
  const yValues = niceTicks(yLow, yHigh, 6);
  layout.xTicks = xValues.map((value) => ({ at: toX(value), label: tickLabel(value, xValues) }));
  layout.yTicks = yValues.map((value) => ({ at: toY(value), label: tickLabel(value, yValues) }));
  const dots = placed.map((node) => {
    const xValue = node.values[x.name] as number;
    const yValue = node.values[y.name] as number;
    return {
      id: node.id,
      cx: toX(xValue),
      cy: toY(yValue),
      onFront: node.onFront,
      feasible: node.feasible,
      label: `node ${node.id} (round ${node.step}) ${node.name}: ${x.name} ${xValue}, ${y.name} ${yValue}`,
    };
  });
  layout.dots = [...dots.filter((dot) => !dot.onFront), ...dots.filter((dot) => dot.onFront)];
  const front = dots.filter((dot) => dot.onFront).sort((left, right) => left.cx - right.cx || left.cy - right.cy);
  layout.frontLine = front.length < 2 ? '' : front.map((dot) => `${dot.cx},${dot.cy}`).join(' ');
  return layout;
}

/** Colours shared by the SVG and the dashboard. */
export const frontPlotColors = { front: '#dc2626', dominated: '#2563eb', infeasible: '#9ca3af' } as const;

/** A dot's fill: the front red, the dominated blue, those outside a bound grey. */
export function dotColor(dot: Pick<PlotDot, 'onFront' | 'feasible'>): string {
  if (dot.onFront) return frontPlotColors.front;
  return dot.feasible ? frontPlotColors.dominated : frontPlotColors.infeasible;
}

/**
 * The front plot as a standalone SVG (the report's `front.svg`).
 * @example
 * writeFileSync('front.svg', renderFrontSvg(view.points, view.objectives[0], view.objectives[1], { title: 'bin packing' }));
 */
export function renderFrontSvg(
  nodes: readonly PlotNode[],
  x: PlotObjective,
  y: PlotObjective,
  options: { title?: string } = {},
): string {
  const layout = layoutFrontPlot(nodes, x, y);
  const { width, height, plot } = layout;
  const title = escapeXml(`Front: ${x.name} against ${y.name}${options.title ? ` — ${options.title}` : ''}`);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${title}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${title}</text>`,
  ];
  if (layout.dots.length === 0) {
    parts.push(
      `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#666">No successful node has both values yet.</text>`,
      '</svg>',
      '',
    );
    return parts.join('\n');
  }
  parts.push('<g class="grid" stroke="#e5e7eb" stroke-width="1">');
  for (const tick of layout.xTicks)
    parts.push(`<line x1="${tick.at}" x2="${tick.at}" y1="${plot.top}" y2="${plot.bottom}"/>`);
  for (const tick of layout.yTicks)
    parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${tick.at}" y2="${tick.at}"/>`);
  parts.push('</g>');
  parts.push(
    `<g class="axes" stroke="#374151" stroke-width="1.2"><line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}"/><line x1="${plot.left}" x2="${plot.left}" y1="${plot.top}" y2="${plot.bottom}"/></g>`,
  );
  parts.push('<g class="x-ticks" fill="#374151" text-anchor="middle">');
  for (const tick of layout.xTicks) parts.push(`<text x="${tick.at}" y="${plot.bottom + 18}">${tick.label}</text>`);
  parts.push('</g><g class="y-ticks" fill="#374151" text-anchor="end">');
  for (const tick of layout.yTicks) parts.push(`<text x="${plot.left - 8}" y="${tick.at + 4}">${tick.label}</text>`);
  parts.push('</g>');
  parts.push(
    `<text class="x-label" x="${(plot.left + plot.right) / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(layout.xLabel)}</text>`,
    `<text class="y-label" transform="translate(18 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(layout.yLabel)}</text>`,
  );
  if (layout.frontLine)
    parts.push(
      `<polyline class="front-line" fill="none" stroke="${frontPlotColors.front}" stroke-width="2" points="${layout.frontLine}"/>`,
    );
  parts.push('<g class="nodes">');
  for (const dot of layout.dots) {
    parts.push(
      `<circle class="${dot.onFront ? 'front' : 'dominated'}" cx="${dot.cx}" cy="${dot.cy}" r="${dot.onFront ? 4.5 : 3.5}" fill="${dotColor(dot)}" fill-opacity="${dot.onFront ? 1 : 0.3}"><title>${escapeXml(dot.label)}</title></circle>`,
    );
  }
  parts.push('</g>');
  const frontCount = layout.dots.filter((dot) => dot.onFront).length;
  const legendY = plot.top - 12;
  parts.push(
    `<g class="legend" fill="#111827"><circle cx="${plot.left + 6}" cy="${legendY - 4}" r="4.5" fill="${frontPlotColors.front}"/><text x="${plot.left + 16}" y="${legendY}">front (${frontCount})</text><circle cx="${plot.left + 126}" cy="${legendY - 4}" r="3.5" fill="${frontPlotColors.dominated}" fill-opacity="0.3"/><text x="${plot.left + 136}" y="${legendY}">dominated or infeasible (${layout.dots.length - frontCount})</text></g>`,
    '</svg>',
    '',
  );
  return parts.join('\n');
}
