/**
 * The overview page: experiments side by side (summary table, all score curves on one chart),
 * then for the selected experiment its front (with objectives configured), nodes, lineage tree,
 * spend by role, sampler state and activity, all kept current from the live feed.
 */
import type UPlot from 'uplot';
import type {
  ExperimentSummary,
  FrontAnswer,
  LiveMessage,
  NodeSummary,
  RunEvent,
  SamplerOverview,
  SpendTimeline,
} from './api.js';
import * as dash from './common.js';
import { el } from './common.js';
import { dropFront, frontSection, renderFront } from './front-panel.js';
import { renderSampler, renderSpend } from './panels.js';
import { uPlot } from './uplot-global.js';

const state = {
  experiments: [] as ExperimentSummary[],
  nodes: new Map<number, Map<number, NodeSummary>>(),
  selected: dash.experimentIndex(),
  scoreChart: null as UPlot | null,
  spendChart: null as UPlot | null,
  activity: [] as Array<{ experiment: number; event: RunEvent }>,
};
const main = dash.byId('main');

function nodesOf(index: number): NodeSummary[] {
  const map = state.nodes.get(index);
  return map ? Array.from(map.values()).sort((left, right) => left.id - right.id) : [];
}

function layout(): void {
  dash.clear(main);
  main.appendChild(dash.section('Experiments', 'experiments', el('div', { id: 'experiment-table' })));
  main.appendChild(
    dash.section(
      'Score over rounds',
      'scores',
      el('p', {
        class: 'hint',
        text: 'Lines: best so far. Dots: every successful node. Click a dot to open the node of the selected experiment.',
      }),
      el('div', { id: 'score-chart', class: 'chart' }),
    ),
  );
  const picker = el('select', {
    id: 'experiment-select',
    onchange: (event) => select(Number((event.target as HTMLSelectElement).value)),
  });
  main.appendChild(
    el('div', { class: 'picker' }, el('label', { for: 'experiment-select', text: 'Experiment shown below: ' }), picker),
  );
  main.appendChild(dash.section('Nodes', 'nodes', el('div', { id: 'node-table', class: 'scroll' })));
  const middle = el('div', { class: 'columns' });
  middle.appendChild(
    dash.section(
      'Lineage',
      'lineage',
      el('p', {
        class: 'hint',
        text: 'Each node under its parent (the first sampled node). The path to the best node is marked.',
      }),
      el('div', { id: 'lineage-tree', class: 'scroll tree' }),
    ),
  );
  middle.appendChild(dash.section('Sampler', 'sampler', el('div', { id: 'sampler-state' })));
  main.appendChild(middle);
  const lower = el('div', { class: 'columns' });
  lower.appendChild(
    dash.section(
      'Spend over time by role',
      'spend',
      el('div', { id: 'spend-chart', class: 'chart' }),
      el('div', { id: 'spend-table' }),
    ),
  );
  lower.appendChild(dash.section('Activity', 'activity', el('ul', { id: 'activity-list', class: 'activity' })));
  main.appendChild(lower);
}

function select(index: number): void {
  state.selected = index;
  const url = new URL(window.location.href);
  url.searchParams.set('x', String(index));
  window.history.replaceState(null, '', url.toString());
  renderSelected();
  void loadDetails();
}

function renderExperiments(): void {
  const holder = dash.clear(dash.byId('experiment-table'));
  const table = el('table', { class: 'grid' });
  table.appendChild(
    el(
      'tr',
      null,
      ['', 'experiment', 'rounds', 'ok', 'seed', 'best', 'best node', 'LLM spend', 'last update'].map((name) =>
        el('th', { text: name }),
      ),
    ),
  );
  for (const experiment of state.experiments) {
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = dash.color(experiment.index);
    const best = experiment.best;
    table.appendChild(
      el(
        'tr',
        { 'data-experiment': experiment.index },
        el('td', null, swatch),
        el('td', { title: experiment.dir }, el('a', { href: `/?x=${experiment.index}`, text: experiment.name })),
        el('td', { text: experiment.hasRun ? experiment.rounds : 'no run yet' }),
        el('td', {
          text: experiment.rounds ? `${Math.round((100 * experiment.succeeded) / experiment.rounds)} %` : '',
        }),
        el('td', { text: dash.score(experiment.seedScore) }),
        el('td', { class: 'num', text: best ? dash.score(best.score) : 'n/a' }),
        el(
          'td',
          null,
          best ? el('a', { href: dash.nodeHref(experiment.index, best.id), text: `#${best.id} ${best.name}` }) : '',
        ),
        el('td', { text: `${dash.usd(experiment.spendUsd)} (${experiment.llmCalls} calls)` }),
        el('td', { text: dash.time(experiment.lastUpdate) }),
      ),
    );
  }
  holder.appendChild(table);
  const picker = dash.clear(dash.byId('experiment-select'));
  for (const experiment of state.experiments) {
    picker.appendChild(
      el('option', { value: experiment.index, text: experiment.name, selected: experiment.index === state.selected }),
    );
  }
}

