/**
 * Cuts text to at most `max` UTF-16 units, ending with "…" when cut, and never
 * between the two halves of a surrogate pair (an emoji): half of one is not
 * Unicode, and stored as UTF-8 it would become U+FFFD.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
