import type { FakeReply } from './fake-openai-server.js';

/** The text of a chat request body: system and messages joined. */
export function promptOf(body: unknown): string {
  const request = (body ?? {}) as { messages?: { content?: unknown }[] };
  return (request.messages ?? []).map((message) => String(message.content ?? '')).join('\n');
}

const fence = '```';

/** The program shown under "The program to edit" of a diff-mode researcher prompt. */
function programToEdit(prompt: string): string | null {
  const start = prompt.indexOf('## The program to edit');
  if (start === -1) return null;
  const open = prompt.indexOf(`${fence}\n`, start);
  const close = prompt.indexOf(`\n${fence}`, open + 4);
  return open === -1 || close === -1 ? null : prompt.slice(open + 4, close);
}

const ideas = [
  'Move the outer ring inward so that its circles stop touching the clamp margin.',
  'Give the spare circle a free spot in a corner gap instead of stacking it.',
  'Shrink the inner ring radius to leave room for larger interior circles.',
  'Rotate the outer ring by half a step to stagger it against the inner ring.',
  'Widen the clamp margin so that border circles keep a positive radius.',
  'Mix circle sizes: larger circles inside, small ones filling wall gaps.',
  'Replace the greedy shrink with pairwise scaling that favours big circles.',
  'Try a hexagonal arrangement near the centre, which packs denser than rings.',
  'Push circles against the walls, where the square offers free contact.',
  'Break the symmetry slightly so that corner gaps can be filled.',
  'Balance the ring counts, eight inside and sixteen outside, against the square.',
];

/** A motivation that differs from call to call (the novelty gate rejects repeats). */
function motivationFor(index: number): string {
  const pick = (offset: number, step: number) => ideas[(index * step + offset) % ideas.length];
  return `Variant ${index}. ${pick(0, 1)} ${pick(3, 4)} ${pick(7, 5)} The edit keeps every function, signature and output format, so the score change can be attributed to it.`;
}

/**
 * Answers like the loop's agents would, deterministically from the prompt: the Analyzer with
 * an `<analysis>`, the judge with a `<score>`, the Researcher with a full rewrite
 * (`x = <value>`) or, in diff mode, one SEARCH/REPLACE block that annotates the first
 * `const NAME = number;` line of the program to edit (inside its EVOLVE block when it has one). Usage is reported at four characters
 * per token of the prompt and of the answer, as the estimates assume.
 */
export function agentReply(body: unknown, index: number): FakeReply {
  const prompt = promptOf(body);
  let text: string;
  if (prompt.includes('<analysis>')) {
    text = `<analysis>\n${'The candidate kept the structure of its parent and changed one constant; the score moved by the amount the metrics show. Next, try a larger change to the layout of the outer ring. '.repeat(6).trim()}\n</analysis>`;
  } else if (prompt.includes('<score>')) {
    text = '<score>70</score>\n<reason>Sound and general; no hard-coding.</reason>';
  } else {
    const program = programToEdit(prompt);
    const lines = program?.split('\n') ?? [];
    const blockStart = lines.findIndex((candidate) => candidate.includes('EVOLVE-BLOCK-START'));
    const editable = blockStart === -1 ? lines : lines.slice(blockStart);
    const line = editable.find((candidate) => /^\s*const \w+ = [\d.]+;/.test(candidate));
    if (program !== null && line !== undefined) {
      const bare = /^(\s*const \w+ = [\d.]+;)/.exec(line)?.[1] ?? line;
      text = `<name>annotate ${bare.trim().split(' ')[1]}</name>\n<motivation>${motivationFor(index)}</motivation>\n<provenance>experience</provenance>\n<<<<<<< SEARCH\n${line}\n=======\n${bare} // variant ${index}\n>>>>>>> REPLACE\n`;
    } else {
      const value = (0.5 + ((prompt.length * 7919) % 400) / 1000).toFixed(3);
      text = `<name>value ${value}</name>\n<motivation>${motivationFor(index)}</motivation>\n<code>\nx = ${value}\n</code>`;
    }
  }
  return {
    text,
    usage: { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: Math.ceil(text.length / 4) },
  };
}
