/** Cuts text to at most `max` characters, marking the cut with "…". */
export const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
