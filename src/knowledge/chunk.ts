import { splitSentences } from "../memory/text";

/** Passages of about this many characters: big enough to carry an answer, small enough to cite. */
const TARGET_CHARS = 700;
const MAX_CHARS = 1_200;

/**
 * Splits a document body into passages: paragraphs (a heading line stays with
 * the paragraph after it), short ones merged up to TARGET_CHARS, long ones cut
 * at sentence ends.
 */
export function splitPassages(body: string): string[] {
  const paragraphs = body
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
    for (const sentence of splitSentences(paragraph)) {
      if (current && current.length + sentence.length + 1 > TARGET_CHARS) {
        pieces.push(current);
        current = "";
      }
      current = current ? `${current} ${sentence}` : sentence.slice(0, MAX_CHARS);
    }
    if (current) pieces.push(current);
  }
  const passages: string[] = [];
  for (const piece of pieces) {
    const last = passages[passages.length - 1];
    const isHeading = last !== undefined && /^#+\s|^[^\n.!?]{1,80}$/.test(last) && !last.includes("\n");
    if (last !== undefined && (isHeading || last.length + piece.length + 2 <= TARGET_CHARS)) {
      passages[passages.length - 1] = `${last}\n\n${piece}`;
    } else {
      passages.push(piece);
    }
  }
  return passages;
}
