/** Hungarian letters that English never uses: one settles it. */
const HUNGARIAN_LETTERS = /[áéíóöőúüű]/i;

/**
 * Words that mark a language even typed without accents: function words and
 * the usual question words. Words both languages use ("a", "is", "elvesz") are
 * in neither list.
 */
const HUNGARIAN_WORDS = new Set(
  (
    "az egy es vagy de hogy nem igen van vannak volt lesz mi mit mik mikor miert mennyi mennyit hany hanyat " +
    "hogyan hol hova honnan milyen melyik ki kik kit kinek kell lehet szabad ha akkor mert meg mar meg csak " +
    "ez ezt azt ezek azok itt ott te ti nekem neki szia kerem kerlek koszonom nelkul utan elott " +
    "kozott alatt felett szerint soran miatt tudok"
  ).split(" "),
);
const ENGLISH_WORDS = new Set(
  (
    "the an and or of to in on at by for with from what which who whom whose when where why how do does did " +
    "can could should would will shall must may might is are was were be been have has had my your our their " +
    "i you we they he she it me us them this that these those there here not no yes please if than about"
  ).split(" "),
);

/** Hungarian letter pairs that English words hardly ever hold (sz, cs, zs, gy). */
const HUNGARIAN_DIGRAPHS = /sz|cs|zs|gy/;
/**
 * Hungarian endings on a word of some length, folded: cases (-ban, -ről, -nak,
 * -val, …), the infinitive (-ni), "can" (-hat, -het, -hatok, …), persons (-unk,
 * -juk, -ják), the past (-tt).
 */
const HUNGARIAN_ENDING =
  /^\p{L}{3,}(ban|ben|bol|rol|tol|nak|nek|hoz|hez|val|vel|nal|nel|ert|kent|ni|hat|het|hatok|hetek|hatom|hetem|unk|juk|jak|tt)$/u;

export type Language = "hu" | "en";

/**
 * The language of a (short) text, Hungarian or English. Accented letters
 * decide at once; otherwise each word votes: function and question words of
 * either language, Hungarian letter pairs and case endings. A tie (a bare
 * term like "VPN") is English, the language of the rest of the world.
 */
export function detectLanguage(text: string): Language {
  const { hu, en } = languageVotes(text);
  return hu > en ? "hu" : "en";
}

/** The votes detectLanguage counts; an accented Hungarian letter is a vote no English word outweighs. */
export function languageVotes(text: string): { hu: number; en: number } {
  if (HUNGARIAN_LETTERS.test(text)) return { hu: Number.POSITIVE_INFINITY, en: 0 };
  const words = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  let hu = 0;
  let en = 0;
  for (const word of words) {
    if (HUNGARIAN_WORDS.has(word)) hu += 1;
    if (ENGLISH_WORDS.has(word)) en += 1;
    if (HUNGARIAN_DIGRAPHS.test(word)) hu += 0.5;
    if (HUNGARIAN_ENDING.test(word)) hu += 0.5;
  }
  return { hu, en };
}