function scoreData(): { data: UPlot.AlignedData; series: UPlot.Series[] } {
  const steps = new Set<number>();
  for (const experiment of state.experiments) for (const node of nodesOf(experiment.index)) steps.add(node.step);
  const xs = Array.from(steps).sort((left, right) => left - right);
  const data: Array<Array<number | null>> = [xs];
  const series: UPlot.Series[] = [{ label: 'round' }];
  for (const experiment of state.experiments) {
    const byStep = new Map<number, number>();
    let lastStep = -1;
    for (const node of nodesOf(experiment.index)) {
      lastStep = Math.max(lastStep, node.step);
      if (!node.success || node.score === null || !Number.isFinite(node.score)) continue;
      const known = byStep.get(node.step);
      byStep.set(node.step, known === undefined ? node.score : Math.max(known, node.score));
    }
    let best: number | null = null;
    data.push(
      xs.map((step) => {
        const value = byStep.get(step);
        if (value !== undefined && (best === null || value > best)) best = value;
        return step <= lastStep ? best : null;
      }),
    );
    data.push(xs.map((step) => byStep.get(step) ?? null));
    const stroke = dash.color(experiment.index);
    series.push({
      label: `${experiment.name} best`,
      stroke,
      width: 2,
      spanGaps: true,
      paths: uPlot.paths.stepped?.({ align: 1 }),
      points: { show: false },
    });
    series.push({
      label: `${experiment.name} nodes`,
      stroke,
      fill: stroke,
      width: 0,
      paths: () => null,
      points: { show: true, size: 6, stroke, fill: stroke },
    });
  }
  return { data: data as UPlot.AlignedData, series };
}

function chartWidth(container: HTMLElement): number {
  return Math.max(320, container.clientWidth - 8);
}

function renderScoreChart(): void {
  const container = dash.byId('score-chart');
  const built = scoreData();
  if (state.scoreChart && state.scoreChart.series.length === built.series.length) {
    state.scoreChart.setData(built.data);
    return;
  }
  if (state.scoreChart) state.scoreChart.destroy();
  dash.clear(container);
  const options: UPlot.Options = {
    width: chartWidth(container),
    height: 320,
    scales: { x: { time: false } },
    axes: [
      { label: 'round', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] },
      { label: 'score', size: 80 },
    ],
    series: built.series,
    cursor: { points: { size: 8 } },
    hooks: {
      ready: [
        (chart) => {
          chart.over.addEventListener('click', () => {
            const index = chart.cursor.idx;
            if (index === null || index === undefined) return;
            const step = chart.data[0][index];
            const node = nodesOf(state.selected).find((candidate) => candidate.step === step);
            if (node) window.location.href = dash.nodeHref(state.selected, node.id);
          });
        },
      ],
    },
  };
  state.scoreChart = new uPlot(options, built.data, container);
}

