/** Stream deltas of about this many characters. */
const DELTA_CHARS = 24;

/** Splits text into stream deltas, preferably at word boundaries; joined, they are exactly the text. */
export function deltas(text: string): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > DELTA_CHARS) {
    const space = rest.lastIndexOf(" ", DELTA_CHARS);
    const cut = space > 0 ? space + 1 : DELTA_CHARS;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
