/**
 * Overview panels drawn from the API (`window.Dash.renderSpend`, `window.Dash.renderSampler`):
 * spend over time by role, and the sampler's state with its islands and MAP-Elites cells.
 */
export const panelsScript = String.raw`'use strict';
(function () {
  var Dash = window.Dash;
  var el = Dash.el;

  /** Cumulative spend by role over time (a uPlot chart) and the totals table; returns the chart. */
  Dash.renderSpend = function (spend, previous) {
    var container = Dash.clear(document.getElementById('spend-chart'));
    var table = Dash.clear(document.getElementById('spend-table'));
    if (previous) previous.destroy();
    if (!spend || spend.points.length === 0) {
      container.appendChild(el('p', { class: 'hint', text: 'No LLM calls yet (the built-in no-model operator makes none).' }));
      return null;
    }
    var roles = Array.from(new Set(spend.points.map(function (point) { return point.role; }))).sort();
    var xs = [];
    var totals = {};
    var columns = roles.map(function () { return []; });
    roles.forEach(function (role) { totals[role] = 0; });
    spend.points.forEach(function (point) {
      totals[point.role] += point.usd;
      xs.push(new Date(point.time).getTime() / 1000);
      roles.forEach(function (role, index) { columns[index].push(totals[role]); });
    });
    var series = [{}].concat(roles.map(function (role, index) { return { label: role, stroke: Dash.color(index), width: 2, value: function (chart, value) { return value === null ? '' : Dash.usd(value); } }; }));
    var chart = new uPlot({ width: Math.max(320, container.clientWidth - 8), height: 240, series: series, axes: [{}, { label: 'cumulative USD', size: 70 }] }, [xs].concat(columns), container);
    var grid = el('table', { class: 'grid' });
    grid.appendChild(el('tr', null, ['role', 'calls', 'input tokens', 'output tokens', 'cost'].map(function (name) { return el('th', { text: name }); })));
    Object.keys(spend.totals.byRole).forEach(function (role) {
      var totalsOfRole = spend.totals.byRole[role];
      grid.appendChild(el('tr', null, el('td', { text: role }), el('td', { text: totalsOfRole.calls }), el('td', { text: totalsOfRole.inputTokens }), el('td', { text: totalsOfRole.outputTokens }), el('td', { text: Dash.usd(totalsOfRole.usd) })));
    });
    table.appendChild(grid);
    return chart;
  };

  function eliteGrid(view, island, bounds, experiment) {
    var bins = view.featureBins;
    var table = el('table', { class: 'elite-grid' });
    var byCell = new Map(island.cells.map(function (cell) { return [cell.bins.join(','), cell]; }));
    for (var row = bins - 1; row >= 0; row--) {
      var tr = el('tr');
      for (var column = 0; column < bins; column++) {
        var cell = byCell.get(column + ',' + row);
        var td = el('td', { title: cell ? '#' + cell.id + ': ' + Dash.score(cell.score) : '' });
        if (cell) {
          var share = bounds.high > bounds.low ? (cell.score - bounds.low) / (bounds.high - bounds.low) : 1;
          td.style.background = 'hsl(' + Math.round(220 - 200 * share) + ', 70%, 60%)';
          td.appendChild(el('a', { href: Dash.nodeHref(experiment, cell.id), text: cell.id }));
        }
        tr.appendChild(td);
      }
      table.appendChild(tr);
    }
    return el('div', null, table, el('p', { class: 'hint', text: 'x: ' + view.featureDimensions[0] + ', y: ' + view.featureDimensions[1] }));
  }

  /** The saved state of each sampling policy: MAP-Elites grids per island, and the most sampled nodes. */
  Dash.renderSampler = function (overview, experiment) {
    var holder = Dash.clear(document.getElementById('sampler-state'));
    if (!overview) return;
    if (overview.policies.length === 0) holder.appendChild(el('p', { class: 'hint', text: 'No sampler state saved yet.' }));
    overview.policies.forEach(function (policy) {
      holder.appendChild(el('h3', { text: 'Policy: ' + policy.name }));
      var view = policy.islands;
      if (view) {
        var scores = [];
        view.islands.forEach(function (island) { island.cells.forEach(function (cell) { scores.push(cell.score); }); });
        var bounds = { low: Math.min.apply(null, scores), high: Math.max.apply(null, scores) };
        var wrap = el('div', { class: 'islands' });
        view.islands.forEach(function (island) {
          var card = el('div', { class: 'island', 'data-island': island.index },
            el('h4', { text: 'Island ' + island.index }),
            el('p', { text: island.members + ' nodes, ' + island.cells.length + ' elite cells, ' + island.migrants.length + ' migrants' }));
          if (view.featureDimensions.length === 2 && view.featureBins > 0 && view.featureBins <= 20) card.appendChild(eliteGrid(view, island, bounds, experiment));
          else island.cells.forEach(function (cell) { card.appendChild(el('div', null, '[' + cell.bins.join(', ') + '] ', el('a', { href: Dash.nodeHref(experiment, cell.id), text: '#' + cell.id }), ' ' + Dash.score(cell.score))); });
          wrap.appendChild(card);
        });
        holder.appendChild(wrap);
      }
      holder.appendChild(el('details', null, el('summary', { text: 'saved state (JSON)' }), el('pre', { class: 'text', text: JSON.stringify(policy.state, null, 2) })));
    });
    if (overview.mostVisited.length > 0) {
      holder.appendChild(el('h3', { text: 'Most sampled nodes' }));
      var table = el('table', { class: 'grid' });
      table.appendChild(el('tr', null, el('th', { text: 'node' }), el('th', { text: 'visits' }), el('th', { text: 'score' })));
      overview.mostVisited.forEach(function (entry) {
        table.appendChild(el('tr', null, el('td', null, el('a', { href: Dash.nodeHref(experiment, entry.id), text: '#' + entry.id + ' ' + entry.name })), el('td', { text: entry.visits }), el('td', { class: 'num', text: Dash.score(entry.score) })));
      });
      holder.appendChild(table);
    }
  };
})();
`;
