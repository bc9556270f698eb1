import type { JsonObject, JsonValue } from '../domain/index.js';

/**
 * A static reader of the literal data in Python source: strings (any quotes and prefixes,
 * implicit concatenation), numbers, True/False/None, lists, tuples, dicts and calls with
 * literal arguments (`CognitionItem(content="…", source="…")`). Nothing is executed; an
 * expression it cannot evaluate (a name, an f-string, arithmetic) becomes `opaque`, with its
 * line, so that the caller can say what it left out.
 */
export type PythonNode =
  | { kind: 'literal'; value: JsonValue; line: number }
  | { kind: 'list'; items: PythonNode[]; line: number }
  | { kind: 'dict'; entries: Array<[PythonNode, PythonNode]>; line: number }
  | { kind: 'call'; callee: string; args: PythonNode[]; kwargs: Record<string, PythonNode>; line: number }
  | { kind: 'opaque'; text: string; why: string; line: number };

type Token =
  | { type: 'string'; value: string; formatted: boolean; line: number; start: number; end: number }
  | { type: 'number'; value: number; line: number; start: number; end: number }
  | { type: 'name'; value: string; line: number; start: number; end: number }
  | { type: 'op'; value: string; line: number; start: number; end: number };

const simpleEscapes: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

function unescape(body: string): string {
  return body.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}]*\}|[0-7]{1,3}|\n|.)/gs,
    (match, escape: string) => {
      if (escape === '\n') return '';
      if (/^[xuU]/.test(escape)) return String.fromCodePoint(Number.parseInt(escape.slice(1), 16));
      if (/^[0-7]+$/.test(escape) && escape !== '0') return String.fromCodePoint(Number.parseInt(escape, 8));
      if (escape.startsWith('N{')) return match;
      return simpleEscapes[escape] ?? match;
    },
  );
}

/** Splits Python source into the tokens the literal reader needs; comments are dropped. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let line = 1;
  // Inside brackets a newline continues the expression; outside it ends the statement.
  let depth = 0;
  const stringStart = /^([rRuUbBfF]{0,2})('''|"""|'|")/;
  while (index < source.length) {
    const character = source[index] ?? '';
    if (character === '\n') {
      if (depth === 0) tokens.push({ type: 'op', value: '\n', line, start: index, end: index + 1 });
      line += 1;
      index += 1;
      continue;
    }
    if (character === '\\' && source[index + 1] === '\n') {
      line += 1;
      index += 2;
      continue;
    }
    if (/\s/.test(character)) {
      index += 1;
      continue;
    }
    if (character === '#') {
      while (index < source.length && source[index] !== '\n') index += 1;
      continue;
    }
    const opening = stringStart.exec(source.slice(index, index + 5));
    if (opening?.[2] !== undefined) {
      const prefix = (opening[1] ?? '').toLowerCase();
      const delimiter = opening[2];
      const startLine = line;
      const start = index;
      let cursor = index + (opening[1] ?? '').length + delimiter.length;
      let body = '';
      let closed = false;
      while (cursor < source.length) {
        const next = source[cursor] ?? '';
        if (next === '\\') {
          body += source.slice(cursor, cursor + 2);
          if (source[cursor + 1] === '\n') line += 1;
          cursor += 2;
          continue;
        }
        if (source.startsWith(delimiter, cursor)) {
          cursor += delimiter.length;
          closed = true;
          break;
        }
        if (next === '\n') {
          if (delimiter.length === 1) break;
          line += 1;
        }
        body += next;
        cursor += 1;
      }
      if (!closed) {
        tokens.push({ type: 'op', value: '<unterminated string>', line: startLine, start, end: cursor });
        index = cursor;
        continue;
      }
      const value = prefix.includes('r') ? body : unescape(body);
      tokens.push({ type: 'string', value, formatted: prefix.includes('f'), line: startLine, start, end: cursor });
      index = cursor;
      continue;
    }
    const number = /^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(\d[\d_]*)?\.?\d[\d_]*([eE][-+]?\d+)?[jJ]?)/.exec(
      source.slice(index),
    );
    if (number !== null && number[0].length > 0 && /[\d.]/.test(character)) {
      const text = number[0].replaceAll('_', '');
      const value = /^0[xob]/i.test(text) ? Number(text.toLowerCase()) : Number(text);
      tokens.push({ type: 'number', value, line, start: index, end: index + number[0].length });
      index += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(index));
    if (name !== null) {
      tokens.push({ type: 'name', value: name[0], line, start: index, end: index + name[0].length });
      index += name[0].length;
      continue;
    }
    const operator = /^(\*\*|\/\/|==|!=|<=|>=|->|:=|[-+*/%@&|^~<>()[\]{},:;.=])/.exec(source.slice(index));
    const value = operator?.[0] ?? character;
    if (value === '(' || value === '[' || value === '{') depth += 1;
    else if ((value === ')' || value === ']' || value === '}') && depth > 0) depth -= 1;
    tokens.push({ type: 'op', value, line, start: index, end: index + value.length });
    index += value.length;
  }
  return tokens;
}

