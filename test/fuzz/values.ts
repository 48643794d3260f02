import fc from "fast-check";
import { AUTH_KINDS, type AuthKind } from "./world";

/**
 * The building blocks of fuzzed requests. A request is plain data that names
 * sessions, documents and cursors by placeholder ({$id}, {$doc}, {$cursor},
 * ...); the runner resolves them against what the run has seen so far, so a
 * printed counterexample stays short and a seed replays the same sequence.
 */

/** Which session an id placeholder names, as seen from the caller. */
export type IdRef =
  | { ref: "own"; pick: number; upper?: boolean }
  | { ref: "gone"; pick: number }
  | { ref: "foreign"; pick: number }
  | { ref: "unknown" }
  | { ref: "raw"; text: string };

export type DocRef = { ref: "own"; pick: number } | { ref: "foreign"; pick: number } | { ref: "raw"; text: string };

/** JSON with placeholders; the runner replaces each placeholder object by its value. */
export type Template =
  | null
  | boolean
  | number
  | string
  | Template[]
  | { [key: string]: Template }
  | { $id: IdRef }
  | { $uc: "self" | "other-user" | "other-tenant" | "strings" }
  | { $big: [string, number] };

/** A query parameter's value: literal, or a cursor / `before` the run has been handed. */
export type QueryValue = string | { $cursor: number } | { $before: number };

export type Body =
  | { json: Template }
  | { raw: string }
  /** Deeply nested JSON, built at run time (too big to print). */
  | { deep: number; shape: "array" | "metadata" | "user_context" };

export type PathPart = string | { $id: IdRef } | { $doc: DocRef } | { $user: "me" | "self" | number | string };

export interface RequestSpec {
  endpoint: string;
  method: string;
  path: PathPart[];
  query?: [string, QueryValue][];
  body?: Body;
}

export interface Envelope {
  actor: number;
  auth: AuthKind;
  requestId?: string;
  idempotencyKey?: { pool: number } | { raw: string };
  contentType?: string;
  accept?: string;
}

export type FuzzRequest = RequestSpec & Envelope;

/** Unicode that has broken services before: combining marks, ZWJ emoji, bidi overrides, NUL, BOM, lone surrogates. */
export const NASTY = [
  "e\u0301\u0302\u0303\u0304",
  "Z\u0337\u0322\u031b\u034da\u0336l\u0334g\u0337o\u0338",
  "👩‍👩‍👧‍👦🏳️‍🌈🇭🇺",
  "\u202Eevil\u202C text",
  "שלום עולם",
  "مرحبا بالعالم",
  "\u0000",
  "a\u0000b",
  "\uFEFFbom",
  "\uD800",
  "x\uDC00y",
  "\u2028\u2029",
  "\r\n\t",
  "' OR 1=1 --",
  '"*',
  "NEAR(a b) AND c*",
  "a* OR b* NOT c",
  "^start $end",
  "{}",
  "<script>alert(1)</script>",
  "%00%ff",
  "\\",
  "null",
  "   ",
  "",
];

/** Questions the shipped policy answers, so turns also reach retrieval and citations. */
const QUESTIONS = [
  "Szia! Mi a távmunka szabályzat?",
  "És mennyi home office nap engedélyezett?",
  "Kell-e előre jelezni a távmunkát?",
  "What is the remote work policy?",
  "hello",
];

export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...QUESTIONS) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 60 }) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.constantFrom(...NASTY, ...QUESTIONS), { minLength: 2, maxLength: 4 })
      .map((a) => a.join(" ")),
  },
);

/** Strings at and just past the limits (MAX_MESSAGE_CHARS 32,000; document body 200,000), in 1–4 byte characters. */
export const big: fc.Arbitrary<Template> = fc
  .tuple(fc.constantFrom("a", "é", "😀", " "), fc.constantFrom(31_999, 32_000, 32_001, 8_200, 200_001, 250_000))
  .map(([unit, n]) => ({ $big: [unit, unit === "😀" ? Math.ceil(n / 2) : n] as [string, number] }));

export const textOrBig: fc.Arbitrary<Template> = fc.oneof(
  { weight: 12, arbitrary: text },
  { weight: 1, arbitrary: big },
);

/** Any JSON at all: the wrong type for whatever field it lands in. */
export const anyJson: fc.Arbitrary<Template> = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Template>;

export const userContext: fc.Arbitrary<Template> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ $uc: "self" as const }) },
  { weight: 1, arbitrary: fc.constantFrom("other-user", "other-tenant", "strings").map(($uc) => ({ $uc })) },
  { weight: 1, arbitrary: anyJson },
);

