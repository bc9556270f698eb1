import type { Environment } from 'nunjucks';

/**
 * Filters that Jinja2 users expect and nunjucks 3.2.4 lacks: `tojson`, `format` (Python %-style),
 * and Python string methods as filters (`strip`, `lstrip`, `rstrip`, `startswith`, `endswith`,
 * `split`, `splitlines`, `ljust`, `rjust`). nunjucks already has `round`, `truncate`, `upper`,
 * `lower`, `replace`, `join`, `length`, `default`, `indent`, `wordcount`.
 */
export function addJinjaFilters(environment: Environment): void {
  environment.addFilter('tojson', tojson);
  environment.addFilter('format', formatFilter);
  environment.addFilter('strip', (value: unknown, characters?: unknown) => stripText(value, characters, 'both'));
  environment.addFilter('lstrip', (value: unknown, characters?: unknown) => stripText(value, characters, 'start'));
  environment.addFilter('rstrip', (value: unknown, characters?: unknown) => stripText(value, characters, 'end'));
  environment.addFilter('startswith', (value: unknown, prefix: unknown) => asText(value).startsWith(asText(prefix)));
  environment.addFilter('endswith', (value: unknown, suffix: unknown) => asText(value).endsWith(asText(suffix)));
  environment.addFilter('split', splitText);
  environment.addFilter('splitlines', (value: unknown) => asText(value).split(/\r\n|\r|\n/));
  environment.addFilter('ljust', (value: unknown, width: unknown) => asText(value).padEnd(Number(width) || 0));
  environment.addFilter('rjust', (value: unknown, width: unknown) => asText(value).padStart(Number(width) || 0));
}

/** Jinja2 tests that nunjucks lacks: `none`, `boolean`, `integer`, `float`, `sequence`. */
export function addJinjaTests(environment: Environment): void {
  // @types/nunjucks 3.2.6 omits addTest, which nunjucks 3.2.4 has.
  const withTests = environment as Environment & { addTest(name: string, test: (value: unknown) => boolean): void };
  // Jinja2's `none` is true only for None; nunjucks renders a missing value as undefined, so both count.
  withTests.addTest('none', (value: unknown) => value === null || value === undefined);
  withTests.addTest('boolean', (value: unknown) => typeof value === 'boolean');
  withTests.addTest('integer', (value: unknown) => typeof value === 'number' && Number.isInteger(value));
  withTests.addTest('float', (value: unknown) => typeof value === 'number' && !Number.isInteger(value));
  withTests.addTest('sequence', (value: unknown) => Array.isArray(value) || typeof value === 'string');
}

type KeywordArguments = Record<string, unknown> & { __keywords: true };

function isKeywordArguments(value: unknown): value is KeywordArguments {
  return typeof value === 'object' && value !== null && (value as { __keywords?: unknown }).__keywords === true;
}

/** Splits nunjucks filter arguments into positional ones and Python-style keyword ones. */
function splitArguments(values: unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = values[values.length - 1];
  if (!isKeywordArguments(last)) return { positional: values, keywords: {} };
  const keywords: Record<string, unknown> = { ...last };
  delete keywords.__keywords;
  return { positional: values.slice(0, -1), keywords };
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value);
}

function tojson(value: unknown, ...rest: unknown[]): string {
  const { positional, keywords } = splitArguments(rest);
  const indent = Number(keywords.indent ?? positional[0] ?? 0) || undefined;
  return JSON.stringify(value === undefined ? null : value, null, indent) ?? 'null';
}

function escapeForCharacterClass(characters: string): string {
  return characters.replace(/[\\\]^-]/g, '\\$&');
}

function stripText(value: unknown, characters: unknown, side: 'both' | 'start' | 'end'): string {
  const text = asText(value);
  // Whitespace: the characters that `\s` matches are the ones trim() removes, without a regex pass over the text.
  if (characters === undefined || characters === null) {
    return side === 'both' ? text.trim() : side === 'start' ? text.trimStart() : text.trimEnd();
  }
  const set = escapeForCharacterClass(String(characters));
  if (set === '') return text;
  let result = text;
  if (side !== 'end') result = result.replace(new RegExp(`^[${set}]+`), '');
  if (side !== 'start') result = result.replace(new RegExp(`[${set}]+$`), '');
  return result;
}

