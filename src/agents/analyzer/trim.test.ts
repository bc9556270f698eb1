import { describe, expect, it } from 'vitest';
import { tailOf, trimLogs } from './trim.js';

describe('trimLogs', () => {
  it('leaves text within the budget alone', () => {
    expect(trimLogs('short', 100)).toEqual({ text: 'short', trimmedChars: 0 });
  });

  it('keeps head and tail and states how many characters were trimmed', () => {
    const text = `HEAD${'m'.repeat(10_000)}TAIL`;
    const trimmed = trimLogs(text, 1000);
    expect(trimmed.trimmedChars).toBe(text.length - 1000);
    expect(trimmed.text.startsWith('HEAD')).toBe(true);
    expect(trimmed.text.endsWith('TAIL')).toBe(true);
    expect(trimmed.text).toContain(`[... ${text.length - 1000} characters trimmed here ...]`);
  });

  it('tailOf keeps the end and says what was left out', () => {
    expect(tailOf('abcdef', 2)).toBe('[... 4 earlier characters left out ...]\nef');
  });
});