const closers: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

class Reader {
  position = 0;

  constructor(
    readonly source: string,
    readonly tokens: Token[],
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.position + offset];
  }

  isOp(value: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.type === 'op' && token.value === value;
  }

  /** Skips to the `,` or closing bracket that ends the current expression; returns its source text. */
  skipExpression(from: number): string {
    let depth = 0;
    while (this.position < this.tokens.length) {
      const token = this.tokens[this.position];
      if (token === undefined) break;
      if (token.type === 'op') {
        if (token.value in closers) depth += 1;
        else if (token.value === ')' || token.value === ']' || token.value === '}') {
          if (depth === 0) break;
          depth -= 1;
        } else if (
          (token.value === ',' || token.value === ':' || token.value === '\n' || token.value === ';') &&
          depth === 0
        )
          break;
      }
      this.position += 1;
    }
    const first = this.tokens[from];
    const last = this.tokens[this.position - 1];
    return first === undefined || last === undefined ? '' : this.source.slice(first.start, last.end);
  }

  /** One expression; an operator after a literal makes the whole expression opaque. */
  expression(): PythonNode {
    const from = this.position;
    const node = this.primary();
    if (this.atExpressionEnd()) return node;
    const text = this.skipExpression(from);
    return { kind: 'opaque', text, why: 'an expression, not a literal', line: node.line };
  }

  atExpressionEnd(): boolean {
    const token = this.peek();
    return token === undefined || (token.type === 'op' && [',', ')', ']', '}', ':', '\n', ';'].includes(token.value));
  }

  primary(): PythonNode {
    const token = this.peek();
    const line = token?.line ?? 0;
    if (token === undefined) return { kind: 'opaque', text: '', why: 'the source ended', line };
    if (token.type === 'string') {
      let value = '';
      let formatted = false;
      while (this.peek()?.type === 'string') {
        const part = this.peek() as Extract<Token, { type: 'string' }>;
        value += part.value;
        formatted ||= part.formatted;
        this.position += 1;
      }
      if (formatted)
        return {
          kind: 'opaque',
          text: this.source.slice(token.start, this.tokens[this.position - 1]?.end ?? token.end),
          why: 'an f-string',
          line,
        };
      return { kind: 'literal', value, line };
    }
    if (token.type === 'number') {
      this.position += 1;
      return { kind: 'literal', value: token.value, line };
    }
    if (token.type === 'op' && token.value === '-' && this.peek(1)?.type === 'number') {
      const number = this.peek(1) as Extract<Token, { type: 'number' }>;
      this.position += 2;
      return { kind: 'literal', value: -number.value, line };
    }
    if (token.type === 'op' && (token.value === '[' || token.value === '(')) return this.sequence(token.value, line);
    if (token.type === 'op' && token.value === '{') return this.dict(line);
    if (token.type === 'name') {
      const constants: Record<string, JsonValue> = { True: true, False: false, None: null };
      if (token.value in constants) {
        this.position += 1;
        return { kind: 'literal', value: constants[token.value] ?? null, line };
      }
      let callee = token.value;
      this.position += 1;
      while (this.isOp('.') && this.peek(1)?.type === 'name') {
        callee += `.${(this.peek(1) as Token).value}`;
        this.position += 2;
      }
      if (this.isOp('(')) return this.call(callee, line);
      return { kind: 'opaque', text: callee, why: 'a name, not a literal', line };
    }
    const from = this.position;
    this.position += 1;
    return { kind: 'opaque', text: this.skipExpression(from), why: 'not a literal', line };
  }

  sequence(open: string, line: number): PythonNode {
    const close = closers[open] ?? ']';
    this.position += 1;
    const items: PythonNode[] = [];
    let comprehension = false;
    while (this.peek() !== undefined && !this.isOp(close)) {
      items.push(this.expression());
      if (this.peek()?.type === 'name' && (this.peek() as Token).value === 'for') comprehension = true;
      if (this.isOp(',')) this.position += 1;
      else if (!this.isOp(close)) {
        this.skipExpression(this.position);
        if (!this.isOp(close) && !this.isOp(',')) this.position += 1;
      }
    }
    this.position += 1;
    if (comprehension) return { kind: 'opaque', text: 'a comprehension', why: 'a comprehension, not a literal', line };
    // `(x)` is x (a one-tuple `(x,)` is read as x too: the importers never need the difference).
    if (open === '(' && items.length === 1 && items[0] !== undefined) return items[0];
    return { kind: 'list', items, line };
  }

  dict(line: number): PythonNode {
    this.position += 1;
    const entries: Array<[PythonNode, PythonNode]> = [];
    while (this.peek() !== undefined && !this.isOp('}')) {
      const key = this.expression();
      if (!this.isOp(':')) {
        // A set literal or a dict comprehension: not data the importers read.
        this.skipExpression(this.position);
        while (this.peek() !== undefined && !this.isOp('}')) this.position += 1;
        this.position += 1;
        return { kind: 'opaque', text: 'a set or comprehension', why: 'not a dict literal', line };
      }
      this.position += 1;
      const value = this.expression();
      entries.push([key, value]);
      if (this.isOp(',')) this.position += 1;
      else if (!this.isOp('}')) this.position += 1;
    }
    this.position += 1;
    return { kind: 'dict', entries, line };
  }

  call(callee: string, line: number): PythonNode {
    this.position += 1;
    const args: PythonNode[] = [];
    const kwargs: Record<string, PythonNode> = {};
    while (this.peek() !== undefined && !this.isOp(')')) {
      const token = this.peek();
      if (token?.type === 'name' && this.isOp('=', 1)) {
        this.position += 2;
        kwargs[token.value] = this.expression();
      } else {
        args.push(this.expression());
      }
      if (this.isOp(',')) this.position += 1;
      else if (!this.isOp(')')) this.position += 1;
    }
    this.position += 1;
    return { kind: 'call', callee, args, kwargs, line };
  }
}