function splitText(value: unknown, ...rest: unknown[]): string[] {
  const { positional, keywords } = splitArguments(rest);
  const text = asText(value);
  const separator = keywords.sep ?? positional[0];
  const maxSplit = Number(keywords.maxsplit ?? positional[1] ?? -1);
  if (separator === undefined || separator === null) {
    const words = text.trim() === '' ? [] : text.trim().split(/\s+/);
    if (maxSplit < 0 || words.length <= maxSplit + 1) return words;
    const head = words.slice(0, maxSplit);
    let remainder = text.trimStart();
    for (const word of head) remainder = remainder.slice(remainder.indexOf(word) + word.length).trimStart();
    return [...head, remainder];
  }
  const parts = text.split(String(separator));
  if (maxSplit < 0 || parts.length <= maxSplit + 1) return parts;
  return [...parts.slice(0, maxSplit), parts.slice(maxSplit).join(String(separator))];
}

const conversionPattern = /%(?:\(([^)]+)\))?([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([diouxXeEfFgGcrsa%])/g;

/** Python's `%` string formatting, the common subset: `%s %r %d %i %f %e %g %x %o %c %%`, flags, width, precision, `%(key)s`. */
export function formatPercent(template: string, values: unknown[], named: Record<string, unknown>): string {
  let position = 0;
  return template.replace(
    conversionPattern,
    (
      match,
      key: string | undefined,
      flags: string,
      width: string | undefined,
      precision: string | undefined,
      type: string,
    ) => {
      if (type === '%') return '%';
      const resolvedWidth = width === '*' ? Number(values[position++]) : width === undefined ? 0 : Number(width);
      const value = key !== undefined ? named[key] : values[position++];
      const digits = precision === undefined ? undefined : Number(precision);
      const body = convert(value, type, digits, flags);
      return pad(body, resolvedWidth, flags, type);
    },
  );
}

function convert(value: unknown, type: string, precision: number | undefined, flags: string): string {
  const number = Number(value);
  const signed = (text: string): string =>
    number >= 0 && !Object.is(number, -0)
      ? flags.includes('+')
        ? `+${text}`
        : flags.includes(' ')
          ? ` ${text}`
          : text
      : text;
  switch (type) {
    case 's':
    case 'a': {
      const text = pythonString(value);
      return precision === undefined ? text : text.slice(0, precision);
    }
    case 'r':
      return typeof value === 'string' ? `'${value}'` : pythonString(value);
    case 'd':
    case 'i':
    case 'u':
      return signed(String(Math.trunc(number)));
    case 'f':
    case 'F':
      return signed(number.toFixed(precision ?? 6));
    case 'e':
    case 'E': {
      const text = number.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      return signed(type === 'E' ? text.toUpperCase() : text);
    }
    case 'g':
    case 'G': {
      const text = String(Number(number.toPrecision(precision === 0 ? 1 : (precision ?? 6))));
      return signed(type === 'G' ? text.toUpperCase() : text);
    }
    case 'x':
    case 'X': {
      const text = Math.trunc(number).toString(16);
      return signed(type === 'X' ? text.toUpperCase() : text);
    }
    case 'o':
      return signed(Math.trunc(number).toString(8));
    case 'c':
      return typeof value === 'number' ? String.fromCharCode(value) : asText(value).slice(0, 1);
    default:
      return asText(value);
  }
}

function pythonString(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'object') {
    const printable = Array.isArray(value) || value.toString === Object.prototype.toString;
    return printable ? JSON.stringify(value) : String(value);
  }
  return String(value);
}

function pad(text: string, width: number, flags: string, type: string): string {
  if (text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width);
  if (flags.includes('0') && !'sracs'.includes(type)) {
    const sign = /^[+\- ]/.test(text) ? text.slice(0, 1) : '';
    return sign + text.slice(sign.length).padStart(width - sign.length, '0');
  }
  return text.padStart(width);
}

function formatFilter(value: unknown, ...rest: unknown[]): string {
  const { positional, keywords } = splitArguments(rest);
  return formatPercent(asText(value), positional, keywords);
}
