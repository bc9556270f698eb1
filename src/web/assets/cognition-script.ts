/** The cognition browser: search an experiment's cognition base, see how many nodes saw each item. */
export const cognitionScript = String.raw`'use strict';
(function () {
  var Dash = window.Dash;
  var el = Dash.el;
  var main = document.getElementById('main');
  var experiment = Dash.experimentIndex();
  var input = el('input', { type: 'search', id: 'cognition-query', placeholder: 'Search titles, contents, tags…', value: Dash.param('q') || '' });
  var picker = el('select', { id: 'experiment-select' });
  var results = el('div', { id: 'cognition-results' });
  var pending = null;
  var sequence = 0;

  async function search() {
    var query = input.value;
    var url = new URL(window.location.href);
    url.searchParams.set('x', String(experiment));
    if (query) url.searchParams.set('q', query); else url.searchParams.delete('q');
    window.history.replaceState(null, '', url.toString());
    var mine = ++sequence;
    try {
      var body = await Dash.api('/api/experiments/' + experiment + '/cognition?limit=100&q=' + encodeURIComponent(query));
      if (mine !== sequence) return;
      Dash.clear(results);
      results.appendChild(el('p', { class: 'hint', text: body.hits.length + ' shown of ' + body.total + ' items' + (query ? ' (lexical similarity, then text matches)' : ' (most seen first)') }));
      results.appendChild(el('ul', { class: 'cognition' }, body.hits.map(function (hit) {
        var item = hit.item;
        return el('li', { 'data-item-id': item.id },
          el('div', null, el('strong', { text: item.title }), ' ',
            el('span', { class: 'hint', text: item.id + (hit.score !== null ? ' · similarity ' + hit.score.toFixed(3) : '') + ' · seen by ' + hit.seenBy + ' nodes' })),
          el('div', { class: 'hint', text: (item.source ? 'source: ' + item.source : '') + (item.tags.length ? ' · tags: ' + item.tags.join(', ') : '') }),
          el('pre', { class: 'text', text: item.content }));
      })));
      document.body.setAttribute('data-ready', 'true');
    } catch (error) {
      Dash.clear(results);
      Dash.problem(results, error);
    }
  }

  Dash.clear(main);
  main.appendChild(Dash.section('Cognition', 'cognition-browser', el('div', { class: 'picker' }, picker, ' ', input), results));
  input.addEventListener('input', function () {
    clearTimeout(pending);
    pending = setTimeout(search, 200);
  });
  picker.addEventListener('change', function () { experiment = Number(picker.value); search(); });
  Dash.api('/api/experiments').then(function (body) {
    body.experiments.forEach(function (entry) {
      picker.appendChild(el('option', { value: entry.index, text: entry.name, selected: entry.index === experiment }));
    });
    search();
  }, function (error) { Dash.problem(results, error); });
})();
`;
