import { describe, expect, it } from 'vitest';
import { MAX_ECHOED_ANSWER_CHARS, askUntilParsed } from './ask-until-parsed.js';
import { ResponseFormatError } from './errors.js';
import { scriptedModel } from './test-support/fixtures.js';

/** Accepts an answer that is a number. */
function parseNumber(answer: string): number {
  const value = Number(answer);
  if (answer.trim() === '' || Number.isNaN(value))
    throw new ResponseFormatError(`"${answer}" is not a number`, ['number']);
  return value;
}

const feedback = (problem: string): string => `Unusable: ${problem}.`;

describe('askUntilParsed', () => {
  it('returns the first usable answer, showing the model each unusable one with its feedback', async () => {
    const model = scriptedModel(['many', 'forty-two', '42']);
    const outcome = await askUntilParsed(
      { model, maxRetries: 2, system: 'Be exact.', temperature: 0.3 },
      { prompt: 'How many?', parse: parseNumber, feedback },
    );
    expect(outcome).toEqual({ ok: true, value: 42 });
    expect(model.calls).toHaveLength(3);
    expect(model.calls[2]).toEqual({
      system: 'Be exact.',
      temperature: 0.3,
      messages: [
        { role: 'user', content: 'How many?' },
        { role: 'assistant', content: 'many' },
        { role: 'user', content: 'Unusable: "many" is not a number.' },
        { role: 'assistant', content: 'forty-two' },
        { role: 'user', content: 'Unusable: "forty-two" is not a number.' },
      ],
    });
  });

  it('gives up after maxRetries follow-ups with every problem and answer in order', async () => {
    const model = scriptedModel(['a', 'b', 'never asked']);
    const outcome = await askUntilParsed(
      { model, maxRetries: 1 },
      { prompt: 'How many?', parse: parseNumber, feedback },
    );
    expect(outcome).toEqual({
      ok: false,
      problems: ['"a" is not a number', '"b" is not a number'],
      answers: ['a', 'b'],
    });
    expect(model.calls).toHaveLength(2);
    expect(Object.keys(model.calls[0] ?? {})).toEqual(['messages']);
  });

  it('throws on errors of parse other than ResponseFormatError, and before asking when aborted', async () => {
    const failing = askUntilParsed(
      { model: scriptedModel(['x']), maxRetries: 3 },
      {
        prompt: 'p',
        parse: () => {
          throw new RangeError('a bug in the parser');
        },
        feedback,
      },
    );
    await expect(failing).rejects.toThrow(RangeError);
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    const model = scriptedModel(['1']);
    await expect(
      askUntilParsed(
        { model, maxRetries: 0 },
        { prompt: 'p', abortSignal: controller.signal, parse: parseNumber, feedback },
      ),
    ).rejects.toThrow('stopped');
    expect(model.calls).toHaveLength(0);
  });

  it('shows a long unusable answer back by its head and tail only', async () => {
    const long = `${'h'.repeat(MAX_ECHOED_ANSWER_CHARS)}${'m'.repeat(500_000)}${'t'.repeat(MAX_ECHOED_ANSWER_CHARS)}`;
    const model = scriptedModel([long, '7']);
    const outcome = await askUntilParsed(
      { model, maxRetries: 1 },
      {
        prompt: 'How many?',
        parse: (answer) =>
          answer === '7'
            ? 7
            : (() => {
                throw new ResponseFormatError('not a number', ['number']);
              })(),
        feedback,
      },
    );
    expect(outcome).toEqual({ ok: true, value: 7 });
    const echoed = model.calls[1]?.messages[1]?.content ?? '';
    expect(echoed.length).toBeLessThan(MAX_ECHOED_ANSWER_CHARS + 100);
    expect(echoed).toMatch(/^h{10000}\n\[… 520000 characters of this answer left out …\]\nt{10000}$/);
  });
});
