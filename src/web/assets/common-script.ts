/**
 * Browser helpers shared by every page (`window.Dash`): DOM building (text only, never HTML
 * strings, so program text and analyses cannot inject markup), the API client, number
 * formats, the program highlighter, the diff view and the live connection.
 * Kept as plain ES2020 without template literals, so that it can live in this string.
 */
export const commonScript = String.raw`'use strict';
(function () {
  var Dash = {};

  Dash.el = function (tag, attributes) {
    var node = document.createElement(tag);
    var options = attributes || {};
    Object.keys(options).forEach(function (key) {
      var value = options[key];
      if (value === undefined || value === null || value === false) return;
      if (key === 'text') node.textContent = String(value);
      else if (key === 'class') node.className = value;
      else if (key.slice(0, 2) === 'on' && typeof value === 'function') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    });
    for (var index = 2; index < arguments.length; index++) Dash.append(node, arguments[index]);
    return node;
  };

  Dash.append = function (parent, child) {
    if (child === undefined || child === null || child === false) return parent;
    if (Array.isArray(child)) child.forEach(function (each) { Dash.append(parent, each); });
    else if (typeof child === 'string' || typeof child === 'number') parent.appendChild(document.createTextNode(String(child)));
    else parent.appendChild(child);
    return parent;
  };

  Dash.clear = function (node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  };

  Dash.api = async function (path) {
    var response = await fetch(path, { headers: { accept: 'application/json' } });
    var body = null;
    try { body = await response.json(); } catch (error) { body = null; }
    if (!response.ok) throw new Error((body && body.error) || (response.status + ' ' + response.statusText));
    return body;
  };

  Dash.param = function (name) {
    return new URLSearchParams(window.location.search).get(name);
  };

  Dash.experimentIndex = function () {
    var value = Number(Dash.param('x') || 0);
    return Number.isInteger(value) && value >= 0 ? value : 0;
  };

  Dash.nodeHref = function (experiment, id) {
    return '/node?x=' + experiment + '&id=' + id;
  };

  Dash.score = function (value) {
    if (value === null || value === undefined || !isFinite(value)) return 'n/a';
    var magnitude = Math.abs(value);
    return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6) ? value.toExponential(4) : value.toFixed(6);
  };

  Dash.usd = function (value) {
    return value > 0 && value < 0.01 ? '$' + value.toFixed(4) : '$' + (value || 0).toFixed(2);
  };

  Dash.duration = function (ms) {
    if (ms < 1000) return Math.round(ms) + ' ms';
    var seconds = Math.round(ms / 1000);
    if (seconds < 60) return seconds + 's';
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + 'm' + String(seconds % 60).padStart(2, '0') + 's';
    return Math.floor(minutes / 60) + 'h' + String(minutes % 60).padStart(2, '0') + 'm';
  };

  Dash.time = function (iso) {
    if (!iso) return '';
    var date = new Date(iso);
    return isNaN(date.getTime()) ? iso : date.toLocaleString();
  };

  Dash.clock = function (iso) {
    var date = new Date(iso);
    return isNaN(date.getTime()) ? '' : date.toLocaleTimeString();
  };

  Dash.palette = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#4b5563'];
  Dash.color = function (index) { return Dash.palette[index % Dash.palette.length]; };

  Dash.section = function (title, id) {
    var section = Dash.el('section', { class: 'panel', id: id });
    section.appendChild(Dash.el('h2', { text: title }));
    for (var index = 2; index < arguments.length; index++) Dash.append(section, arguments[index]);
    return section;
  };

  Dash.problem = function (container, error) {
    Dash.append(container, Dash.el('p', { class: 'problem', text: error && error.message ? error.message : String(error) }));
  };

  var keywords = ('async await break case catch class const continue def default del do elif else enum except export extends ' +
    'false finally fn for from function global if impl import in instanceof is lambda let match mod new nonlocal not null ' +
    'or pass pub raise return self static struct super switch this throw true try type typeof undefined use var void while ' +
    'with yield None True False int float double char bool auto long unsigned include define').split(' ');
  var keywordSet = new Set(keywords);
  var tokenPattern = /(\/\*[\s\S]*?\*\/|\/\/[^\n]*|#[^\n]*)|("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\x60(?:\\.|[^\x60\\])*\x60)|(\b(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)\b)|([A-Za-z_][A-Za-z0-9_]*)/g;

  /** Comments, strings, numbers and keywords as spans; everything else as text. */
  Dash.highlight = function (code) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    var match;
    tokenPattern.lastIndex = 0;
    while ((match = tokenPattern.exec(code)) !== null) {
      var kind = match[1] !== undefined ? 'tok-comment' : match[2] !== undefined ? 'tok-string' : match[3] !== undefined ? 'tok-number' : keywordSet.has(match[4]) ? 'tok-keyword' : null;
      if (kind === null) continue;
      if (match.index > last) fragment.appendChild(document.createTextNode(code.slice(last, match.index)));
      fragment.appendChild(Dash.el('span', { class: kind, text: match[0] }));
      last = match.index + match[0].length;
    }
    if (last < code.length) fragment.appendChild(document.createTextNode(code.slice(last)));
    return fragment;
  };

  Dash.codeBlock = function (code, id) {
    var pre = Dash.el('pre', { class: 'code', id: id });
    pre.appendChild(Dash.highlight(code));
    return pre;
  };

  /** A unified diff with added, removed and hunk lines marked. */
  Dash.diffBlock = function (diff, id) {
    var pre = Dash.el('pre', { class: 'diff', id: id });
    diff.split('\n').forEach(function (line) {
      var kind = line.slice(0, 3) === '+++' || line.slice(0, 3) === '---' || line.slice(0, 5) === 'Index' || line.slice(0, 4) === '====' ? 'diff-file'
        : line[0] === '+' ? 'diff-add' : line[0] === '-' ? 'diff-del' : line.slice(0, 2) === '@@' ? 'diff-hunk' : 'diff-context';
      pre.appendChild(Dash.el('span', { class: kind, text: line + '\n' }));
    });
    return pre;
  };

  /**
   * Listens to /api/events. hello: subscribed (fetch the snapshot now); node / run-event: live
   * updates. The indicator in the header says whether the feed is connected.
   */
  Dash.connectLive = function (handlers) {
    var indicator = document.getElementById('live');
    var source = new EventSource('/api/events');
    var mark = function (text, kind) {
      if (!indicator) return;
      indicator.textContent = text;
      indicator.className = 'live ' + kind;
    };
    source.addEventListener('hello', function () {
      mark('live', 'on');
      if (handlers.onHello) handlers.onHello();
    });
    ['node', 'run-event'].forEach(function (type) {
      source.addEventListener(type, function (event) {
        var message = null;
        try { message = JSON.parse(event.data); } catch (error) { return; }
        if (handlers.onMessage) handlers.onMessage(message);
      });
    });
    source.onerror = function () { mark('reconnecting…', 'off'); };
    return source;
  };

  window.Dash = Dash;
})();
`;
