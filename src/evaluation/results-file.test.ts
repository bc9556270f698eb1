import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluatorError, readResultsFile } from './results-file.js';

const folder = mkdtempSync(join(tmpdir(), 'asi-results-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let counter = 0;
function write(text: string): string {
  counter += 1;
  const path = join(folder, `results-${counter}.json`);
  writeFileSync(path, text);
  return path;
}

describe('readResultsFile', () => {
  it('accepts a good file and keeps every field', () => {
    const read = readResultsFile(
      write('{"eval_score": 2.5, "success": true, "validity": 1, "metrics": {"a": [1, 2]}}'),
    );
    expect(read).toEqual({
      ok: true,
      evalScore: 2.5,
      results: { eval_score: 2.5, success: true, validity: 1, metrics: { a: [1, 2] } },
    });
  });

  it('treats a missing success as success', () => {
    const read = readResultsFile(write('{"eval_score": -3}'));
    expect(read.ok && read.evalScore).toBe(-3);
  });

  it('reports a missing file, naming it', () => {
    const path = join(folder, 'absent.json');
    const read = readResultsFile(path);
    expect(read).toMatchObject({ ok: false, reason: 'bad-results', results: null });
    expect(!read.ok && read.message).toContain(path);
  });

  it('reports invalid JSON', () => {
    const read = readResultsFile(write('{"eval_score": 1,'));
    expect(read).toMatchObject({ ok: false, reason: 'bad-results', results: null });
    expect(!read.ok && read.message).toContain('not valid JSON');
  });

  it('reports a JSON value that is not an object', () => {
    const read = readResultsFile(write('[1, 2]'));
    expect(!read.ok && read.message).toContain('got an array');
  });

  it('reports a missing or non-numeric eval_score, naming the field', () => {
    const missing = readResultsFile(write('{"score": 1}'));
    expect(missing).toMatchObject({ ok: false, reason: 'bad-results', results: { score: 1 } });
    expect(!missing.ok && missing.message).toContain('"eval_score" is missing');
    const text = readResultsFile(write('{"eval_score": "0.9"}'));
    expect(!text.ok && text.message).toContain('"eval_score" must be a number');
    const nothing = readResultsFile(write('{"eval_score": null}'));
    expect(!nothing.ok && nothing.message).toContain('got null');
  });

  it('refuses a NaN or infinite eval_score, bare or as a string', () => {
    for (const value of ['NaN', 'Infinity', '-Infinity', '"NaN"', '"inf"', '1e999']) {
      const read = readResultsFile(write(`{"eval_score": ${value}, "success": true}`));
      expect(read.ok, value).toBe(false);
      expect(!read.ok && read.reason).toBe('bad-results');
      expect(!read.ok && read.message).toContain('"eval_score"');
    }
  });

  it('fails on NaN or Infinity in any other field, naming it and keeping the results', () => {
    const read = readResultsFile(
      write('{"eval_score": 1.5, "loss": NaN, "spread": [Infinity, -Infinity], "note": "NaN stays"}'),
    );
    expect(read).toMatchObject({
      ok: false,
      reason: 'bad-results',
      results: { eval_score: 1.5, loss: 'NaN', spread: ['Infinity', '-Infinity'], note: 'NaN stays' },
    });
    expect(!read.ok && read.message).toContain('field "loss" is NaN, not a finite number');
    const nested = readResultsFile(write('{"eval_score": 2, "per_case": {"a": [1, Infinity]}}'));
    expect(!nested.ok && nested.message).toContain('field "per_case.a[1]" is Infinity');
    const overflow = readResultsFile(write('{"eval_score": 2, "area": 1e999}'));
    expect(!overflow.ok && overflow.message).toContain('field "area" is Infinity');
  });

  it('keeps a string "NaN" when the file has no bare literal', () => {
    const read = readResultsFile(write('{"eval_score": 1.5, "note": "NaN stays"}'));
    expect(read).toEqual({ ok: true, evalScore: 1.5, results: { eval_score: 1.5, note: 'NaN stays' } });
  });

  it("refuses a symbolic link in place of the file (it could point at another node's results)", () => {
    const target = write('{"eval_score": 99}');
    const link = join(folder, 'linked.json');
    symlinkSync(target, link);
    const read = readResultsFile(link);
    expect(read).toMatchObject({ ok: false, reason: 'bad-results', results: null });
    expect(!read.ok && read.message).toContain('not a readable regular file');
  });

  it("reports success false with the evaluator's error", () => {
    const read = readResultsFile(
      write('{"success": false, "error": "overlap between circles 3 and 7", "eval_score": 0}'),
    );
    expect(read).toMatchObject({ ok: false, reason: 'unsuccessful', results: { success: false } });
    expect(!read.ok && read.message).toContain('overlap between circles 3 and 7');
    const withMessage = readResultsFile(write('{"success": false, "message": "invalid"}'));
    expect(!withMessage.ok && withMessage.message).toContain('invalid');
  });

  it("puts the evaluator's error first, so a cut line still shows it", () => {
    const read = readResultsFile(write('{"success": false, "error": "need 16 points"}'));
    expect(!read.ok && read.message.startsWith('need 16 points (error in ')).toBe(true);
  });

  it("reads an error field without a score as the evaluator's failure, not a missing score", () => {
    const read = readResultsFile(write('{"error": "need 16 points"}'));
    expect(read).toMatchObject({ ok: false, reason: 'unsuccessful' });
    expect(!read.ok && read.message).toMatch(/^need 16 points \(error in .*no "eval_score"\)$/);
    expect(evaluatorError({ error: { line: 3 } })).toBe('{"line":3}');
    expect(evaluatorError({ error: null, message: 'bad' })).toBe('bad');
    expect(evaluatorError({ eval_score: 1 })).toBeNull();
  });

  it('refuses a success field that is not a boolean', () => {
    const read = readResultsFile(write('{"success": "yes", "eval_score": 1}'));
    expect(read).toMatchObject({ ok: false, reason: 'bad-results' });
    expect(!read.ok && read.message).toContain('"success"');
  });

  it('refuses a file over the size cap without reading it', () => {
    const read = readResultsFile(write(`{"eval_score": 1, "pad": "${'x'.repeat(2000)}"}`), { maxBytes: 1000 });
    expect(read).toMatchObject({ ok: false, reason: 'bad-results', results: null });
    expect(!read.ok && read.message).toContain('more than the 1000 allowed');
  });
});