/** Every top-level `[`-list in the source (not nested in another list found), read as literals. */
export function findPythonLists(source: string): Array<Extract<PythonNode, { kind: 'list' }>> {
  const tokens = tokenize(source);
  const lists: Array<Extract<PythonNode, { kind: 'list' }>> = [];
  const reader = new Reader(source, tokens);
  while (reader.position < tokens.length) {
    const token = reader.peek();
    if (token?.type === 'op' && token.value === '[') {
      const start = reader.position;
      const node = reader.primary();
      if (node.kind === 'list') lists.push(node);
      else reader.position = start + 1;
      continue;
    }
    reader.position += 1;
  }
  return lists;
}

/** Every `NAME = <string literal>` assignment at any level; the last one of a name wins. */
export function findPythonStringAssignments(source: string): Map<string, string> {
  const tokens = tokenize(source);
  const found = new Map<string, string>();
  const reader = new Reader(source, tokens);
  for (let index = 0; index + 2 < tokens.length; index++) {
    const name = tokens[index];
    const equals = tokens[index + 1];
    if (name?.type !== 'name' || equals?.type !== 'op' || equals.value !== '=' || tokens[index + 2]?.type !== 'string')
      continue;
    reader.position = index + 2;
    const value = reader.expression();
    if (value.kind === 'literal' && typeof value.value === 'string') found.set(name.value, value.value);
  }
  return found;
}

/** The JSON value of a node, or the first part that is not a literal. */
export function toJson(
  node: PythonNode,
): { ok: true; value: JsonValue } | { ok: false; line: number; why: string; text: string } {
  switch (node.kind) {
    case 'literal':
      return { ok: true, value: node.value };
    case 'opaque':
      return { ok: false, line: node.line, why: node.why, text: node.text };
    case 'call':
      return { ok: false, line: node.line, why: `a call of ${node.callee}()`, text: node.callee };
    case 'list': {
      const values: JsonValue[] = [];
      for (const item of node.items) {
        const converted = toJson(item);
        if (!converted.ok) return converted;
        values.push(converted.value);
      }
      return { ok: true, value: values };
    }
    case 'dict': {
      const object: JsonObject = {};
      for (const [key, value] of node.entries) {
        const convertedKey = toJson(key);
        if (!convertedKey.ok) return convertedKey;
        const converted = toJson(value);
        if (!converted.ok) return converted;
        object[String(convertedKey.value)] = converted.value;
      }
      return { ok: true, value: object };
    }
  }
}