/** Path segments that are not ids: malformed, uppercase-ish, very long, encoded junk. */
const rawId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "not-a-uuid",
    "123",
    "00000000-0000-0000-0000-00000000000g",
    "00000000-0000-4000-8000-000000000000",
    "FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF",
    " ",
    "null",
    "undefined",
    "' OR 1=1 --",
    "..",
    "%",
    "x".repeat(3000),
    "a/b",
  ),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.uuid(),
);

export const idRef: fc.Arbitrary<IdRef> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ ref: fc.constant("own" as const), pick: fc.nat(), upper: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ ref: fc.constant("gone" as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ ref: fc.constant("foreign" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ ref: "unknown" as const }) },
  { weight: 2, arbitrary: fc.record({ ref: fc.constant("raw" as const), text: rawId }) },
);

export const docRef: fc.Arbitrary<DocRef> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ ref: fc.constant("own" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ ref: fc.constant("foreign" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ ref: fc.constant("raw" as const), text: rawId }) },
);

const limitValue = fc.oneof(
  fc.constantFrom(
    "1",
    "2",
    "5",
    "10",
    "100",
    "0",
    "101",
    "-1",
    "abc",
    "",
    "1.5",
    "1e2",
    "0x10",
    " 7",
    "NaN",
    "Infinity",
  ),
  fc.constantFrom("99999999999999999999", "9007199254740993", "1e308", "-0"),
  fc.integer({ min: -5, max: 200 }).map(String),
  fc.string({ maxLength: 6 }),
);

const cursorValue: fc.Arbitrary<QueryValue> = fc.oneof(
  { weight: 3, arbitrary: fc.nat().map(($cursor) => ({ $cursor })) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "garbage",
      "",
      "=",
      btoa("[1,2]"),
      btoa('["x"]'),
      btoa("null"),
      btoa('{"at":"x","id":"y"}'),
      btoa('["2026-01-01T00:00:00.000Z","\' OR 1=1"]'),
      btoa('["\\u0000",""]'),
      "%%%",
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
);

const beforeValue: fc.Arbitrary<QueryValue> = fc.oneof(
  { weight: 3, arbitrary: fc.nat().map(($before) => ({ $before })) },
  { weight: 2, arbitrary: limitValue },
);

/** Query parameters: plausible keys with good and bad values, sometimes repeated or unknown. */
export function queryOf(keys: ("status" | "limit" | "cursor" | "before")[]): fc.Arbitrary<[string, QueryValue][]> {
  const valueFor = (key: string): fc.Arbitrary<QueryValue> => {
    if (key === "status")
      return fc.oneof(fc.constantFrom("active", "ended", "all"), fc.constantFrom("ACTIVE", "", "deleted", "*"));
    if (key === "cursor") return cursorValue;
    if (key === "before") return beforeValue;
    return limitValue;
  };
  const pair = fc
    .constantFrom<string>(...keys, "unknown")
    .chain((key) => valueFor(key).map((v) => [key, v] as [string, QueryValue]));
  return fc.array(pair, { maxLength: 3 });
}

/** `arb` with weight `present` against `absent` for leaving the value out. */
const sometimes = <T>(arb: fc.Arbitrary<T>, present: number, absent: number) =>
  fc.oneof({ weight: present, arbitrary: arb }, { weight: absent, arbitrary: fc.constant(undefined) });

export const envelope: fc.Arbitrary<Envelope> = fc.record({
  actor: fc.nat({ max: 4 }),
  auth: fc.oneof(
    { weight: 30, arbitrary: fc.constant("valid" as const) },
    { weight: 6, arbitrary: fc.constantFrom(...AUTH_KINDS) },
  ),
  requestId: sometimes(
    fc.oneof(
      { weight: 4, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,40}$/) },
      { weight: 1, arbitrary: fc.constantFrom("has spaces", "x".repeat(129), "é", "", "\u00ff\u00fe") },
    ),
    1,
    1,
  ),
  idempotencyKey: sometimes(
    fc.oneof(
      { weight: 6, arbitrary: fc.nat({ max: 11 }).map((pool) => ({ pool })) },
      { weight: 1, arbitrary: fc.constantFrom("", "has space", "x".repeat(256), "é", "\tk").map((raw) => ({ raw })) },
    ),
    3,
    7,
  ),
  contentType: sometimes(
    fc.constantFrom(
      "",
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/json; charset=utf-8",
      "application/vnd.api+json",
      "APPLICATION/JSON",
      "application/jsonx",
      "multipart/form-data; boundary=x",
    ),
    1,
    9,
  ),
  accept: sometimes(
    fc.constantFrom("text/event-stream", "application/json", "*/*", "text/event-stream;q=0, application/json"),
    1,
    6,
  ),
}) as fc.Arbitrary<Envelope>;
