import { splitSentences } from "../text/terms";

/** Passages of about this many characters: big enough to carry an answer, small enough to cite. */
const TARGET_CHARS = 700;
/** No piece of a passage is longer; a longer sentence (or word) is cut, never shortened. */
const MAX_CHARS = 1_200;

/**
 * Splits a document body into passages: paragraphs (a heading line stays with
 * the paragraph after it), short ones merged up to TARGET_CHARS, long ones cut
 * at sentence ends, then at spaces. Every word is kept; the text is NFC, as
 * FTS5 and the query terms see it.
 */
export function splitPassages(body: string): string[] {
  const paragraphs = body
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const pieces: string[] = [];
  for (const paragraph of paragraphs) {
    if (paragraph.length <= MAX_CHARS) {
      pieces.push(paragraph);
      continue;
    }
    let current = "";
    for (const sentence of splitSentences(paragraph).flatMap((s) => cutToFit(s, MAX_CHARS))) {
      if (current && current.length + sentence.length + 1 > TARGET_CHARS) {
        pieces.push(current);
        current = "";
      }
      current = current ? `${current} ${sentence}` : sentence;
    }
    if (current) pieces.push(current);
  }
  const passages: string[] = [];
  for (const piece of pieces) {
    const last = passages[passages.length - 1];
    const isHeading = last !== undefined && /^#+\s|^[^\n.!?]{1,80}$/.test(last) && !last.includes("\n");
    // A markdown heading starts a section: sections are not merged, so a passage answers under one heading.
    const startsSection = MARKDOWN_HEADING.test(piece);
    if (last !== undefined && (isHeading || (!startsSection && last.length + piece.length + 2 <= TARGET_CHARS))) {
      passages[passages.length - 1] = `${last}\n\n${piece}`;
    } else {
      passages.push(piece);
    }
  }
  return passages;
}

const MARKDOWN_HEADING = /^#{1,6}\s/;

/**
 * The heading a passage stands under: its own heading lines, else the last
 * heading line before it (markdown `#` lines; the document's title is apart).
 */
export function headingsOf(passages: string[]): string[] {
  let current = "";
  return passages.map((passage) => {
    const own = passage
      .split("\n")
      .filter((line) => MARKDOWN_HEADING.test(line))
      .map((line) => line.replace(/^#+\s*/, ""));
    if (own.length > 0) current = own[own.length - 1] as string;
    return own.length > 0 ? own.join("\n") : current;
  });
}

/** Cuts text longer than `max` at spaces into pieces of at most `max`; a longer word is cut inside. */
function cutToFit(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/u).flatMap((w) => cutWord(w, max))) {
    if (current && current.length + word.length + 1 > max) {
      pieces.push(current);
      current = "";
    }
    current = current ? `${current} ${word}` : word;
  }
  if (current) pieces.push(current);
  return pieces;
}

/** A word longer than `max` in parts of at most `max`, never cutting a character from its marks or pair. */
function cutWord(word: string, max: number): string[] {
  const parts: string[] = [];
  let start = 0;
  while (word.length - start > max) {
    let end = start + max;
    while (end > start + 1 && continuesCharacter(word, end)) end -= 1;
    parts.push(word.slice(start, end));
    start = end;
  }
  if (start < word.length) parts.push(word.slice(start));
  return parts;
}

/** True if the unit at `i` belongs to the character before it (low surrogate, combining mark, joiner). */
function continuesCharacter(text: string, i: number): boolean {
  const unit = text.charCodeAt(i);
  if (unit >= 0xdc00 && unit <= 0xdfff) return true;
  if (text.charCodeAt(i - 1) === 0x200d) return true;
  return /^[\p{M}\u200d]/u.test(text.slice(i, i + 2));
}
