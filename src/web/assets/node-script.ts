/**
 * The node page: motivation, program (highlighted), diff to its parent, results and metrics,
 * analysis, the cognition items it saw, its LLM transcripts and the evaluation logs.
 */
export const nodeScript = String.raw`'use strict';
(function () {
  var Dash = window.Dash;
  var el = Dash.el;
  var main = document.getElementById('main');
  var experiment = Dash.experimentIndex();
  var id = Number(Dash.param('id'));

  function link(node, label) {
    return el('a', { href: Dash.nodeHref(experiment, node.id), text: (label || '') + '#' + node.id + ' ' + node.name + ' (' + (node.success ? Dash.score(node.score) : 'failed') + ')' });
  }

  function fileHref(path) {
    return '/api/experiments/' + experiment + '/files/' + path.split('/').map(encodeURIComponent).join('/');
  }

  function valueText(value) {
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  function header(detail) {
    var node = detail.node;
    var status = node.success
      ? el('span', { class: 'badge ok', text: 'score ' + Dash.score(node.score) })
      : el('span', { class: 'badge failed', text: 'FAILED: ' + (node.error || 'unknown') });
    var nav = el('p', { class: 'nav' },
      el('a', { href: '/?x=' + experiment, text: '← overview' }),
      detail.previousId !== null ? [' · ', el('a', { href: Dash.nodeHref(experiment, detail.previousId), text: 'previous node' })] : '',
      detail.nextId !== null ? [' · ', el('a', { href: Dash.nodeHref(experiment, detail.nextId), text: 'next node' })] : '');
    var facts = [
      ['round', node.step], ['operator', node.operator], ['island', node.island === null ? '–' : node.island], ['provenance', node.provenance],
      ['evaluator score', Dash.score(node.evalScore)], ['runtime', Dash.duration(node.runtimeMs)], ['LLM cost', Dash.usd(node.costUsd)],
      ['visits', node.visitCount], ['created', Dash.time(node.createdAt)],
    ];
    var list = el('dl', { class: 'facts' });
    facts.forEach(function (fact) { list.appendChild(el('dt', { text: fact[0] })); list.appendChild(el('dd', { text: fact[1] })); });
    var family = el('p', null,
      'Parents: ', node.parentIds.length ? node.parentIds.map(function (parentId, order) { return [order ? ', ' : '', el('a', { href: Dash.nodeHref(experiment, parentId), text: '#' + parentId })]; }) : 'none',
      detail.children.length ? ['. Children: ', detail.children.map(function (child, order) { return [order ? ', ' : '', link(child)]; })] : '');
    return el('header', { class: 'node-header' }, nav, el('h1', { id: 'node-title', text: 'Node #' + node.id + ' — ' + node.name }), status, list, family);
  }

  function resultsTable(results) {
    var table = el('table', { class: 'grid', id: 'results' });
    Object.keys(results).forEach(function (key) {
      table.appendChild(el('tr', null, el('th', { text: key }), el('td', { class: 'num', text: valueText(results[key]) })));
    });
    if (Object.keys(results).length === 0) return el('p', { class: 'hint', text: 'No results.' });
    return table;
  }

  function cognitionList(items) {
    if (items.length === 0) return el('p', { class: 'hint', text: 'No cognition item was shown for this node.' });
    return el('ul', { class: 'cognition', id: 'cognition-seen' }, items.map(function (item) {
      if (item.missing) return el('li', null, el('code', { text: item.id }), ' (removed from the cognition base since)');
      return el('li', null, el('details', null,
        el('summary', null, el('strong', { text: item.title }), ' ', el('span', { class: 'hint', text: item.id + (item.source ? ' · ' + item.source : '') + (item.tags.length ? ' · ' + item.tags.join(', ') : '') })),
        el('pre', { class: 'text', text: item.content })));
    }));
  }

  function messageBlocks(request) {
    var blocks = [];
    if (request && request.system) blocks.push(el('h4', { text: 'system' }), el('pre', { class: 'text', text: valueText(request.system) }));
    if (request && Array.isArray(request.messages)) {
      request.messages.forEach(function (message) {
        blocks.push(el('h4', { text: message.role || 'message' }), el('pre', { class: 'text', text: valueText(message.content) }));
      });
    }
    return blocks;
  }

  function transcripts(list) {
    if (list.length === 0) return el('p', { class: 'hint', text: 'No LLM call was made for this node.' });
    return el('div', { id: 'transcripts' }, list.map(function (transcript) {
      var call = transcript.content;
      if (!call || typeof call !== 'object') {
        return el('details', null, el('summary', { text: transcript.file + (transcript.truncated ? ' (cut)' : '') }), el('pre', { class: 'text', text: String(call) }));
      }
      var usage = call.usage || {};
      var label = transcript.file + ' — ' + (call.role || '') + ' · ' + (call.modelId || '') + ' · ' + (usage.inputTokens || 0) + ' in / ' + (usage.outputTokens || 0) + ' out · ' + Dash.usd(call.costUsd || 0) + (call.error ? ' · ERROR ' + call.error : '');
      var request = messageBlocks(call.request);
      return el('details', { class: 'transcript' }, el('summary', { text: label }),
        request.length ? request : el('pre', { class: 'text', text: JSON.stringify(call.request, null, 2) }),
        el('h4', { text: 'response' }), el('pre', { class: 'text', text: call.responseText || '' }));
    }));
  }

  function logs(detail) {
    var names = Object.keys(detail.logs);
    if (names.length === 0) return el('p', { class: 'hint', text: 'No log in ' + detail.stepFolder + '.' });
    return names.map(function (name) {
      var log = detail.logs[name];
      return el('div', { class: 'log' },
        el('h3', null, name + ' ', el('a', { href: fileHref(detail.stepFolder + '/' + name), text: '(raw)' }), log.truncated ? el('span', { class: 'hint', text: ' last ' + log.text.length + ' of ' + log.totalBytes + ' bytes' }) : ''),
        el('pre', { class: 'log', text: log.text || '(empty)' }));
    });
  }

  function render(detail) {
    var node = detail.node;
    document.title = 'Node #' + node.id + ' — asi-evolve';
    Dash.clear(main);
    main.appendChild(header(detail));
    main.appendChild(Dash.section('Motivation', 'motivation', el('pre', { class: 'text', id: 'motivation-text', text: node.motivation || '(none)' })));
    main.appendChild(Dash.section('Program', 'program',
      el('p', { class: 'hint' }, node.program.split('\n').length + ' lines · ', el('a', { href: fileHref(detail.stepFolder + '/code'), text: 'raw file' })),
      Dash.codeBlock(node.program, 'program-code')));
    main.appendChild(Dash.section('Diff to its parent', 'diff',
      detail.parent ? [el('p', null, 'From ', link(detail.parent, 'parent '), ' to this node.'), Dash.diffBlock(detail.diff, 'diff-text')]
        : el('p', { class: 'hint', text: 'No parent (a seed or root node, or the parent was evicted).' })));
    main.appendChild(Dash.section('Results and metrics', 'results-section', resultsTable(node.results),
      el('details', null, el('summary', { text: 'metadata' }), el('pre', { class: 'text', text: JSON.stringify(node.metadata, null, 2) }))));
    main.appendChild(Dash.section('Analysis', 'analysis', el('pre', { class: 'text', id: 'analysis-text', text: node.analysis || '(none)' })));
    main.appendChild(Dash.section('Cognition items seen', 'cognition', cognitionList(detail.cognition)));
    main.appendChild(Dash.section('LLM transcripts', 'llm', transcripts(detail.transcripts)));
    main.appendChild(Dash.section('Evaluation log', 'logs', logs(detail)));
    document.body.setAttribute('data-ready', 'true');
  }

  if (!Number.isInteger(id) || id < 0) {
    Dash.clear(main);
    Dash.problem(main, 'This page needs ?x=EXPERIMENT&id=NODE.');
    return;
  }
  Dash.api('/api/experiments/' + experiment + '/nodes/' + id).then(render, function (error) {
    Dash.clear(main);
    Dash.problem(main, error);
  });
})();
`;
