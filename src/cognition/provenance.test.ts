import { describe, expect, it } from 'vitest';
import type { NodeRecord, Provenance } from '../store/index.js';
import { provenanceReport, provenanceSplit } from './provenance.js';

const node = (id: number, provenance: Provenance, score: number | null, success = score !== null): NodeRecord =>
  ({ id, step: id, provenance, score, success }) as NodeRecord;

describe('provenance', () => {
  it('splits stated provenance into shares and counts unknown apart', () => {
    const split = provenanceSplit([
      node(1, 'cognition', 1),
      node(2, 'cognition', 1),
      node(3, 'experience', 1),
      node(4, 'unknown', 1),
    ]);
    expect(split.counts).toEqual({ cognition: 2, experience: 1, novel: 0, unknown: 1 });
    expect(split.shares.cognition).toBeCloseTo(2 / 3);
    expect(split.nodes).toBe(4);
    expect(provenanceSplit([node(1, 'unknown', 1)]).shares).toEqual({ cognition: 0, experience: 0, novel: 0 });
  });

  it('reports over all designed nodes and over the best 10 % of the successful ones', () => {
    const nodes = [node(0, 'unknown', 9)];
    for (let id = 1; id <= 20; id++)
      nodes.push(node(id, id <= 2 ? 'novel' : id % 2 === 0 ? 'cognition' : 'experience', id <= 2 ? 100 - id : id));
    nodes.push(node(21, 'cognition', null));
    const report = provenanceReport(nodes);
    expect(report.all.nodes).toBe(21);
    expect(report.best.nodes).toBe(2);
    expect(report.best.counts.novel).toBe(2);
    expect(provenanceReport([node(0, 'unknown', 1), node(1, 'experience', 5)]).best.nodes).toBe(1);
    expect(provenanceReport([]).best.nodes).toBe(0);
  });
});
