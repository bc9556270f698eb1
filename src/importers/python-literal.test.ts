import { describe, expect, it } from 'vitest';
import { findPythonLists, findPythonStringAssignments, toJson } from './python-literal.js';

describe('findPythonLists', () => {
  it('reads dicts, calls and nested literals of every quote style without running anything', () => {
    const source = [
      'import os  # [not a list]',
      'items = [',
      "    {'content': 'single', \"n\": -2.5e1, 'flags': (True, False, None)},",
      '    Item(content="""triple',
      'quoted""", source=r"C:\\raw\\n", metadata={"x": [1, 0x10, 1_000]}),',
      '    Item("implicit " \'concat\\n\', "positional"),',
      ']',
    ].join('\n');
    const [list] = findPythonLists(source);
    expect(list?.items).toHaveLength(3);
    expect(toJson(list?.items[0] ?? { kind: 'literal', value: null, line: 0 })).toEqual({
      ok: true,
      value: { content: 'single', n: -25, flags: [true, false, null] },
    });
    const call = list?.items[1];
    expect(call?.kind).toBe('call');
    if (call?.kind !== 'call') return;
    expect(call.callee).toBe('Item');
    expect(call.line).toBe(4);
    expect(toJson(call.kwargs.content ?? call)).toEqual({ ok: true, value: 'triple\nquoted' });
    expect(toJson(call.kwargs.source ?? call)).toEqual({ ok: true, value: 'C:\\raw\\n' });
    expect(toJson(call.kwargs.metadata ?? call)).toEqual({ ok: true, value: { x: [1, 16, 1000] } });
    const positional = list?.items[2];
    expect(positional?.kind === 'call' ? positional.args.map((arg) => toJson(arg)) : null).toEqual([
      { ok: true, value: 'implicit concat\n' },
      { ok: true, value: 'positional' },
    ]);
  });

  it('marks f-strings, names, arithmetic and comprehensions as not literal, with their line', () => {
    const source = 'x = [\n  f"{a}",\n  NAME,\n  1 + 2,\n  [i for i in range(3)],\n  "ok",\n]\n';
    const [list] = findPythonLists(source);
    const converted = list?.items.map((item) => toJson(item));
    expect(converted?.map((entry) => entry.ok)).toEqual([false, false, false, false, true]);
    expect(converted?.[0]).toMatchObject({ ok: false, why: 'an f-string', line: 2 });
    expect(converted?.[1]).toMatchObject({ ok: false, why: 'a name, not a literal', line: 3 });
    expect(converted?.[2]).toMatchObject({ ok: false, line: 4 });
  });
});

describe('findPythonStringAssignments', () => {
  it('finds NAME = string statements and keyword arguments, ending at the end of the line', () => {
    const source = 'a = "x"\nmsg = """two\nlines"""\nb = "y" + z\ncall(time="00:05:00")\n';
    const found = findPythonStringAssignments(source);
    expect(found.get('a')).toBe('x');
    expect(found.get('msg')).toBe('two\nlines');
    expect(found.has('b')).toBe(false);
    expect(found.get('time')).toBe('00:05:00');
  });
});
