import { describe, expect, it } from 'vitest';
import { layoutFrontPlot, renderFrontSvg, type PlotNode } from './front-plot.js';

const loss = { name: 'loss', direction: 'minimize' } as const;
const speed = { name: 'speed', direction: 'maximize' } as const;

function plotted(id: number, values: Record<string, number>, onFront: boolean, feasible = true): PlotNode {
  return { id, step: id, name: `n${id}`, values, onFront, feasible };
}

describe('layoutFrontPlot', () => {
  const nodes = [
    plotted(0, { loss: 3, speed: 1 }, false),
    plotted(1, { loss: 1, speed: 1 }, true),
    plotted(2, { loss: 3, speed: 3 }, true),
    plotted(3, { loss: 2 }, false),
    plotted(4, { loss: 9, speed: 0 }, false, false),
  ];
  const layout = layoutFrontPlot(nodes, loss, speed, { width: 600, height: 400 });

  it('places the nodes that have both values inside the plot, the front drawn last', () => {
    expect(layout.dots.map((dot) => dot.id)).toEqual([0, 4, 1, 2]);
    for (const dot of layout.dots) {
      expect(dot.cx).toBeGreaterThanOrEqual(layout.plot.left);
      expect(dot.cx).toBeLessThanOrEqual(layout.plot.right);
      expect(dot.cy).toBeGreaterThanOrEqual(layout.plot.top);
      expect(dot.cy).toBeLessThanOrEqual(layout.plot.bottom);
    }
    expect(layout.dots.find((dot) => dot.id === 4)).toMatchObject({ onFront: false, feasible: false });
    expect(layout.dots.find((dot) => dot.id === 1)?.label).toBe('node 1 (round 1) n1: loss 1, speed 1');
  });

  it('joins the front members from left to right; higher values sit higher', () => {
    const [first, second] = layout.frontLine.split(' ').map((point) => point.split(',').map(Number));
    expect(first?.[0]).toBeLessThan(second?.[0] ?? 0);
    expect(first?.[1]).toBeGreaterThan(second?.[1] ?? 0);
    expect(layout.xLabel).toBe('loss (lower is better)');
    expect(layout.yTicks.length).toBeGreaterThan(2);
  });

  it('draws a note instead of axes when no node has both values', () => {
    const svg = renderFrontSvg([plotted(0, { loss: 1 }, true)], loss, speed);
    expect(svg).toContain('No successful node has both values yet.');
    expect(svg).not.toContain('<circle');
  });

  it('escapes names in the SVG', () => {
    const svg = renderFrontSvg([{ ...plotted(0, { loss: 1, speed: 2 }, true), name: '<script>' }], loss, speed);
    expect(svg).not.toContain('<script>');
  });
});
