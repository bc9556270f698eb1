/**
 * The front panel of the overview (shown only for an experiment with objectives): the nodes by
 * two chosen objectives with the front highlighted and joined and the dominated ones faded, the
 * front's members as a table, and the front's size after each round.
 */
import type UPlot from 'uplot';
import { dotColor, frontPlotColors, layoutFrontPlot, type FrontPlotLayout } from '../report/front-plot.js';
import type { FrontView } from './api.js';
import { byId, clear, el, nodeHref } from './common.js';
import { uPlot } from './uplot-global.js';

const svgNamespace = 'http://www.w3.org/2000/svg';

function svg(tag: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(svgNamespace, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The chosen axes survive re-renders and a change of experiment with the same objectives. */
const axes = { x: '', y: '' };
let growthChart: UPlot | null = null;

/** The panel's elements, created the first time an experiment with objectives is shown. */
export function frontSection(): HTMLElement {
  return el(
    'section',
    { class: 'panel', id: 'front' },
    el('h2', { text: 'Front' }),
    el('p', {
      class: 'hint',
      text: 'Each dot is a successful node placed by two objectives. Red: the front (no node is as good on every objective and better on one), joined along the x axis; faded: dominated nodes. Point at a dot to name it, click to open it.',
    }),
    el(
      'div',
      { class: 'picker' },
      el('label', { for: 'front-x', text: 'x: ' }),
      el('select', { id: 'front-x' }),
      el('label', { for: 'front-y', text: 'y: ' }),
      el('select', { id: 'front-y' }),
      el('span', { id: 'front-counts', class: 'hint' }),
    ),
    el('div', { id: 'front-chart', class: 'chart' }),
    el('p', { id: 'front-hover', class: 'hint', text: ' ' }),
    el('div', { id: 'front-table', class: 'scroll' }),
    el('h3', { text: 'Front size after each round' }),
    el('div', { id: 'front-growth', class: 'chart' }),
  );
}

function drawPlot(layout: FrontPlotLayout, experiment: number): SVGElement {
  const { plot } = layout;
  const root = svg('svg', {
    width: layout.width,
    height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    class: 'front-plot',
  });
  for (const tick of layout.xTicks) {
    root.appendChild(svg('line', { x1: tick.at, x2: tick.at, y1: plot.top, y2: plot.bottom, class: 'grid' }));
    root.appendChild(svg('text', { x: tick.at, y: plot.bottom + 18, 'text-anchor': 'middle' }, tick.label));
  }
  for (const tick of layout.yTicks) {
    root.appendChild(svg('line', { x1: plot.left, x2: plot.right, y1: tick.at, y2: tick.at, class: 'grid' }));
    root.appendChild(svg('text', { x: plot.left - 8, y: tick.at + 4, 'text-anchor': 'end' }, tick.label));
  }
  root.appendChild(
    svg('rect', {
      x: plot.left,
      y: plot.top,
      width: plot.right - plot.left,
      height: plot.bottom - plot.top,
      class: 'frame',
    }),
  );
  root.appendChild(
    svg('text', { x: (plot.left + plot.right) / 2, y: layout.height - 14, 'text-anchor': 'middle' }, layout.xLabel),
  );
  root.appendChild(
    svg(
      'text',
      { transform: `translate(18 ${(plot.top + plot.bottom) / 2}) rotate(-90)`, 'text-anchor': 'middle' },
      layout.yLabel,
    ),
  );
  if (layout.frontLine)
    root.appendChild(svg('polyline', { points: layout.frontLine, class: 'front-line', stroke: frontPlotColors.front }));
  const hover = byId('front-hover');
  for (const dot of layout.dots) {
    const circle = svg('circle', {
      cx: dot.cx,
      cy: dot.cy,
      r: dot.onFront ? 5 : 4,
      fill: dotColor(dot),
      class: dot.onFront ? 'front' : 'dominated',
      'data-node-id': dot.id,
    });
    circle.appendChild(svg('title', {}, dot.label));
    circle.addEventListener('mouseenter', () => (hover.textContent = dot.label));
    circle.addEventListener('click', () => (window.location.href = nodeHref(experiment, dot.id)));
    root.appendChild(circle);
  }
  return root;
}

function fillSelect(id: string, names: readonly string[], chosen: string, onChange: (name: string) => void): void {
  const select = clear(byId(id)) as HTMLSelectElement;
  for (const name of names) select.appendChild(el('option', { value: name, text: name, selected: name === chosen }));
  select.onchange = () => onChange(select.value);
}

function renderTable(view: FrontView, experiment: number): void {
  const holder = clear(byId('front-table'));
  if (view.front.length === 0) {
    holder.appendChild(el('p', { class: 'hint', text: 'No successful node has a value for every objective yet.' }));
    return;
  }
  const names = view.objectives.map((objective) => objective.name);
  const withInstances = view.instances !== null;
  const table = el('table', { class: 'grid', id: 'front-list' });
  table.appendChild(
    el(
      'tr',
      null,
      ['node', 'round', 'name', ...names, ...(withInstances ? ['best on'] : [])].map((name) =>
        el('th', { text: name }),
      ),
    ),
  );
  for (const point of view.front) {
    table.appendChild(
      el(
        'tr',
        { 'data-node-id': point.id },
        el('td', null, el('a', { href: nodeHref(experiment, point.id), text: `#${point.id}` })),
        el('td', { class: 'num', text: point.step }),
        el('td', null, el('a', { href: nodeHref(experiment, point.id), text: point.name })),
        names.map((name) => {
          const value = point.values[name];
          return el('td', { class: 'num', text: value === undefined ? 'n/a' : Number(value.toPrecision(6)) });
        }),
        withInstances ? el('td', { text: point.winsInstances.join(', ') }) : null,
      ),
    );
  }
  holder.appendChild(table);
}

function renderGrowth(view: FrontView): void {
  const container = clear(byId('front-growth'));
  if (growthChart) growthChart.destroy();
  growthChart = null;
  if (view.growth.length === 0) return;
  growthChart = new uPlot(
    {
      width: Math.max(320, container.clientWidth - 8),
      height: 200,
      scales: { x: { time: false } },
      axes: [
        { label: 'round', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] },
        { label: 'nodes on the front', size: 60, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
      ],
      series: [
        { label: 'round' },
        {
          label: 'front size',
          stroke: frontPlotColors.front,
          width: 2,
          paths: uPlot.paths.stepped?.({ align: 1 }),
          points: { show: false },
        },
      ],
    },
    [view.growth.map((point) => point.step), view.growth.map((point) => point.size)],
    container,
  );
}

/** Draws the panel for `view` (the panel must exist: see `frontSection`). */
export function renderFront(view: FrontView, experiment: number): void {
  const names = view.objectives.map((objective) => objective.name);
  if (!names.includes(axes.x)) axes.x = names[0] ?? '';
  if (!names.includes(axes.y) || (axes.y === axes.x && names.length > 1))
    axes.y = names.find((name) => name !== axes.x) ?? axes.x;
  const redraw = (): void => {
    const chart = clear(byId('front-chart'));
    const x = view.objectives.find((objective) => objective.name === axes.x);
    const y = view.objectives.find((objective) => objective.name === axes.y);
    if (!x || !y) return;
    const width = Math.max(360, Math.min(900, chart.clientWidth - 8));
    chart.appendChild(drawPlot(layoutFrontPlot(view.points, x, y, { width, height: 380, top: 16 }), experiment));
  };
  fillSelect('front-x', names, axes.x, (name) => {
    axes.x = name;
    redraw();
  });
  fillSelect('front-y', names, axes.y, (name) => {
    axes.y = name;
    redraw();
  });
  const outside = view.infeasible > 0 ? ` (${view.infeasible} of them outside a bound)` : '';
  byId('front-counts').textContent = `${view.front.length} on the front, ${view.dominated} dominated${outside}`;
  redraw();
  renderTable(view, experiment);
  renderGrowth(view);
}

/** Releases the growth chart when the panel goes away. */
export function dropFront(): void {
  if (growthChart) growthChart.destroy();
  growthChart = null;
}
