import fc from "fast-check";
import { anyJson, type Body, idRef, NASTY, type Template, text, textOrBig, userContext } from "./values";

/**
 * Request bodies: valid most of the time (so sessions fill up and the final
 * agreement check has history to compare), near-valid (one field dropped,
 * retyped or added) or hostile (any JSON, not JSON, deeply nested).
 */

type Fields = Record<string, fc.Arbitrary<Template>>;

/** A valid body: the required fields, and each optional one present or not. */
const validBody = (required: Fields, optional: Fields = {}) =>
  fc.record({ ...required, ...optional } as Fields, { requiredKeys: Object.keys(required) }) as fc.Arbitrary<
    Record<string, Template>
  >;

/** A valid body with one thing wrong: a field dropped, given the wrong type, or an unknown one added. */
const nearlyValid = (valid: fc.Arbitrary<Record<string, Template>>, keys: string[]) =>
  fc
    .tuple(valid, fc.constantFrom(...keys, "extra_field"), fc.constantFrom("drop", "retype"), anyJson)
    .map(([body, key, how, value]) => {
      const copy: Record<string, Template> = { ...body };
      if (how === "drop") delete copy[key];
      else copy[key] = value;
      return copy;
    });

const rawBody = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "{",
    '{"query":',
    "null",
    "[]",
    "[1,2]",
    '"str"',
    "42",
    '{"query": "a", "query": 5}',
    '\uFEFF{"query":"bom"}',
    '{"query":"x"}garbage',
    "{'query':'single'}",
    "NaN",
    '{"query": "\\ud800"}',
    '{"query":"nul\\u0000", "content":"nul\\u0000", "role":"user"}',
    '{"__proto__": {"query": "polluted"}, "role": "user"}',
    "query=hi&role=user",
  ),
  fc.string({ unit: "binary", maxLength: 60 }),
);

const deepBody = fc.record({
  deep: fc.constantFrom(31, 32, 33, 200, 5_000, 100_000),
  shape: fc.constantFrom("array" as const, "metadata" as const, "user_context" as const),
});

/** Valid, near-valid, any-JSON and not-JSON bodies in the proportions 10 : 3 : 1 : 1. */
function bodies(valid: fc.Arbitrary<Record<string, Template>>, keys: string[]): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: 10, arbitrary: valid.map((json) => ({ json })) },
    { weight: 3, arbitrary: nearlyValid(valid, keys).map((json) => ({ json })) },
    { weight: 1, arbitrary: anyJson.map((json) => ({ json })) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        rawBody.map((raw) => ({ raw })),
        deepBody,
      ),
    },
  );
}

/** Endpoints without a body: mostly none, sometimes one anyway. */
export const noBody = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: bodies(validBody({}, { user_context: userContext }), ["user_context"]) },
);

const metadata: fc.Arbitrary<Template> = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 4 }),
  fc.constantFrom<Template>(
    { source: "web", tags: ["a", "b"] },
    { turn_status: "failed" },
    { sources: [{ document_id: "x" }] },
    { constructor: { prototype: 1 }, toString: "x" },
    { blob: { $big: ["y", 8_200] } },
    { nul: "\u0000", rtl: "\u202E" },
  ),
);

/** Mostly an id (the caller's own, most often), sometimes null, sometimes absent (JSON drops undefined). */
const sessionIdField = fc.oneof(
  { weight: 6, arbitrary: idRef.map(($id) => ({ $id })) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.constant(undefined) },
) as fc.Arbitrary<Template>;

export const chatBody = bodies(
  validBody({ query: textOrBig, session_id: sessionIdField }, { user_context: userContext, stream: fc.boolean() }),
  ["query", "session_id", "stream"],
);

export const appendBody = bodies(
  validBody(
    { role: fc.constantFrom("user", "assistant", "system"), content: textOrBig },
    { metadata, user_context: userContext },
  ),
  ["role", "content", "metadata"],
);

export const batchEndBody = bodies(
  validBody(
    {
      session_ids: fc.oneof(
        {
          weight: 8,
          arbitrary: fc.array(
            idRef.map(($id) => ({ $id })),
            { minLength: 1, maxLength: 6 },
          ),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom<Template>(
            [],
            Array.from({ length: 101 }, () => "x"),
          ),
        },
      ) as fc.Arbitrary<Template>,
    },
    { user_context: userContext },
  ),
  ["session_ids"],
);

export const documentBody = bodies(
  validBody(
    {
      title: fc.oneof({ weight: 8, arbitrary: text }, { weight: 1, arbitrary: fc.constant("x".repeat(301)) }),
      body: fc.oneof(
        { weight: 6, arbitrary: text.map((t) => `# ${t}\n\nA távmunka heti két napig engedélyezett. ${t}`) },
        { weight: 1, arbitrary: fc.constantFrom<Template>({ $big: ["é", 200_000] }, { $big: ["a", 200_001] }) },
        { weight: 1, arbitrary: fc.constantFrom(...NASTY) },
      ),
    },
    {
      source_url: fc.oneof(
        fc.constantFrom("https://intranet.example/a", "https://intranet.example/b", "ftp://x", "not a url"),
        fc.webUrl(),
      ),
      tags: fc.array(text, { maxLength: 4 }),
    },
  ),
  ["title", "body", "source_url", "tags"],
);
