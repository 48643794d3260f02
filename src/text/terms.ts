/** Just enough language handling for offline summaries and retrieval in Hungarian and English. */

const STOPWORDS = new Set(
  // English
  (
    "the a an and or but if then so of to in on at by for with from as is are was were be been being it its this that " +
    "these those i you he she we they me my your our their what which who whom how why when where can could should " +
    "would will do does did not no yes please thanks thank hello hi about into than there here have has had also just " +
    "more most some any all each other such only own same too very get got let me us am " +
    "day days week weeks month months year years time times one two new " +
    // Hungarian
    "a az egy és vagy de ha hogy is nem igen van vannak volt lesz mi mit mik milyen mennyi hány hogyan miért mikor hol " +
    "ki kik kit ez az ezt azt ezek azok itt ott én te ő mi ti ők nekem neked neki nekünk nektek nekik szia köszönöm " +
    "kérem kérlek meg már még csak mert mint minden sok kell lehet tud tudok tudom szeretném szeretnék kérdés " +
    "kérdésem válasz ilyen olyan akkor pedig illetve vagyis valamint által után előtt között alatt felett szerint " +
    "ezzel azzal erre arra ennek annak egyik másik"
  ).split(/\s+/),
);

/** Common Hungarian case and plural endings, longest first; enough to merge "szabályzat" and "szabályzatról". */
const HU_SUFFIXES = [
  "jainak",
  "jeinek",
  "ainak",
  "einek",
  "ának",
  "ének",
  "ból",
  "ből",
  "ról",
  "ről",
  "tól",
  "től",
  "nak",
  "nek",
  "val",
  "vel",
  "hoz",
  "hez",
  "höz",
  "ban",
  "ben",
  "nál",
  "nél",
  "ért",
  "kor",
  "ig",
  "ra",
  "re",
  "ba",
  "be",
  "on",
  "en",
  "ön",
  "ot",
  "et",
  "öt",
  "at",
  "ok",
  "ek",
  "ök",
  "ak",
  "ja",
  "je",
  "ai",
  "ei",
  "t",
  "k",
  "n",
];

/** Words of a text, NFC first: "ta\u0301vmunka" is one word, the same as "távmunka". */
export function tokenize(text: string): string[] {
  return (
    text
      .normalize("NFC")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? []
  );
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** A light stem: strip one known ending while at least four letters remain. */
export function stem(word: string): string {
  for (const suffix of HU_SUFFIXES) {
    if (word.length - suffix.length >= 4 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  if (word.length > 4 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** Content words of a text, as [stem, surface form] pairs. */
export function contentTerms(text: string): [string, string][] {
  return tokenize(text)
    .filter((w) => w.length >= 3 && !isStopword(w) && !/^\d+$/.test(w))
    .map((w) => [stem(w), w]);
}

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
