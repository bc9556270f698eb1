import { describe, expect, it } from 'vitest';
import { niceTicks, renderScoreCurveSvg, type CurvePoint } from './score-curve.js';

const point = (step: number, score: number | null, success = score !== null): CurvePoint => ({
  id: step,
  step,
  score,
  success,
});

function polylinePoints(svg: string): Array<[number, number]> {
  const match = /class="best-so-far"[^>]*points="([^"]+)"/.exec(svg);
  if (!match?.[1]) throw new Error('no best-so-far line');
  return match[1].split(' ').map((pair) => pair.split(',').map(Number) as [number, number]);
}

describe('niceTicks', () => {
  it('gives round numbers that cover the range', () => {
    expect(niceTicks(0, 10, 6)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.953, 1.062, 6)).toEqual([0.96, 0.98, 1, 1.02, 1.04, 1.06]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });
});

describe('renderScoreCurveSvg', () => {
  const nodes = [point(0, 0.96), point(1, 1.02), point(2, 0.99), point(3, null, false), point(4, 1.05), point(5, 1.04)];
  const svg = renderScoreCurveSvg(nodes, { title: 'demo <run>' });

  it('draws one dot per successful node and a cross per failed one', () => {
    expect(svg.match(/<circle cx=/g)).toHaveLength(5 + 1); // five nodes and the legend's dot
    expect(svg.match(/<title>node \d+, round \d+: failed<\/title>/g)).toHaveLength(1);
    expect(svg).toContain('failed (1)');
  });

  it('draws the best so far as a rising step line that ends at the last round', () => {
    const line = polylinePoints(svg);
    const ys = line.map(([, y]) => y);
    for (let index = 1; index < ys.length; index++) expect(ys[index]).toBeLessThanOrEqual(ys[index - 1]!); // SVG y grows downwards
    expect(new Set(ys).size).toBe(3); // 0.96 → 1.02 → 1.05
    const xs = line.map(([x]) => x);
    expect(Math.max(...xs)).toBe(xs.at(-1));
  });

  it('has axes with ticks and labels, and escapes the title', () => {
    expect(svg).toMatch(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('>round</text>');
    expect(svg).toContain('>score</text>');
    expect(svg).toContain('demo &#60;run&#62;');
    const yLabels = [...svg.matchAll(/text-anchor="end">[^]*?<\/g>/g)][0]?.[0] ?? '';
    expect(yLabels.match(/<text /g)?.length).toBeGreaterThanOrEqual(3);
    expect(svg).toMatch(/<text x="[\d.]+" y="[\d.]+">5<\/text>/); // the last round as an x tick
  });

  it('says so when no node succeeded yet', () => {
    const empty = renderScoreCurveSvg([point(1, null, false)]);
    expect(empty).toContain('No successful node yet (1 failed).');
    expect(empty).not.toContain('<circle');
  });

  it('copes with a single node and equal scores', () => {
    const single = renderScoreCurveSvg([point(0, 2)]);
    expect(single.match(/<circle cx=/g)).toHaveLength(2);
    expect(single).not.toContain('NaN');
    expect(renderScoreCurveSvg([point(0, 2), point(1, 2)])).not.toContain('NaN');
  });
});
