import { documentLanguage, type QueryTerm } from "../text/analyse";
import type { Language } from "../text/language";
import { textMatches } from "../text/match";
import { splitSentences } from "../text/terms";
import { headingsOf } from "./chunk";
import { CONTEXT_WEIGHT, coverageWeight } from "./rank";

/**
 * How well a passage answers, sentence by sentence: the best share of the
 * question's weighted content that one sentence matches, read with its
 * section heading and the document's title (what it is about). A passage
 * whose words are all there but in unrelated sentences ("book" the parking
 * space, "room" for bicycles) does not answer "book a meeting room". For a
 * follow-up, the better of that share and the share of the question read
 * with the previous ones (their words at CONTEXT_WEIGHT).
 */
export function sentenceCoverage(
  passage: { title: string; text: string },
  own: QueryTerm[],
  context: QueryTerm[],
  idf: ReadonlyMap<QueryTerm, number>,
): number {
  const language = documentLanguage(`${passage.title}\n${passage.text}`);
  const frame = `${passage.title}\n${headingsOf([passage.text])[0] ?? ""}`;
  const body = passage.text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n");
  const sentences = splitSentences(body);
  const weight = (t: QueryTerm) => coverageWeight(idf.get(t) ?? 0);
  const total = (terms: QueryTerm[]) => terms.reduce((sum, t) => sum + weight(t), 0);
  const ownTotal = total(own);
  const withContext = ownTotal + CONTEXT_WEIGHT * total(context);
  let best = 0;
  for (const sentence of sentences.length > 0 ? sentences : [""]) {
    const text = `${frame}\n${sentence}`;
    const ownGot = compoundAware(own, text, language).reduce((sum, [t, s]) => sum + weight(t) * s, 0);
    const ownShare = ownTotal === 0 ? 0 : ownGot / ownTotal;
    const contextGot = context.length === 0 ? 0 : CONTEXT_WEIGHT * textMatches(context, text, language, weight);
    const combined = withContext === 0 ? 0 : (ownGot + contextGot) / withContext;
    best = Math.max(best, ownShare, context.length > 0 ? combined : 0);
  }
  return best;
}

/** A part of an English compound found without the rest counts this much: "room" is not "meeting room". */
export const PARTIAL_COMPOUND = 0.5;

/** Each term's match in the text, a compound's part found alone (its neighbour missing) at PARTIAL_COMPOUND. */
function compoundAware(terms: QueryTerm[], text: string, language: Language): [QueryTerm, number][] {
  const found = new Map(terms.map((t) => [t, textMatches([t], text, language)]));
  return terms.map((t) => {
    const s = found.get(t) ?? 0;
    const alone = s > 0 && t.compound.some((other) => (found.get(other) ?? 0) === 0);
    return [t, alone ? s * PARTIAL_COMPOUND : s];
  });
}
