import { describe, expect, it } from "vitest";
import { documentLanguage, indexKeys, keyOf, queryTerms, words } from "../../src/text/analyse";
import { detectLanguage } from "../../src/text/language";
import { keyMatch, lookupsFor, termMatch } from "../../src/text/match";
import { isStopWord } from "../../src/text/stopwords";

/** The best match of a question word against a document word (in the document's language). */
const matches = (question: string, docWord: string, docLanguage: "hu" | "en" = "hu") => {
  const [term] = queryTerms(question);
  if (!term) throw new Error(`no content word in ${question}`);
  return termMatch(term, keyOf(docWord, docLanguage));
};

describe("Hungarian and English stems (Snowball / Porter)", () => {
  it.each([
    ["laptopomat", "laptop"],
    ["laptopot", "laptop"],
    ["szabadságot", "szabadság"],
    ["szabadságra", "szabadság"],
    ["elvesztése", "elvesztés"],
    ["eszközökről", "eszköz"],
  ])("%s has the stem of %s", (inflected, base) => {
    expect(keyOf(inflected, "hu")).toBe(keyOf(base, "hu"));
  });

  it.each([
    ["policies", "policy"],
    ["reimbursed", "reimburses"],
    ["laptops", "laptop"],
  ])("English %s has the stem of %s", (a, b) => {
    expect(keyOf(a, "en")).toBe(keyOf(b, "en"));
  });

  it("the question's word finds the document's inflected and derived forms", () => {
    expect(matches("Elvesztettem", "Elvesztés")).toBeGreaterThan(0);
    expect(matches("laptopomat", "laptopot")).toBe(1);
    expect(matches("szabályzat", "szabályzatról")).toBeGreaterThan(0);
    expect(matches("jelszavamat", "jelszót")).toBeGreaterThan(0);
  });

  it("keys fold accents after stemming, so a question typed without them finds the same stem", () => {
    expect(matches("szabadsagot", "szabadság")).toBe(1);
    expect(matches("tulorat", "túlórát")).toBe(1);
    expect(matches("kulfoldon", "külföldön")).toBeGreaterThan(0);
  });

  it("a short stem does not swallow longer words: nap (day) is not napidíj (per diem)", () => {
    expect(matches("nap", "napidíj")).toBe(0);
    expect(matches("nap", "napot")).toBe(1);
  });
});

describe("compounds", () => {
  it("a word finds the compounds it is the last part of: szabadság → alapszabadság, betegszabadság", () => {
    expect(matches("szabadság", "alapszabadság")).toBeGreaterThan(0);
    expect(matches("szabadságot", "betegszabadságra")).toBeGreaterThan(0);
    expect(matches("pótlék", "bérpótlékkal")).toBeGreaterThan(0);
  });

  it("and the compounds it starts: költség → költségtérítés", () => {
    expect(matches("költség", "költségtérítésre")).toBeGreaterThan(0);
  });

  it("but not a word that merely ends alike, nor the less specific head: alapszabadság is not szabadság", () => {
    expect(keyMatch(keyOf("alapszabadság", "hu"), keyOf("szabadság", "hu"))).toBe(0);
    expect(matches("ár", "határ")).toBe(0);
  });

  it("English writes compounds as two words: adjacent content words of a question are marked as one", () => {
    const [meeting, room] = queryTerms("How do I book a meeting room?").slice(1);
    expect(meeting?.compound).toEqual([room]);
    expect(queryTerms("Who do I tell if a colleague is bullying me?").every((t) => t.compound.length === 0)).toBe(true);
    // Hungarian writes compounds as one word: nothing to pair.
    expect(queryTerms("Hány home office nap engedélyezett?").every((t) => t.compound.length === 0)).toBe(true);
  });
});

describe("stop words", () => {
  it.each(["hány", "mennyi", "hogyan", "kell", "a", "az", "how", "many", "what", "the", "please"])(
    "%s is dropped",
    (w) => {
      expect(isStopWord(w)).toBe(true);
    },
  );
  it.each(["nap", "hét", "év", "szabadság", "leave", "day", "office"])("%s is a topic, kept", (w) => {
    expect(isStopWord(w)).toBe(false);
  });
  it("accent-free forms are stop words too, and a question's content is what remains", () => {
    expect(queryTerms("hany nap szabadsag jar?").map((t) => t.word)).toEqual(["nap", "szabadsag", "jar"]);
    expect(queryTerms("How many days of leave do I get?").map((t) => t.word)).toEqual(["days", "leave"]);
  });
  it("a 32,000-letter run is keyed by its first 60 letters, and a question searches its first 32 words", () => {
    const [term] = queryTerms("ő".repeat(32_000));
    expect(term?.keys.every((k) => k.length === 60)).toBe(true);
    const lookups = lookupsFor(queryTerms("ő".repeat(32_000)));
    expect(lookups.exact.length + lookups.prefix.length + lookups.suffix.length).toBeLessThan(200);
    const many = Array.from({ length: 100 }, (_, i) => `szó${i}x`).join(" ");
    expect(queryTerms(many)).toHaveLength(32);
  });

  it("a number's case ending is no word (8-kor), a hyphenated word is its parts", () => {
    expect(words("Kezdhetek 8-kor? home-office")).toEqual(["kezdhetek", "8", "home", "office"]);
  });
});

describe("the thesaurus", () => {
  it("relates workplace words across wording and language, at less than the word itself", () => {
    expect(matches("bike", "bicycles", "en")).toBeGreaterThan(0);
    expect(matches("bike", "bicycles", "en")).toBeLessThan(1);
    expect(matches("reimburse", "költségtérítés")).toBeGreaterThan(0);
    expect(matches("car", "card", "en")).toBe(0);
  });
});

describe("language", () => {
  it.each([
    ["Ki fizeti az internetet otthon?", "hu"],
    ["hany home office nap van egy heten", "hu"],
    ["Kezdhetek reggel 8-kor dolgozni?", "hu"],
    ["vpn nelkul dolgozhatok otthonrol?", "hu"],
    ["hogyan fizetik a tulorat", "hu"],
    ["Mennyi szabadság jár?", "hu"],
    ["How many days of leave do I get?", "en"],
    ["Is alcohol reimbursed?", "en"],
    ["VPN", "en"],
  ])("%s is %s", (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it("a document is Hungarian when accented letters are more than occasional", () => {
    expect(documentLanguage("A munkavállalók hetente legfeljebb két home office napot vehetnek igénybe.")).toBe("hu");
    expect(documentLanguage("Meet us at the café on the first day; José from HR will bring your badge.")).toBe("en");
  });

  it("a document's words are indexed with its own stemmer", () => {
    expect([...indexKeys("Elvesztés esetén az eszközt zárolni kell.", "hu").keys()]).toContain(
      keyOf("elvesztése", "hu"),
    );
  });
});
