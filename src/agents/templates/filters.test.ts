import { describe, expect, it } from 'vitest';
import { compileTemplate } from './environment.js';
import { formatPercent } from './filters.js';

const render = (source: string, variables: Record<string, unknown> = {}): string =>
  compileTemplate(source, 'test.jinja2').render(variables);

describe('Jinja2 filters and tests on nunjucks', () => {
  it('tojson writes JSON, with an indent when asked', () => {
    expect(render('{{ value | tojson }}', { value: { a: [1, 'x'] } })).toBe('{"a":[1,"x"]}');
    expect(render('{{ value | tojson(indent=2) }}', { value: { a: 1 } })).toBe('{\n  "a": 1\n}');
    expect(render('{{ missing | tojson }}')).toBe('null');
  });

  it('format follows Python %-formatting', () => {
    expect(render('{{ "%.3f | %5d | %s | %-4s|" | format(3.14159, 42, "hi", "ab") }}')).toBe(
      '3.142 |    42 | hi | ab  |',
    );
    expect(render('{{ "%(name)s=%(value).1f" | format(name="x", value=2.75) }}')).toBe('x=2.8');
    expect(formatPercent('%05.1f%% %+d %e %g %x %r', [3.14159, 5, 12345.678, 0.0001, 255, 'a'], {})).toBe(
      "003.1% +5 1.234568e+04 0.0001 ff 'a'",
    );
    expect(formatPercent('%s %s %s', [null, true, [1, 2]], {})).toBe('None True [1,2]');
  });

  it('round and truncate behave as in Jinja2', () => {
    expect(render('{{ 3.14159 | round(2) }} {{ 2.5 | round }} {{ 2.71 | round(1, "floor") }}')).toBe('3.14 3 2.7');
    expect(render('{{ "abcdefghij" | truncate(5, true, "~") }}')).toBe('abcde~');
  });

  it('Python string methods are available as filters', () => {
    expect(
      render('[{{ "  x  " | strip }}][{{ "xxaxx" | strip("x") }}][{{ "  x" | lstrip }}][{{ "x  " | rstrip }}]'),
    ).toBe('[x][a][x][x]');
    expect(render('{{ "abc" | startswith("ab") }} {{ "abc" | endswith("b") }}')).toBe('true false');
    expect(
      render(
        '{{ "a,b,c" | split(",") | join("|") }} {{ " a  b " | split | length }} {{ "a,b,c" | split(",", 1) | last }}',
      ),
    ).toBe('a|b|c 2 b,c');
    expect(render('{{ "l1\\nl2" | splitlines | length }}')).toBe('2');
    expect(render('[{{ "a" | ljust(3) }}][{{ "a" | rjust(3) }}]')).toBe('[a  ][  a]');
  });

  it('Jinja2 syntax from the compatibility layer works: None, items(), slices', () => {
    expect(render('{% if value is none %}none{% endif %}', { value: null })).toBe('none');
    expect(
      render('{% for key, value in results.items() %}{{ key }}={{ value }};{% endfor %}', { results: { a: 1, b: 2 } }),
    ).toBe('a=1;b=2;');
    expect(render('{{ items[1:3] | join(",") }}', { items: [1, 2, 3, 4] })).toBe('2,3');
    expect(render('{{ x if x is not none else "n/a" }}', { x: None() })).toBe('n/a');
    expect(render('{{ 3 is integer }} {{ 1.5 is float }}')).toBe('true true');
  });

  it('does not escape HTML: prompts are plain text', () => {
    expect(render('{{ code }}', { code: 'if a < b && c > d: "x"' })).toBe('if a < b && c > d: "x"');
  });
});

function None(): null {
  return null;
}
