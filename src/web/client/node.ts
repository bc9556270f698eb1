/**
 * The node page: motivation, program (highlighted), diff to its parent, results and metrics,
 * analysis, the cognition items it saw, its LLM transcripts and the evaluation logs.
 */
import type { NodeDetail, NodeLink } from './api.js';
import * as dash from './common.js';
import { el, type Child } from './common.js';

const main = dash.byId('main');
const experiment = dash.experimentIndex();
const id = Number(dash.param('id'));

function link(node: NodeLink, label = ''): HTMLElement {
  return el('a', {
    href: dash.nodeHref(experiment, node.id),
    text: `${label}#${node.id} ${node.name} (${node.success ? dash.score(node.score) : 'failed'})`,
  });
}

function fileHref(path: string): string {
  return `/api/experiments/${experiment}/files/${path.split('/').map(encodeURIComponent).join('/')}`;
}

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : String(JSON.stringify(value));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

function header(detail: NodeDetail): HTMLElement {
  const node = detail.node;
  const status = node.success
    ? el('span', { class: 'badge ok', text: `score ${dash.score(node.score)}` })
    : el('span', { class: 'badge failed', text: `FAILED: ${node.error || 'unknown'}` });
  const nav = el(
    'p',
    { class: 'nav' },
    el('a', { href: `/?x=${experiment}`, text: '← overview' }),
    detail.previousId !== null
      ? [' · ', el('a', { href: dash.nodeHref(experiment, detail.previousId), text: 'previous node' })]
      : '',
    detail.nextId !== null
      ? [' · ', el('a', { href: dash.nodeHref(experiment, detail.nextId), text: 'next node' })]
      : '',
  );
  const facts: Array<[string, string | number]> = [
    ['round', node.step],
    ['operator', node.operator],
    ['island', node.island === null ? '–' : node.island],
    ['provenance', node.provenance],
    ['evaluator score', dash.score(node.evalScore)],
    ['runtime', dash.duration(node.runtimeMs)],
    ['LLM cost', dash.usd(node.costUsd)],
    ['visits', node.visitCount],
    ['created', dash.time(node.createdAt)],
  ];
  const list = el('dl', { class: 'facts' });
  for (const [name, value] of facts) {
    list.appendChild(el('dt', { text: name }));
    list.appendChild(el('dd', { text: value }));
  }
  const family = el(
    'p',
    null,
    'Parents: ',
    node.parentIds.length
      ? node.parentIds.map((parentId, order) => [
          order ? ', ' : '',
          el('a', { href: dash.nodeHref(experiment, parentId), text: `#${parentId}` }),
        ])
      : 'none',
    detail.children.length
      ? ['. Children: ', detail.children.map((child, order) => [order ? ', ' : '', link(child)])]
      : '',
  );
  return el(
    'header',
    { class: 'node-header' },
    nav,
    el('h1', { id: 'node-title', text: `Node #${node.id} — ${node.name}` }),
    status,
    list,
    family,
  );
}

function resultsTable(results: Record<string, unknown>): HTMLElement {
  if (Object.keys(results).length === 0) return el('p', { class: 'hint', text: 'No results.' });
  const table = el('table', { class: 'grid', id: 'results' });
  for (const [key, value] of Object.entries(results))
    table.appendChild(el('tr', null, el('th', { text: key }), el('td', { class: 'num', text: valueText(value) })));
  return table;
}

function cognitionList(items: NodeDetail['cognition']): HTMLElement {
  if (items.length === 0) return el('p', { class: 'hint', text: 'No cognition item was shown for this node.' });
  return el(
    'ul',
    { class: 'cognition', id: 'cognition-seen' },
    items.map((item) => {
      if ('missing' in item)
        return el('li', null, el('code', { text: item.id }), ' (removed from the cognition base since)');
      const about =
        item.id + (item.source ? ` · ${item.source}` : '') + (item.tags.length ? ` · ${item.tags.join(', ')}` : '');
      return el(
        'li',
        null,
        el(
          'details',
          null,
          el('summary', null, el('strong', { text: item.title }), ' ', el('span', { class: 'hint', text: about })),
          el('pre', { class: 'text', text: item.content }),
        ),
      );
    }),
  );
}

function messageBlocks(request: unknown): HTMLElement[] {
  const blocks: HTMLElement[] = [];
  if (!isRecord(request)) return blocks;
  if (request.system)
    blocks.push(el('h4', { text: 'system' }), el('pre', { class: 'text', text: valueText(request.system) }));
  if (Array.isArray(request.messages)) {
    for (const message of request.messages as unknown[]) {
      const role = isRecord(message) && typeof message.role === 'string' && message.role ? message.role : 'message';
      blocks.push(
        el('h4', { text: role }),
        el('pre', { class: 'text', text: valueText(isRecord(message) ? message.content : undefined) }),
      );
    }
  }
  return blocks;
}

