/** The cognition browser: search an experiment's cognition base, see how many nodes saw each item. */
import type { CognitionSearchResult, ExperimentSummary } from './api.js';
import * as dash from './common.js';
import { el } from './common.js';

const main = dash.byId('main');
let experiment = dash.experimentIndex();
const input = el('input', {
  type: 'search',
  id: 'cognition-query',
  placeholder: 'Search titles, contents, tags…',
  value: dash.param('q') || '',
});
const picker = el('select', { id: 'experiment-select' });
const results = el('div', { id: 'cognition-results' });
let pending: ReturnType<typeof setTimeout> | undefined;
let sequence = 0;

async function search(): Promise<void> {
  const query = input.value;
  const url = new URL(window.location.href);
  url.searchParams.set('x', String(experiment));
  if (query) url.searchParams.set('q', query);
  else url.searchParams.delete('q');
  window.history.replaceState(null, '', url.toString());
  const mine = ++sequence;
  try {
    const body = await dash.api<CognitionSearchResult>(
      `/api/experiments/${experiment}/cognition?limit=100&q=${encodeURIComponent(query)}`,
    );
    if (mine !== sequence) return;
    dash.clear(results);
    results.appendChild(
      el('p', {
        class: 'hint',
        text:
          `${body.hits.length} shown of ${body.total} items` +
          (query ? ' (lexical similarity, then text matches)' : ' (most seen first)'),
      }),
    );
    results.appendChild(
      el(
        'ul',
        { class: 'cognition' },
        body.hits.map(({ item, score, seenBy }) =>
          el(
            'li',
            { 'data-item-id': item.id },
            el(
              'div',
              null,
              el('strong', { text: item.title }),
              ' ',
              el('span', {
                class: 'hint',
                text:
                  item.id + (score !== null ? ` · similarity ${score.toFixed(3)}` : '') + ` · seen by ${seenBy} nodes`,
              }),
            ),
            el('div', {
              class: 'hint',
              text:
                (item.source ? `source: ${item.source}` : '') +
                (item.tags.length ? ` · tags: ${item.tags.join(', ')}` : ''),
            }),
            el('pre', { class: 'text', text: item.content }),
          ),
        ),
      ),
    );
    document.body.setAttribute('data-ready', 'true');
  } catch (error) {
    dash.clear(results);
    dash.problem(results, error);
  }
}

dash.clear(main);
main.appendChild(
  dash.section('Cognition', 'cognition-browser', el('div', { class: 'picker' }, picker, ' ', input), results),
);
input.addEventListener('input', () => {
  clearTimeout(pending);
  pending = setTimeout(() => void search(), 200);
});
picker.addEventListener('change', () => {
  experiment = Number(picker.value);
  void search();
});
dash.api<{ experiments: ExperimentSummary[] }>('/api/experiments').then(
  (body) => {
    for (const entry of body.experiments)
      picker.appendChild(el('option', { value: entry.index, text: entry.name, selected: entry.index === experiment }));
    void search();
  },
  (error: unknown) => dash.problem(results, error),
);
