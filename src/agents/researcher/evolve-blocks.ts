/** A checked program: unchanged outside its EVOLVE blocks, or the first line that changed. */
export type EvolveBlockCheck = { ok: true } | { ok: false; line: number; message: string };

const startMarker = 'EVOLVE-BLOCK-START';
const endMarker = 'EVOLVE-BLOCK-END';

/** Whether a program marks EVOLVE blocks (in any comment style). */
export function hasEvolveBlocks(program: string): boolean {
  return program.includes(startMarker);
}

/**
 * The 0-based line ranges inside EVOLVE blocks (the lines between a start marker and its end
 * marker, markers excluded). An unclosed block runs to the end of the program.
 */
export function evolveBlockRanges(program: string): Array<{ firstLine: number; lastLine: number }> {
  const lines = program.split('\n');
  const ranges: Array<{ firstLine: number; lastLine: number }> = [];
  let open: number | null = null;
  lines.forEach((line, index) => {
    if (open === null && line.includes(startMarker)) open = index + 1;
    else if (open !== null && line.includes(endMarker)) {
      ranges.push({ firstLine: open, lastLine: index - 1 });
      open = null;
    }
  });
  if (open !== null) ranges.push({ firstLine: open, lastLine: lines.length - 1 });
  return ranges;
}

interface Outside {
  /** 1-based line number in the program. */
  line: number;
  text: string;
}

/** The lines outside the blocks (marker lines included), grouped into the segments between blocks. */
function outsideSegments(program: string): Outside[][] {
  const lines = program.replace(/\r\n/g, '\n').split('\n');
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const segments: Outside[][] = [[]];
  let inside = false;
  lines.forEach((text, index) => {
    const segment = segments[segments.length - 1];
    if (!inside) {
      segment?.push({ line: index + 1, text: text.trimEnd() });
      if (text.includes(startMarker)) {
        inside = true;
        segments.push([]);
      }
    } else if (text.includes(endMarker)) {
      inside = false;
      segment?.push({ line: index + 1, text: text.trimEnd() });
    }
  });
  return segments;
}

/**
 * When `original` marks EVOLVE blocks, checks that `updated` left everything outside them
 * unchanged (markers included; trailing whitespace and trailing blank lines are ignored).
 * Line numbers in the result are the original's.
 * @example checkEvolveBlocks(original, updated) // { ok: false, line: 3, message: 'line 3 …' }
 */
export function checkEvolveBlocks(original: string, updated: string): EvolveBlockCheck {
  if (!hasEvolveBlocks(original)) return { ok: true };
  const before = outsideSegments(original);
  const after = outsideSegments(updated);
  for (let segmentIndex = 0; segmentIndex < before.length; segmentIndex++) {
    const expected = before[segmentIndex] ?? [];
    const found = after[segmentIndex] ?? [];
    for (let index = 0; index < Math.max(expected.length, found.length); index++) {
      const want = expected[index];
      const got = found[index];
      if (want !== undefined && got !== undefined && want.text === got.text) continue;
      if (want === undefined) {
        return {
          ok: false,
          line: got?.line ?? 0,
          message: `a line was added outside the EVOLVE blocks (line ${got?.line ?? '?'} of your program: \`${got?.text ?? ''}\`); only the code between EVOLVE-BLOCK-START and EVOLVE-BLOCK-END may change`,
        };
      }
      const was = `\`${want.text}\``;
      const now = got === undefined ? 'it is missing' : `it reads \`${got.text}\``;
      return {
        ok: false,
        line: want.line,
        message: `line ${want.line} (${was}) lies outside the EVOLVE blocks and was changed: ${now}; only the code between EVOLVE-BLOCK-START and EVOLVE-BLOCK-END may change`,
      };
    }
  }
  if (after.length > before.length) {
    const extra = after[before.length]?.[0];
    return {
      ok: false,
      line: extra?.line ?? 0,
      message: 'an EVOLVE-BLOCK-START marker was added; keep the markers as they are',
    };
  }
  return { ok: true };
}