function renderNodeTable(): void {
  const holder = dash.clear(dash.byId('node-table'));
  const nodes = nodesOf(state.selected);
  if (nodes.length === 0) {
    holder.appendChild(el('p', { class: 'hint', text: 'No node stored yet.' }));
    return;
  }
  const byId = new Map(nodes.map((node) => [node.id, node]));
  let best: NodeSummary | null = null;
  for (const node of nodes) {
    if (node.success && node.score !== null && (best === null || node.score > (best.score ?? -Infinity))) best = node;
  }
  const table = el('table', { class: 'grid', id: 'node-list' });
  table.appendChild(
    el(
      'tr',
      null,
      [
        'node',
        'name',
        'score',
        'vs parent',
        'operator',
        'provenance',
        'island',
        'parents',
        'cost',
        'runtime',
        'created',
      ].map((name) => el('th', { text: name })),
    ),
  );
  for (const node of nodes.slice().reverse().slice(0, 2000)) {
    const parentId = node.parentIds[0];
    const parent = parentId === undefined ? undefined : byId.get(parentId);
    const delta =
      node.success && node.score !== null && parent && parent.success && parent.score !== null
        ? node.score - parent.score
        : null;
    const row = el(
      'tr',
      { 'data-node-id': node.id, class: (node.success ? '' : 'failed') + (node === best ? ' best' : '') },
      el('td', null, el('a', { href: dash.nodeHref(state.selected, node.id), text: `#${node.id}` })),
      el('td', null, el('a', { href: dash.nodeHref(state.selected, node.id), text: node.name })),
      el('td', {
        class: 'num',
        title: node.error || '',
        text: node.success ? dash.score(node.score) : `failed: ${String(node.error || '').split(':')[0]}`,
      }),
      el('td', {
        class: `num ${delta !== null && delta > 0 ? 'up' : delta !== null && delta < 0 ? 'down' : ''}`,
        text: delta === null ? '' : (delta > 0 ? '+' : '') + Number(delta.toPrecision(3)),
      }),
      el('td', { text: node.operator }),
      el('td', { text: node.provenance }),
      el('td', { text: node.island === null ? '' : node.island }),
      el(
        'td',
        null,
        node.parentIds.map((id, order) => [
          order ? ', ' : '',
          el('a', { href: dash.nodeHref(state.selected, id), text: `#${id}` }),
        ]),
      ),
      el('td', { class: 'num', text: dash.usd(node.costUsd) }),
      el('td', { class: 'num', text: dash.duration(node.runtimeMs) }),
      el('td', { class: 'when', title: dash.time(node.createdAt), text: dash.clock(node.createdAt) }),
    );
    table.appendChild(row);
  }
  holder.appendChild(table);
}

function renderLineage(): void {
  const holder = dash.clear(dash.byId('lineage-tree'));
  const nodes = nodesOf(state.selected);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const children = new Map<number, NodeSummary[]>();
  const roots: NodeSummary[] = [];
  let best: NodeSummary | null = null;
  for (const node of nodes) {
    const parentId = node.parentIds[0];
    if (parentId === undefined || !byId.has(parentId)) roots.push(node);
    else {
      const siblings = children.get(parentId) ?? [];
      siblings.push(node);
      children.set(parentId, siblings);
    }
    if (node.success && node.score !== null && (best === null || node.score > (best.score ?? -Infinity))) best = node;
  }
  const onPath = new Set<number>();
  for (let cursor: NodeSummary | undefined = best ?? undefined; cursor && !onPath.has(cursor.id);) {
    onPath.add(cursor.id);
    const parentId: number | undefined = cursor.parentIds[0];
    cursor = parentId === undefined ? undefined : byId.get(parentId);
  }
  const stack = roots
    .slice()
    .reverse()
    .map((node) => ({ node, depth: 0 }));
  let shown = 0;
  for (let entry = stack.pop(); entry !== undefined && shown < 3000; entry = stack.pop()) {
    const { node, depth } = entry;
    shown++;
    const line = el('div', {
      class: 'tree-line' + (onPath.has(node.id) ? ' on-path' : '') + (node.success ? '' : ' failed'),
      'data-node-id': node.id,
    });
    line.style.paddingLeft = `${Math.min(depth, 30) * 14}px`;
    dash.append(line, [
      depth ? '└ ' : '',
      el('a', { href: dash.nodeHref(state.selected, node.id), text: `#${node.id}` }),
      ' ',
      el('span', { class: 'num', text: node.success ? dash.score(node.score) : 'failed' }),
      ' ',
      node.name,
      depth > 30 ? el('span', { class: 'hint', text: ` (depth ${depth})` }) : '',
    ]);
    holder.appendChild(line);
    for (const child of (children.get(node.id) ?? []).slice().reverse()) stack.push({ node: child, depth: depth + 1 });
  }
  if (nodes.length === 0) holder.appendChild(el('p', { class: 'hint', text: 'No node stored yet.' }));
}

