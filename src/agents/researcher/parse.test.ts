import { describe, expect, it } from 'vitest';
import { NODE_TEXT_LIMITS } from '../../domain/index.js';
import { ResponseFormatError } from '../errors.js';
import { parseDiffAnswer, parseRewriteAnswer, parseSearchReplaceBlocks, stripCodeFence } from './parse.js';

function formatError(action: () => unknown): ResponseFormatError {
  try {
    action();
  } catch (error) {
    if (error instanceof ResponseFormatError) return error;
    throw error;
  }
  throw new Error('expected a ResponseFormatError');
}

describe('parseRewriteAnswer', () => {
  it('reads name, motivation, provenance and code', () => {
    const answer = parseRewriteAnswer(
      'Some thoughts first.\n<name> hex  grid </name>\n<motivation>Pack tighter.</motivation>\n<provenance>Cognition</provenance>\n<code>\nx = 1\nprint(x)\n</code>',
    );
    expect(answer).toEqual({
      kind: 'rewrite',
      name: 'hex grid',
      motivation: 'Pack tighter.',
      provenance: 'cognition',
      program: 'x = 1\nprint(x)\n',
    });
  });

  it('strips a ``` fence inside <code> and keeps indentation', () => {
    const answer = parseRewriteAnswer(
      '<name>n</name><motivation>m</motivation><code>\n```python\ndef f():\n    return 1\n```\n</code>',
    );
    expect(answer.program).toBe('def f():\n    return 1\n');
    expect(stripCodeFence('\n    indented()\n')).toBe('    indented()\n');
  });

  it("defaults provenance to 'unknown' and ignores reasoning blocks", () => {
    const answer = parseRewriteAnswer(
      '<think><name>draft</name></think><name>final</name><motivation>m</motivation><code>y=2</code>',
    );
    expect(answer.name).toBe('final');
    expect(answer.provenance).toBe('unknown');
  });

  it('keeps a program that itself contains </code>', () => {
    const answer = parseRewriteAnswer('<name>n</name><motivation>m</motivation><code>html = "<code>x</code>"\n</code>');
    expect(answer.program).toBe('html = "<code>x</code>"\n');
  });

  it('lists every missing tag', () => {
    const error = formatError(() => parseRewriteAnswer('Here is my idea: use a hex grid.'));
    expect(error.missing).toEqual(['<name>', '<motivation>', '<code>']);
    expect(error.code).toBe('LLM_RESPONSE_INVALID');
    expect(error.message).toContain('<name>, <motivation>, <code>');
    expect(
      formatError(() => parseRewriteAnswer('<name>n</name><motivation>m</motivation><code>  </code>')).missing,
    ).toEqual(['<code>']);
  });
});

describe('name and motivation length', () => {
  it('sends an oversized name or motivation back to the model, saying only its length', () => {
    const longName = formatError(() =>
      parseRewriteAnswer(`<name>${'n'.repeat(201)}</name><motivation>m</motivation><code>x</code>`),
    );
    expect(longName.message).toBe('<name> is 201 characters; keep it under 200');
    const motivation = 'm'.repeat(NODE_TEXT_LIMITS.motivation + 1);
    const longMotivation = formatError(() =>
      parseDiffAnswer(`<name>n</name><motivation>${motivation}</motivation><code>x</code>`),
    );
    expect(longMotivation.message).toBe('<motivation> is 20001 characters; keep it under 20000');
    expect(
      parseRewriteAnswer(`<name>${'n'.repeat(200)}</name><motivation>${'m'.repeat(20_000)}</motivation><code>x</code>`)
        .motivation,
    ).toHaveLength(20_000);
  });
});

describe('parseDiffAnswer', () => {
  const block = (search: string, replace: string): string =>
    `<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE`;

  it('reads name, motivation and several blocks, fenced or not', () => {
    const answer = parseDiffAnswer(
      `<name>tweak</name>\n<motivation>why</motivation>\n<provenance>experience</provenance>\n\`\`\`python\n${block('a = 1', 'a = 2')}\n\`\`\`\n${block('b = 1\nc = 1', 'b = 3')}\n`,
    );
    expect(answer.kind).toBe('diff');
    if (answer.kind !== 'diff') return;
    expect(answer.provenance).toBe('experience');
    expect(answer.blocks).toEqual([
      { search: 'a = 1', replace: 'a = 2' },
      { search: 'b = 1\nc = 1', replace: 'b = 3' },
    ]);
  });

  it('reads an empty replacement (a deletion) and CRLF answers', () => {
    const blocks = parseSearchReplaceBlocks('<<<<<<< SEARCH\r\nremove me\r\n=======\r\n>>>>>>> REPLACE\r\n');
    expect(blocks).toEqual([{ search: 'remove me', replace: '' }]);
  });

  it('takes a <code> answer without blocks as a full rewrite', () => {
    const answer = parseDiffAnswer('<name>n</name><motivation>m</motivation><code>z = 3</code>');
    expect(answer.kind).toBe('rewrite');
  });

  it('refuses a block without its >>>>>>> REPLACE line instead of merging it into the next or dropping it', () => {
    const header = '<name>n</name><motivation>m</motivation>\n';
    const merged = formatError(() =>
      parseDiffAnswer(`${header}<<<<<<< SEARCH\na = 1\n=======\na = 2\n\n${block('b = 1', 'b = 2')}`),
    );
    expect(merged.message).toContain('2 <<<<<<< SEARCH lines but 1 complete block');
    const truncated = formatError(() =>
      parseDiffAnswer(`${header}${block('a = 1', 'a = 2')}\n<<<<<<< SEARCH\nb = 1\n=======\nb = 2\n`),
    );
    expect(truncated.missing).toEqual(['>>>>>>> REPLACE']);
  });

  it('lists what is missing', () => {
    expect(formatError(() => parseDiffAnswer('<name>n</name><motivation>m</motivation> no edits')).missing).toEqual([
      'SEARCH/REPLACE blocks',
    ]);
    expect(formatError(() => parseDiffAnswer(block('a', 'b'))).missing).toEqual(['<name>', '<motivation>']);
  });
});
