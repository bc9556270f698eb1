/**
 * Browser helpers shared by every page: DOM building (text only, never HTML strings, so program
 * text and analyses cannot inject markup), the API client, number formats, the program
 * highlighter, the diff view and the live connection. Each page module imports what it uses;
 * esbuild bundles it into that page's script.
 */
import type { LiveMessage } from './api.js';

/** A child of an element: text, a node, nothing, or a list of these. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

/** Attributes of an element; `text` sets its text, `class` its class, `onX` adds a listener for X. */
export type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes?: Attributes | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') {
      if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    } else if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.className = String(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) append(node, child);
  return node;
}

export function append<T extends Node>(parent: T, child: Child): T {
  if (child === undefined || child === null || child === false) return parent;
  if (Array.isArray(child)) for (const each of child as readonly Child[]) append(parent, each);
  else if (typeof child === 'string' || typeof child === 'number')
    parent.appendChild(document.createTextNode(String(child)));
  else parent.appendChild(child as Node);
  return parent;
}

export function clear<T extends Node>(node: T): T {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** The element with this id; the page layouts create every id they look up, so a missing one is a bug. */
export function byId(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no element #${id}`);
  return found;
}

/** GETs a JSON answer of the dashboard's API; a failure throws with the server's `error` text. */
export async function api<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message =
      body !== null && typeof body === 'object' && 'error' in body && typeof body.error === 'string' && body.error
        ? body.error
        : `${response.status} ${response.statusText}`;
    throw new Error(message);
  }
  return body as T;
}

export function param(name: string): string | null {
  return new URLSearchParams(window.location.search).get(name);
}

export function experimentIndex(): number {
  const value = Number(param('x') || 0);
  return Number.isInteger(value) && value >= 0 ? value : 0;
}

export function nodeHref(experiment: number, id: number): string {
  return `/node?x=${experiment}&id=${id}`;
}

export function score(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6) ? value.toExponential(4) : value.toFixed(6);
}

export function usd(value: number | null | undefined): string {
  const amount = value || 0;
  return amount > 0 && amount < 0.01 ? `$${amount.toFixed(4)}` : `$${amount.toFixed(2)}`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function time(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function clock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString();
}

const palette = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#4b5563'] as const;

/** The colour of experiment (or series) `index`, the same on every chart and table. */
export function color(index: number): string {
  return palette[index % palette.length] ?? palette[0];
}

export function section(title: string, id: string, ...children: Child[]): HTMLElement {
  return el('section', { class: 'panel', id }, el('h2', { text: title }), ...children);
}

export function problem(container: Node, error: unknown): void {
  append(
    container,
    el('p', { class: 'problem', text: error instanceof Error && error.message ? error.message : String(error) }),
  );
}

const keywords = new Set(
  (
    'async await break case catch class const continue def default del do elif else enum except export extends ' +
    'false finally fn for from function global if impl import in instanceof is lambda let match mod new nonlocal not null ' +
    'or pass pub raise return self static struct super switch this throw true try type typeof undefined use var void while ' +
    'with yield None True False int float double char bool auto long unsigned include define'
  ).split(' '),
);
const tokenPattern =
  /(\/\*[\s\S]*?\*\/|\/\/[^\n]*|#[^\n]*)|("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|(\b(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)\b)|([A-Za-z_][A-Za-z0-9_]*)/g;

/** Comments, strings, numbers and keywords as spans; everything else as text. */
export function highlight(code: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let last = 0;
  tokenPattern.lastIndex = 0;
  for (let match = tokenPattern.exec(code); match !== null; match = tokenPattern.exec(code)) {
    const kind =
      match[1] !== undefined
        ? 'tok-comment'
        : match[2] !== undefined
          ? 'tok-string'
          : match[3] !== undefined
            ? 'tok-number'
            : match[4] !== undefined && keywords.has(match[4])
              ? 'tok-keyword'
              : null;
    if (kind === null) continue;
    if (match.index > last) fragment.appendChild(document.createTextNode(code.slice(last, match.index)));
    fragment.appendChild(el('span', { class: kind, text: match[0] }));
    last = match.index + match[0].length;
  }
  if (last < code.length) fragment.appendChild(document.createTextNode(code.slice(last)));
  return fragment;
}

export function codeBlock(code: string, id: string): HTMLElement {
  return el('pre', { class: 'code', id }, highlight(code));
}

/** A unified diff with added, removed and hunk lines marked. */
export function diffBlock(diff: string, id: string): HTMLElement {
  const pre = el('pre', { class: 'diff', id });
  for (const line of diff.split('\n')) {
    const kind =
      line.startsWith('+++') ||
      line.startsWith('---') ||
      line.startsWith('Index') ||
      line.startsWith('====') ||
      /^(diff --git|new file mode|deleted file mode) /.test(line)
        ? 'diff-file'
        : line.startsWith('+')
          ? 'diff-add'
          : line.startsWith('-')
            ? 'diff-del'
            : line.startsWith('@@')
              ? 'diff-hunk'
              : 'diff-context';
    pre.appendChild(el('span', { class: kind, text: `${line}\n` }));
  }
  return pre;
}

export interface LiveHandlers {
  onHello?: () => void;
  onMessage?: (message: LiveMessage) => void;
}

/**
 * Listens to /api/events. hello: subscribed (fetch the snapshot now); node / run-event: live
 * updates. The indicator in the header says whether the feed is connected.
 */
export function connectLive(handlers: LiveHandlers): EventSource {
  const indicator = document.getElementById('live');
  const source = new EventSource('/api/events');
  const mark = (text: string, kind: string): void => {
    if (!indicator) return;
    indicator.textContent = text;
    indicator.className = `live ${kind}`;
  };
  source.addEventListener('hello', () => {
    mark('live', 'on');
    handlers.onHello?.();
  });
  for (const type of ['node', 'run-event']) {
    source.addEventListener(type, (event) => {
      let message: LiveMessage;
      try {
        message = JSON.parse((event as MessageEvent<string>).data) as LiveMessage;
      } catch {
        return;
      }
      handlers.onMessage?.(message);
    });
  }
  source.onerror = () => mark('reconnecting…', 'off');
  return source;
}
