import { describe, expect, it } from 'vitest';
import { parseCognitionItems } from './parse.js';

describe('parseCognitionItems', () => {
  it('reads every block with kind, title, content, page and tags', () => {
    const answer = [
      '<think>scratch work <cognition_item><title>no</title><content>hidden</content></cognition_item></think>',
      'Here are the items.',
      '<cognition_item>\n<kind>Pitfall</kind>\n<title>Loss spikes</title>\n<content>Warmup below 1k steps caused loss spikes.</content>\n<page>p. 7</page>\n<tags>training, stability</tags>\n</cognition_item>',
      '<cognition_item><content>A title-less principle about gating and decay in recurrent state updates.</content></cognition_item>',
    ].join('\n');
    expect(parseCognitionItems(answer)).toEqual({
      items: [
        {
          title: 'Loss spikes',
          content: 'Warmup below 1k steps caused loss spikes.',
          kind: 'pitfall',
          page: 7,
          tags: ['training', 'stability'],
        },
        {
          title: 'A title-less principle about gating and decay in',
          content: 'A title-less principle about gating and decay in recurrent state updates.',
          kind: '',
          page: undefined,
          tags: [],
        },
      ],
      problems: [],
      saidNone: false,
    });
  });

  it('names a block without content as a problem and skips it', () => {
    const parsed = parseCognitionItems(
      '<cognition_item><title>Empty</title><content> </content></cognition_item><cognition_item><title>Ok</title><content>Fine.</content></cognition_item>',
    );
    expect(parsed.items.map((item) => item.title)).toEqual(['Ok']);
    expect(parsed.problems).toEqual(['item #1 ("Empty") has no content; skipped']);
  });

  it('notices an explicit <no_items/>', () => {
    expect(parseCognitionItems('Nothing here. <no_items/>')).toEqual({ items: [], problems: [], saidNone: true });
    expect(parseCognitionItems('prose only').saidNone).toBe(false);
  });
});