function renderActivity(): void {
  const list = dash.clear(dash.byId('activity-list'));
  for (const entry of state.activity.slice(-30).reverse()) {
    const experiment = state.experiments[entry.experiment];
    list.appendChild(
      el(
        'li',
        null,
        el('span', { class: 'hint', text: `${dash.time(entry.event.createdAt)} ` }),
        experiment ? `${experiment.name}: ` : '',
        entry.event.message,
      ),
    );
  }
  if (state.activity.length === 0)
    list.appendChild(el('li', { class: 'hint', text: 'Events of a running experiment appear here as they happen.' }));
}

function renderSelected(): void {
  renderNodeTable();
  renderLineage();
}

function renderAll(): void {
  renderExperiments();
  renderScoreChart();
  renderSelected();
  renderActivity();
}

/** The front panel, present only while the selected experiment has objectives. */
async function loadFront(experiment: ExperimentSummary | undefined): Promise<void> {
  const present = document.getElementById('front');
  let answer: FrontAnswer = { front: null };
  let failure: unknown = null;
  if (experiment?.hasRun) {
    try {
      answer = await dash.api<FrontAnswer>(`/api/experiments/${experiment.index}/front`);
    } catch (error) {
      failure = error;
    }
  }
  if (answer.front === null && failure === null) {
    if (present) {
      dropFront();
      present.remove();
    }
    return;
  }
  if (!present) main.insertBefore(frontSection(), dash.byId('nodes'));
  if (answer.front !== null) renderFront(answer.front, state.selected);
  else dash.problem(dash.clear(dash.byId('front-chart')), failure);
}

async function loadDetails(): Promise<void> {
  const experiment = state.experiments[state.selected];
  await loadFront(experiment);
  if (!experiment || !experiment.hasRun) {
    state.spendChart = renderSpend(null, state.spendChart);
    renderSampler(null, state.selected);
    return;
  }
  try {
    const [spend, sampler] = await Promise.all([
      dash.api<SpendTimeline>(`/api/experiments/${state.selected}/spend`),
      dash.api<SamplerOverview>(`/api/experiments/${state.selected}/sampler`),
    ]);
    state.spendChart = renderSpend(spend, state.spendChart);
    renderSampler(sampler, state.selected);
  } catch (error) {
    dash.problem(dash.byId('sampler-state'), error);
  }
}

async function loadSummaries(): Promise<void> {
  state.experiments = (await dash.api<{ experiments: ExperimentSummary[] }>('/api/experiments')).experiments;
  if (state.selected >= state.experiments.length) state.selected = 0;
}

async function loadAll(): Promise<void> {
  try {
    await loadSummaries();
    await Promise.all(
      state.experiments.map(async (experiment) => {
        if (!experiment.hasRun) return;
        const body = await dash.api<{ nodes: NodeSummary[] }>(`/api/experiments/${experiment.index}/nodes`);
        const map = state.nodes.get(experiment.index) ?? new Map<number, NodeSummary>();
        for (const node of body.nodes) map.set(node.id, node);
        state.nodes.set(experiment.index, map);
      }),
    );
    renderAll();
    await loadDetails();
    document.body.setAttribute('data-ready', 'true');
  } catch (error) {
    dash.problem(main, error);
  }
}

let refreshTimer: ReturnType<typeof setTimeout> | null = null;
function scheduleRefresh(): void {
  if (refreshTimer !== null) return;
  refreshTimer = setTimeout(async () => {
    refreshTimer = null;
    try {
      await loadSummaries();
    } catch {
      return;
    }
    renderAll();
    void loadDetails();
  }, 250);
}

function onLiveMessage(message: LiveMessage): void {
  if (message.type === 'node') {
    const map = state.nodes.get(message.experiment) ?? new Map<number, NodeSummary>();
    map.set(message.node.id, message.node);
    state.nodes.set(message.experiment, map);
    scheduleRefresh();
  } else if (message.type === 'run-event') {
    state.activity.push(message);
    if (state.activity.length > 200) state.activity.shift();
    renderActivity();
  }
}

layout();
window.addEventListener('resize', () => {
  const charts: Array<[UPlot | null, string, number]> = [
    [state.scoreChart, 'score-chart', 320],
    [state.spendChart, 'spend-chart', 240],
  ];
  for (const [chart, id, height] of charts) if (chart) chart.setSize({ width: chartWidth(dash.byId(id)), height });
});
dash.connectLive({ onHello: () => void loadAll(), onMessage: onLiveMessage });
