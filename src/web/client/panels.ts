/**
 * Overview panels drawn from the API: spend over time by role, and the sampler's state with its
 * islands and MAP-Elites cells.
 */
import type UPlot from 'uplot';
import type { IslandView, IslandsView, SamplerOverview, SpendTimeline } from './api.js';
import { byId, clear, color, el, nodeHref, score, usd } from './common.js';
import { uPlot } from './uplot-global.js';

/** Cumulative spend by role over time (a uPlot chart) and the totals table; returns the chart. */
export function renderSpend(spend: SpendTimeline | null, previous: UPlot | null): UPlot | null {
  const container = clear(byId('spend-chart'));
  const table = clear(byId('spend-table'));
  if (previous) previous.destroy();
  if (!spend || spend.points.length === 0) {
    container.appendChild(
      el('p', { class: 'hint', text: 'No LLM calls yet (the built-in no-model operator makes none).' }),
    );
    return null;
  }
  const roles = Array.from(new Set(spend.points.map((point) => point.role))).sort();
  const xs: number[] = [];
  const totals = new Map(roles.map((role) => [role, 0]));
  const columns: number[][] = roles.map(() => []);
  for (const point of spend.points) {
    totals.set(point.role, (totals.get(point.role) ?? 0) + point.usd);
    xs.push(new Date(point.time).getTime() / 1000);
    roles.forEach((role, index) => columns[index]?.push(totals.get(role) ?? 0));
  }
  const series: UPlot.Series[] = [
    {},
    ...roles.map((role, index) => ({
      label: role,
      stroke: color(index),
      width: 2,
      value: (_chart: UPlot, value: number | null) => (value === null ? '' : usd(value)),
    })),
  ];
  const chart = new uPlot(
    {
      width: Math.max(320, container.clientWidth - 8),
      height: 240,
      series,
      axes: [{}, { label: 'cumulative USD', size: 70 }],
    },
    [xs, ...columns],
    container,
  );
  const grid = el('table', { class: 'grid' });
  grid.appendChild(
    el(
      'tr',
      null,
      ['role', 'calls', 'input tokens', 'output tokens', 'cost'].map((name) => el('th', { text: name })),
    ),
  );
  for (const [role, ofRole] of Object.entries(spend.totals.byRole)) {
    grid.appendChild(
      el(
        'tr',
        null,
        el('td', { text: role }),
        el('td', { text: ofRole.calls }),
        el('td', { text: ofRole.inputTokens }),
        el('td', { text: ofRole.outputTokens }),
        el('td', { text: usd(ofRole.usd) }),
      ),
    );
  }
  table.appendChild(grid);
  return chart;
}

function eliteGrid(
  view: IslandsView,
  island: IslandView,
  bounds: { low: number; high: number },
  experiment: number,
): HTMLElement {
  const bins = view.featureBins;
  const table = el('table', { class: 'elite-grid' });
  const byCell = new Map(island.cells.map((cell) => [cell.bins.join(','), cell]));
  for (let row = bins - 1; row >= 0; row--) {
    const tr = el('tr');
    for (let column = 0; column < bins; column++) {
      const cell = byCell.get(`${column},${row}`);
      const td = el('td', { title: cell ? `#${cell.id}: ${score(cell.score)}` : '' });
      if (cell) {
        const share = bounds.high > bounds.low ? (cell.score - bounds.low) / (bounds.high - bounds.low) : 1;
        td.style.background = `hsl(${Math.round(220 - 200 * share)}, 70%, 60%)`;
        td.appendChild(el('a', { href: nodeHref(experiment, cell.id), text: cell.id }));
      }
      tr.appendChild(td);
    }
    table.appendChild(tr);
  }
  return el(
    'div',
    null,
    table,
    el('p', { class: 'hint', text: `x: ${view.featureDimensions[0]}, y: ${view.featureDimensions[1]}` }),
  );
}

/** The saved state of each sampling policy: MAP-Elites grids per island, and the most sampled nodes. */
export function renderSampler(overview: SamplerOverview | null, experiment: number): void {
  const holder = clear(byId('sampler-state'));
  if (!overview) return;
  if (overview.policies.length === 0)
    holder.appendChild(el('p', { class: 'hint', text: 'No sampler state saved yet.' }));
  for (const policy of overview.policies) {
    holder.appendChild(el('h3', { text: `Policy: ${policy.name}` }));
    const view = policy.islands;
    if (view) {
      const scores = view.islands.flatMap((island) => island.cells.map((cell) => cell.score));
      const bounds = { low: Math.min(...scores), high: Math.max(...scores) };
      const wrap = el('div', { class: 'islands' });
      for (const island of view.islands) {
        const card = el(
          'div',
          { class: 'island', 'data-island': island.index },
          el('h4', { text: `Island ${island.index}` }),
          el('p', {
            text: `${island.members} nodes, ${island.cells.length} elite cells, ${island.migrants.length} migrants`,
          }),
        );
        if (view.featureDimensions.length === 2 && view.featureBins > 0 && view.featureBins <= 20)
          card.appendChild(eliteGrid(view, island, bounds, experiment));
        else {
          for (const cell of island.cells) {
            card.appendChild(
              el(
                'div',
                null,
                `[${cell.bins.join(', ')}] `,
                el('a', { href: nodeHref(experiment, cell.id), text: `#${cell.id}` }),
                ` ${score(cell.score)}`,
              ),
            );
          }
        }
        wrap.appendChild(card);
      }
      holder.appendChild(wrap);
    }
    holder.appendChild(
      el(
        'details',
        null,
        el('summary', { text: 'saved state (JSON)' }),
        el('pre', { class: 'text', text: JSON.stringify(policy.state, null, 2) }),
      ),
    );
  }
  if (overview.mostVisited.length > 0) {
    holder.appendChild(el('h3', { text: 'Most sampled nodes' }));
    const table = el('table', { class: 'grid' });
    table.appendChild(
      el('tr', null, el('th', { text: 'node' }), el('th', { text: 'visits' }), el('th', { text: 'score' })),
    );
    for (const entry of overview.mostVisited) {
      table.appendChild(
        el(
          'tr',
          null,
          el('td', null, el('a', { href: nodeHref(experiment, entry.id), text: `#${entry.id} ${entry.name}` })),
          el('td', { text: entry.visits }),
          el('td', { class: 'num', text: score(entry.score) }),
        ),
      );
    }
    holder.appendChild(table);
  }
}