function transcripts(list: NodeDetail['transcripts']): HTMLElement {
  if (list.length === 0) return el('p', { class: 'hint', text: 'No LLM call was made for this node.' });
  return el(
    'div',
    { id: 'transcripts' },
    list.map((transcript) => {
      const call = transcript.content;
      if (!isRecord(call)) {
        return el(
          'details',
          null,
          el('summary', { text: transcript.file + (transcript.truncated ? ' (cut)' : '') }),
          el('pre', { class: 'text', text: String(call) }),
        );
      }
      const usage = isRecord(call.usage) ? call.usage : {};
      const text = (value: unknown): string =>
        typeof value === 'string' || typeof value === 'number' ? String(value) : '';
      const label =
        `${transcript.file} — ${text(call.role)} · ${text(call.modelId)} · ${text(usage.inputTokens) || 0} in / ${text(usage.outputTokens) || 0} out · ` +
        dash.usd(typeof call.costUsd === 'number' ? call.costUsd : 0) +
        (call.error ? ` · ERROR ${text(call.error)}` : '');
      const request = messageBlocks(call.request);
      return el(
        'details',
        { class: 'transcript' },
        el('summary', { text: label }),
        request.length ? request : el('pre', { class: 'text', text: JSON.stringify(call.request, null, 2) }),
        el('h4', { text: 'response' }),
        el('pre', { class: 'text', text: text(call.responseText) }),
      );
    }),
  );
}

function logs(detail: NodeDetail): Child {
  const names = Object.keys(detail.logs);
  if (names.length === 0) return el('p', { class: 'hint', text: `No log in ${detail.stepFolder}.` });
  return Object.entries(detail.logs).map(([name, log]) =>
    el(
      'div',
      { class: 'log' },
      el(
        'h3',
        null,
        `${name} `,
        el('a', { href: fileHref(`${detail.stepFolder}/${name}`), text: '(raw)' }),
        log.truncated ? el('span', { class: 'hint', text: ` last ${log.text.length} of ${log.totalBytes} bytes` }) : '',
      ),
      el('pre', { class: 'log', text: log.text || '(empty)' }),
    ),
  );
}

const changeLabels = { added: 'new file', deleted: 'deleted', modified: 'changed' } as const;

/** A multi-file node's changes: one block per changed file, headed by its path and what happened to it. */
function fileDiffs(files: NonNullable<NodeDetail['fileDiffs']>): HTMLElement[] {
  if (files.length === 0) return [el('p', { class: 'hint', id: 'diff-text', text: 'No file changed.' })];
  return [
    el('p', { class: 'hint', text: `${files.length} file${files.length === 1 ? '' : 's'} changed.` }),
    el(
      'div',
      { id: 'file-diffs' },
      ...files.map((file, index) =>
        el(
          'div',
          { class: 'file-diff', 'data-path': file.path, 'data-kind': file.kind },
          el('h3', null, el('code', { text: file.path }), ` (${changeLabels[file.kind]})`),
          dash.diffBlock(file.diff, `file-diff-${index}`),
        ),
      ),
    ),
  ];
}

function render(detail: NodeDetail): void {
  const node = detail.node;
  document.title = `Node #${node.id} — asi-evolve`;
  dash.clear(main);
  main.appendChild(header(detail));
  main.appendChild(
    dash.section(
      'Motivation',
      'motivation',
      el('pre', { class: 'text', id: 'motivation-text', text: node.motivation || '(none)' }),
    ),
  );
  main.appendChild(
    dash.section(
      'Program',
      'program',
      el(
        'p',
        { class: 'hint' },
        `${node.program.split('\n').length} lines · `,
        el('a', { href: fileHref(`${detail.stepFolder}/code`), text: 'raw file' }),
      ),
      dash.codeBlock(node.program, 'program-code'),
    ),
  );
  main.appendChild(
    dash.section(
      'Diff to its parent',
      'diff',
      detail.parent
        ? [
            el('p', null, 'From ', link(detail.parent, 'parent '), ' to this node.'),
            ...(detail.fileDiffs === null
              ? [dash.diffBlock(detail.diff ?? '', 'diff-text')]
              : fileDiffs(detail.fileDiffs)),
          ]
        : el('p', { class: 'hint', text: 'No parent (a seed or root node, or the parent was evicted).' }),
    ),
  );
  main.appendChild(
    dash.section(
      'Results and metrics',
      'results-section',
      resultsTable(node.results),
      el(
        'details',
        null,
        el('summary', { text: 'metadata' }),
        el('pre', { class: 'text', text: JSON.stringify(node.metadata, null, 2) }),
      ),
    ),
  );
  main.appendChild(
    dash.section(
      'Analysis',
      'analysis',
      el('pre', { class: 'text', id: 'analysis-text', text: node.analysis || '(none)' }),
    ),
  );
  main.appendChild(dash.section('Cognition items seen', 'cognition', cognitionList(detail.cognition)));
  main.appendChild(dash.section('LLM transcripts', 'llm', transcripts(detail.transcripts)));
  main.appendChild(dash.section('Evaluation log', 'logs', logs(detail)));
  document.body.setAttribute('data-ready', 'true');
}

if (!Number.isInteger(id) || id < 0) {
  dash.clear(main);
  dash.problem(main, 'This page needs ?x=EXPERIMENT&id=NODE.');
} else {
  dash.api<NodeDetail>(`/api/experiments/${experiment}/nodes/${id}`).then(render, (error: unknown) => {
    dash.clear(main);
    dash.problem(main, error);
  });
}
