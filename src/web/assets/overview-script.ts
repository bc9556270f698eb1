/**
 * The overview page: experiments side by side (summary table, all score curves on one chart),
 * then for the selected experiment its nodes, lineage tree, spend by role, sampler state and
 * activity, all kept current from the live feed.
 */
export const overviewScript = String.raw`'use strict';
(function () {
  var Dash = window.Dash;
  var el = Dash.el;
  var state = { experiments: [], nodes: {}, selected: Dash.experimentIndex(), scoreChart: null, spendChart: null, activity: [] };
  var main = document.getElementById('main');

  function nodesOf(index) {
    var map = state.nodes[index];
    return map ? Array.from(map.values()).sort(function (left, right) { return left.id - right.id; }) : [];
  }

  function layout() {
    Dash.clear(main);
    main.appendChild(Dash.section('Experiments', 'experiments', el('div', { id: 'experiment-table' })));
    main.appendChild(Dash.section('Score over rounds', 'scores',
      el('p', { class: 'hint', text: 'Lines: best so far. Dots: every successful node. Click a dot to open the node of the selected experiment.' }),
      el('div', { id: 'score-chart', class: 'chart' })));
    var picker = el('select', { id: 'experiment-select', onchange: function (event) { select(Number(event.target.value)); } });
    main.appendChild(el('div', { class: 'picker' }, el('label', { for: 'experiment-select', text: 'Experiment shown below: ' }), picker));
    main.appendChild(Dash.section('Nodes', 'nodes', el('div', { id: 'node-table', class: 'scroll' })));
    var middle = el('div', { class: 'columns' });
    middle.appendChild(Dash.section('Lineage', 'lineage', el('p', { class: 'hint', text: 'Each node under its parent (the first sampled node). The path to the best node is marked.' }), el('div', { id: 'lineage-tree', class: 'scroll tree' })));
    middle.appendChild(Dash.section('Sampler', 'sampler', el('div', { id: 'sampler-state' })));
    main.appendChild(middle);
    var lower = el('div', { class: 'columns' });
    lower.appendChild(Dash.section('Spend over time by role', 'spend', el('div', { id: 'spend-chart', class: 'chart' }), el('div', { id: 'spend-table' })));
    lower.appendChild(Dash.section('Activity', 'activity', el('ul', { id: 'activity-list', class: 'activity' })));
    main.appendChild(lower);
  }

  function select(index) {
    state.selected = index;
    var url = new URL(window.location.href);
    url.searchParams.set('x', String(index));
    window.history.replaceState(null, '', url.toString());
    renderSelected();
    loadDetails();
  }

  function renderExperiments() {
    var holder = Dash.clear(document.getElementById('experiment-table'));
    var table = el('table', { class: 'grid' });
    table.appendChild(el('tr', null, ['', 'experiment', 'rounds', 'ok', 'seed', 'best', 'best node', 'LLM spend', 'last update'].map(function (name) { return el('th', { text: name }); })));
    state.experiments.forEach(function (experiment) {
      var swatch = el('span', { class: 'swatch' });
      swatch.style.background = Dash.color(experiment.index);
      var best = experiment.best;
      table.appendChild(el('tr', { 'data-experiment': experiment.index },
        el('td', null, swatch),
        el('td', { title: experiment.dir }, el('a', { href: '/?x=' + experiment.index, text: experiment.name })),
        el('td', { text: experiment.hasRun ? experiment.rounds : 'no run yet' }),
        el('td', { text: experiment.rounds ? Math.round(100 * experiment.succeeded / experiment.rounds) + ' %' : '' }),
        el('td', { text: Dash.score(experiment.seedScore) }),
        el('td', { class: 'num', text: best ? Dash.score(best.score) : 'n/a' }),
        el('td', null, best ? el('a', { href: Dash.nodeHref(experiment.index, best.id), text: '#' + best.id + ' ' + best.name }) : ''),
        el('td', { text: Dash.usd(experiment.spendUsd) + ' (' + experiment.llmCalls + ' calls)' }),
        el('td', { text: Dash.time(experiment.lastUpdate) })));
    });
    holder.appendChild(table);
    var picker = Dash.clear(document.getElementById('experiment-select'));
    state.experiments.forEach(function (experiment) {
      picker.appendChild(el('option', { value: experiment.index, text: experiment.name, selected: experiment.index === state.selected }));
    });
  }

  function scoreData() {
    var steps = new Set();
    state.experiments.forEach(function (experiment) { nodesOf(experiment.index).forEach(function (node) { steps.add(node.step); }); });
    var xs = Array.from(steps).sort(function (left, right) { return left - right; });
    var data = [xs];
    var series = [{ label: 'round' }];
    state.experiments.forEach(function (experiment) {
      var byStep = new Map();
      var lastStep = -1;
      nodesOf(experiment.index).forEach(function (node) {
        lastStep = Math.max(lastStep, node.step);
        if (!node.success || node.score === null || !isFinite(node.score)) return;
        var known = byStep.get(node.step);
        byStep.set(node.step, known === undefined ? node.score : Math.max(known, node.score));
      });
      var best = null;
      data.push(xs.map(function (step) {
        var value = byStep.get(step);
        if (value !== undefined && (best === null || value > best)) best = value;
        return step <= lastStep ? best : null;
      }));
      data.push(xs.map(function (step) { var value = byStep.get(step); return value === undefined ? null : value; }));
      var color = Dash.color(experiment.index);
      series.push({ label: experiment.name + ' best', stroke: color, width: 2, spanGaps: true, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } });
      series.push({ label: experiment.name + ' nodes', stroke: color, fill: color, width: 0, paths: function () { return null; }, points: { show: true, size: 6, stroke: color, fill: color } });
    });
    return { data: data, series: series };
  }

  function chartWidth(container) {
    return Math.max(320, container.clientWidth - 8);
  }

  function renderScoreChart() {
    var container = document.getElementById('score-chart');
    var built = scoreData();
    if (state.scoreChart && state.scoreChart.series.length === built.series.length) {
      state.scoreChart.setData(built.data);
      return;
    }
    if (state.scoreChart) state.scoreChart.destroy();
    Dash.clear(container);
    var options = {
      width: chartWidth(container),
      height: 320,
      scales: { x: { time: false } },
      axes: [{ label: 'round', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] }, { label: 'score', size: 80 }],
      series: built.series,
      cursor: { points: { size: 8 } },
      hooks: {
        ready: [function (chart) {
          chart.over.addEventListener('click', function () {
            var index = chart.cursor.idx;
            if (index === null || index === undefined) return;
            var step = chart.data[0][index];
            var node = nodesOf(state.selected).find(function (candidate) { return candidate.step === step; });
            if (node) window.location.href = Dash.nodeHref(state.selected, node.id);
          });
        }],
      },
    };
    state.scoreChart = new uPlot(options, built.data, container);
  }

  function renderNodeTable() {
    var holder = Dash.clear(document.getElementById('node-table'));
    var nodes = nodesOf(state.selected);
    if (nodes.length === 0) { holder.appendChild(el('p', { class: 'hint', text: 'No node stored yet.' })); return; }
    var byId = new Map(nodes.map(function (node) { return [node.id, node]; }));
    var bestId = null;
    nodes.forEach(function (node) {
      if (node.success && node.score !== null && (bestId === null || node.score > byId.get(bestId).score)) bestId = node.id;
    });
    var table = el('table', { class: 'grid', id: 'node-list' });
    table.appendChild(el('tr', null, ['node', 'name', 'score', 'vs parent', 'operator', 'provenance', 'island', 'parents', 'cost', 'runtime', 'created'].map(function (name) { return el('th', { text: name }); })));
    nodes.slice().reverse().slice(0, 2000).forEach(function (node) {
      var parent = byId.get(node.parentIds[0]);
      var delta = node.success && parent && parent.success && parent.score !== null ? node.score - parent.score : null;
      var row = el('tr', { 'data-node-id': node.id, class: (node.success ? '' : 'failed') + (node.id === bestId ? ' best' : '') },
        el('td', null, el('a', { href: Dash.nodeHref(state.selected, node.id), text: '#' + node.id })),
        el('td', null, el('a', { href: Dash.nodeHref(state.selected, node.id), text: node.name })),
        el('td', { class: 'num', title: node.error || '', text: node.success ? Dash.score(node.score) : 'failed: ' + String(node.error || '').split(':')[0] }),
        el('td', { class: 'num ' + (delta > 0 ? 'up' : delta < 0 ? 'down' : ''), text: delta === null ? '' : (delta > 0 ? '+' : '') + Number(delta.toPrecision(3)) }),
        el('td', { text: node.operator }),
        el('td', { text: node.provenance }),
        el('td', { text: node.island === null ? '' : node.island }),
        el('td', null, node.parentIds.map(function (id, order) {
          return [order ? ', ' : '', el('a', { href: Dash.nodeHref(state.selected, id), text: '#' + id })];
        })),
        el('td', { class: 'num', text: Dash.usd(node.costUsd) }),
        el('td', { class: 'num', text: Dash.duration(node.runtimeMs) }),
        el('td', { class: 'when', title: Dash.time(node.createdAt), text: Dash.clock(node.createdAt) }));
      table.appendChild(row);
    });
    holder.appendChild(table);
  }

  function renderLineage() {
    var holder = Dash.clear(document.getElementById('lineage-tree'));
    var nodes = nodesOf(state.selected);
    var byId = new Map(nodes.map(function (node) { return [node.id, node]; }));
    var children = new Map();
    var roots = [];
    var best = null;
    nodes.forEach(function (node) {
      var parentId = node.parentIds[0];
      if (parentId === undefined || !byId.has(parentId)) roots.push(node);
      else { if (!children.has(parentId)) children.set(parentId, []); children.get(parentId).push(node); }
      if (node.success && node.score !== null && (best === null || node.score > best.score)) best = node;
    });
    var onPath = new Set();
    for (var cursor = best; cursor && !onPath.has(cursor.id); cursor = byId.get(cursor.parentIds[0])) onPath.add(cursor.id);
    var stack = roots.slice().reverse().map(function (node) { return { node: node, depth: 0 }; });
    var shown = 0;
    while (stack.length > 0 && shown < 3000) {
      var entry = stack.pop();
      var node = entry.node;
      shown++;
      var line = el('div', { class: 'tree-line' + (onPath.has(node.id) ? ' on-path' : '') + (node.success ? '' : ' failed'), 'data-node-id': node.id });
      line.style.paddingLeft = (Math.min(entry.depth, 30) * 14) + 'px';
      Dash.append(line, [entry.depth ? '└ ' : '', el('a', { href: Dash.nodeHref(state.selected, node.id), text: '#' + node.id }), ' ',
        el('span', { class: 'num', text: node.success ? Dash.score(node.score) : 'failed' }), ' ', node.name,
        entry.depth > 30 ? el('span', { class: 'hint', text: ' (depth ' + entry.depth + ')' }) : '']);
      holder.appendChild(line);
      (children.get(node.id) || []).slice().reverse().forEach(function (child) { stack.push({ node: child, depth: entry.depth + 1 }); });
    }
    if (nodes.length === 0) holder.appendChild(el('p', { class: 'hint', text: 'No node stored yet.' }));
  }

  function renderActivity() {
    var list = Dash.clear(document.getElementById('activity-list'));
    state.activity.slice(-30).reverse().forEach(function (entry) {
      var experiment = state.experiments[entry.experiment];
      list.appendChild(el('li', null, el('span', { class: 'hint', text: Dash.time(entry.event.createdAt) + ' ' }), (experiment ? experiment.name + ': ' : ''), entry.event.message));
    });
    if (state.activity.length === 0) list.appendChild(el('li', { class: 'hint', text: 'Events of a running experiment appear here as they happen.' }));
  }

  function renderSelected() {
    renderNodeTable();
    renderLineage();
  }

  function renderAll() {
    renderExperiments();
    renderScoreChart();
    renderSelected();
    renderActivity();
  }

  async function loadDetails() {
    var experiment = state.experiments[state.selected];
    if (!experiment || !experiment.hasRun) { state.spendChart = Dash.renderSpend(null, state.spendChart); Dash.renderSampler(null, state.selected); return; }
    try {
      var results = await Promise.all([Dash.api('/api/experiments/' + state.selected + '/spend'), Dash.api('/api/experiments/' + state.selected + '/sampler')]);
      state.spendChart = Dash.renderSpend(results[0], state.spendChart);
      Dash.renderSampler(results[1], state.selected);
    } catch (error) {
      Dash.problem(document.getElementById('sampler-state'), error);
    }
  }

  async function loadSummaries() {
    state.experiments = (await Dash.api('/api/experiments')).experiments;
    if (state.selected >= state.experiments.length) state.selected = 0;
  }

  async function loadAll() {
    try {
      await loadSummaries();
      await Promise.all(state.experiments.map(async function (experiment) {
        if (!experiment.hasRun) return;
        var body = await Dash.api('/api/experiments/' + experiment.index + '/nodes');
        var map = state.nodes[experiment.index] || new Map();
        body.nodes.forEach(function (node) { map.set(node.id, node); });
        state.nodes[experiment.index] = map;
      }));
      renderAll();
      await loadDetails();
      document.body.setAttribute('data-ready', 'true');
    } catch (error) {
      Dash.problem(main, error);
    }
  }

  var refreshTimer = null;
  function scheduleRefresh() {
    if (refreshTimer !== null) return;
    refreshTimer = setTimeout(async function () {
      refreshTimer = null;
      try { await loadSummaries(); } catch (error) { return; }
      renderAll();
      loadDetails();
    }, 250);
  }

  layout();
  window.addEventListener('resize', function () {
    [['scoreChart', 'score-chart', 320], ['spendChart', 'spend-chart', 240]].forEach(function (entry) {
      var chart = state[entry[0]];
      if (chart) chart.setSize({ width: chartWidth(document.getElementById(entry[1])), height: entry[2] });
    });
  });
  Dash.connectLive({
    onHello: loadAll,
    onMessage: function (message) {
      if (message.type === 'node') {
        if (!state.nodes[message.experiment]) state.nodes[message.experiment] = new Map();
        state.nodes[message.experiment].set(message.node.id, message.node);
        scheduleRefresh();
      } else if (message.type === 'run-event') {
        state.activity.push(message);
        if (state.activity.length > 200) state.activity.shift();
        renderActivity();
      }
    },
  });
})();
`;
