import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { splitPassages } from "../src/knowledge/chunk";
import { retrieve } from "../src/knowledge/retrieve";
import { TenantKnowledge } from "../src/knowledge/store";
import type { MessageView } from "../src/session-types";
import { queryTerms } from "../src/text/analyse";
import { lookupsFor } from "../src/text/match";
import { chat, freshTenant, loadDocument } from "./helpers";

/** Pieces that mean something to FTS5's query syntax, or to Unicode, mixed with plain words. */
const nasty = fc.constantFrom(
  '"',
  '""',
  "*",
  "-",
  "+",
  "^",
  ":",
  "(",
  ")",
  "{",
  "}",
  "NEAR",
  "NEAR(",
  "AND",
  "OR",
  "NOT",
  "text:",
  "\u0000",
  "\ud800",
  "\udfff",
  "\u0301",
  "\u200b",
  "😀",
  "👩‍👩‍👧",
  "ő",
  "ta\u0301vmunka",
  "távmunka",
  "home-office",
  "…",
  "ǅ",
  "𞤀𞤁",
  "\uf8ff",
  " ",
  "\n",
);
const queryText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.array(nasty, { maxLength: 12 }).map((parts) => parts.join("")),
  fc.array(fc.oneof(nasty, fc.string({ unit: "grapheme", maxLength: 6 })), { maxLength: 10 }).map((p) => p.join(" ")),
);

describe("the search built from user text never throws", () => {
  const tenant = freshTenant();
  const kb = new TenantKnowledge(env.DB, tenant);
  beforeAll(async () => {
    await loadDocument(tenant, {
      title: "Távmunka",
      body: 'A távmunka heti két napon engedélyezett. Home-office NEAR the "office" * - ő 😀 ta\u0301vmunka.',
    });
  });

  it("for any query text: retrieval, its lookups and raw text as lookups all search without error", async () => {
    await fc.assert(
      fc.asyncProperty(queryText, fc.array(queryText, { maxLength: 3 }), async (query, raw) => {
        await retrieve(kb, query, [{ role: "user", content: raw.join(" ") } as MessageView], []);
        await kb.postings(lookupsFor(queryTerms(query)));
        // Bound as parameters, never spliced into SQL: any string is a safe lookup.
        await kb.postings({ exact: [query, ...raw], prefix: [query, ...raw], suffix: raw });
      }),
      { numRuns: 200 },
    );
    // About 2 s alone; the margin is for a loaded machine running the whole suite.
  }, 20_000);

  it.each([['"NEAR(távmunka home)" * - ^ "'], ["\u0000 távmunka"], ["… !!! ??? ..."], ["😀👩‍👩‍👧 ta\u0301vmunka"]])(
    "the chat route answers %j (200), from the document where it names it",
    async (query) => {
      const res = await chat({ tenant, user: 1 }, query);
      expect(res.status).toBe(200);
      expect(res.body.sources.length).toBe(/tavmunka|távmunka|ta\u0301vmunka/.test(query) ? 1 : 0);
    },
  );

  it("a query that is not valid Unicode (lone surrogates) is refused with a 400 naming the field", async () => {
    const res = await chat({ tenant, user: 1 }, "\ud800 távmunka \udfff");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^query/);
  });
});

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe("the chunker keeps every character", () => {
  const text = fc.array(
    fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 40 }),
      fc.constantFrom(" ", "\n", "\n\n", ". ", "! ", "# Cím\n\n", "ta\u0301v", "😀"),
      fc.integer({ min: 1, max: 3_000 }).map((n) => "w".repeat(n)),
      // Giant words of two-unit characters and of characters with a mark: cut between characters only.
      fc
        .tuple(fc.boolean(), fc.integer({ min: 1, max: 1_500 }))
        .map(([odd, n]) => `${odd ? "w" : ""}${"😀".repeat(n)}`),
      fc.integer({ min: 1, max: 1_500 }).map((n) => "q\u0301".repeat(n)),
    ),
    { maxLength: 60 },
  );

  it("passages hold the whole body (NFC, whitespace aside), whole characters, none longer than a passage may be", () => {
    const squash = (s: string) => s.replace(/\s+/gu, "");
    fc.assert(
      fc.property(text, (parts) => {
        const body = parts.join("");
        const passages = splitPassages(body);
        expect(squash(passages.join(""))).toBe(squash(body.normalize("NFC")));
        for (const p of passages) {
          expect(p.normalize("NFC")).toBe(p);
          // Booleans: a half character in a failure message would break the test runner's report.
          expect(LONE_SURROGATE.test(p), "a passage holds half a surrogate pair").toBe(false);
          expect(/^\p{M}/u.test(p), "a passage starts with a detached mark").toBe(false);
          // A heading line (one piece) may carry the piece after it: two pieces of 1,200 at most.
          expect(p.length).toBeLessThanOrEqual(2 * 1_200 + 2);
        }
      }),
      { numRuns: 300 },
    );
  });
});
