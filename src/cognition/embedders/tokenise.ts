/** A small English stopword list: words that say nothing about a topic. */
export const englishStopwords: ReadonlySet<string> = new Set(
  (
    'a an the and or but if then else of to in on at by for with from as into onto over under ' +
    'is are was were be been being am it its this that these those there here which who whom whose ' +
    'what when where why how not no nor so than too very can could should would will shall may might ' +
    'must do does did done has have had having i me my we our us you your he him his she her they ' +
    'them their all any both each few more most other some such only own same again further once ' +
    'about above below between through during before after up down out off also just via per etc'
  ).split(' '),
);

/**
 * Words of a text as the lexical embedder sees them: lower-cased, split on anything that is not
 * a letter or a digit, stopwords dropped, and a plain plural `s` folded (`circles` → `circle`,
 * but not `-ss`, `-us`, `-is` endings), so that singular and plural meet.
 */
export function lexicalWords(text: string): string[] {
  const words: string[] = [];
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (raw.length === 0 || englishStopwords.has(raw)) continue;
    words.push(foldPlural(raw));
  }
  return words;
}

function foldPlural(word: string): string {
  if (word.length > 3 && word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Words plus the bigrams of neighbouring words (joined by a space, which no word contains). */
export function lexicalTokens(text: string): string[] {
  const words = lexicalWords(text);
  const tokens = [...words];
  for (let index = 1; index < words.length; index++) tokens.push(`${words[index - 1]} ${words[index]}`);
  return tokens;
}

/** 32-bit FNV-1a over the UTF-16 code units of a string. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's finaliser: spreads the bits of a hash, used to draw an independent sign. */
export function mix32(value: number): number {
  let hash = value >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
