import fc from "fast-check";
import { appendBody, batchEndBody, chatBody, documentBody, noBody } from "./bodies";
import { docRef, envelope, type FuzzRequest, idRef, type PathPart, queryOf, type RequestSpec } from "./values";

/**
 * Every endpoint of the worker (README "Endpoints", src/routes/*.ts), plus
 * unknown routes and wrong methods, weighted towards the ones that write
 * history so the final agreement check has data. Erasure is rare: one wipes
 * all of a caller's sessions.
 */

const sessionPath = (tail: string[] = []) => idRef.map((ref): PathPart[] => ["api", "sessions", { $id: ref }, ...tail]);
const documentPath = docRef.map(($doc): PathPart[] => ["api", "knowledge", "documents", { $doc }]);

const unknownPath = fc.oneof(
  fc.constantFrom<PathPart[]>(
    ["api"],
    ["api", ""],
    ["api", "nowhere"],
    ["api", "sessions", "x", "y", "z"],
    ["api", "knowledge"],
    ["api", "users", "me"],
    ["api", "admin"],
    ["healthz"],
    [""],
    ["..", "health"],
    ["api", "sessions", "", "messages"],
    ["API", "SESSIONS"],
  ),
  fc.array(fc.string({ unit: "grapheme", maxLength: 12 }), { minLength: 1, maxLength: 4 }),
);

const erasureUser = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom<"me" | "self">("me", "self") },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }) },
  { weight: 3, arbitrary: fc.constantFrom("0", "-1", "abc", "1.5", "1e3", "99999999999999999999", "", "me%20") },
);

type Parts = { [K in keyof RequestSpec]?: RequestSpec[K] | fc.Arbitrary<RequestSpec[K]> };

const spec = (endpoint: string, method: string | fc.Arbitrary<string>, parts: Parts): fc.Arbitrary<RequestSpec> =>
  fc.record({
    endpoint: fc.constant(endpoint),
    method: typeof method === "string" ? fc.constant(method) : method,
    ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v instanceof fc.Arbitrary ? v : fc.constant(v)])),
  }) as fc.Arbitrary<RequestSpec>;

const ENDPOINTS: [number, fc.Arbitrary<RequestSpec>][] = [
  [2, spec("GET /health", fc.constantFrom("GET", "GET", "HEAD", "POST"), { path: ["health"] })],
  [
    40,
    spec("POST /api/chat", "POST", {
      path: fc.constantFrom<PathPart[]>(["api", "chat"], ["api", "chat", ""]),
      body: chatBody,
    }),
  ],
  [8, spec("POST /api/sessions", "POST", { path: ["api", "sessions"], body: noBody })],
  [8, spec("GET /api/sessions", "GET", { path: ["api", "sessions"], query: queryOf(["status", "limit", "cursor"]) })],
  [10, spec("GET /api/sessions/:id", fc.constantFrom("GET", "GET", "HEAD"), { path: sessionPath() })],
  [
    10,
    spec("GET /api/sessions/:id/messages", "GET", {
      path: sessionPath(["messages"]),
      query: queryOf(["limit", "before"]),
    }),
  ],
  [36, spec("POST /api/sessions/:id/messages", "POST", { path: sessionPath(["messages"]), body: appendBody })],
  [4, spec("POST /api/sessions/:id/end", "POST", { path: sessionPath(["end"]), body: noBody })],
  [3, spec("POST /api/sessions/end", "POST", { path: ["api", "sessions", "end"], body: batchEndBody })],
  [4, spec("GET /api/sessions/:id/transcript", "GET", { path: sessionPath(["transcript"]) })],
  [4, spec("DELETE /api/sessions/:id", "DELETE", { path: sessionPath() })],
  [4, spec("GET /api/memory", "GET", { path: ["api", "memory"], query: queryOf(["limit", "cursor"]) })],
  [
    1,
    spec("DELETE /api/users/:user/data", "DELETE", {
      path: erasureUser.map((u): PathPart[] => ["api", "users", { $user: u }, "data"]),
    }),
  ],
  [5, spec("POST /api/knowledge/documents", "POST", { path: ["api", "knowledge", "documents"], body: documentBody })],
  [
    3,
    spec("GET /api/knowledge/documents", "GET", {
      path: ["api", "knowledge", "documents"],
      query: queryOf(["limit", "cursor"]),
    }),
  ],
  [4, spec("GET /api/knowledge/documents/:id", "GET", { path: documentPath })],
  [2, spec("DELETE /api/knowledge/documents/:id", "DELETE", { path: documentPath })],
  [2, spec("POST /api/admin/cleanup", "POST", { path: ["api", "admin", "cleanup"], body: noBody })],
  [
    5,
    spec("unknown route or method", fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"), {
      path: unknownPath,
      body: noBody,
    }),
  ],
  [
    // Methods no route of a session path has (HEAD is GET without the body).
    2,
    spec("unknown route or method", fc.constantFrom("PUT", "PATCH", "OPTIONS", "HEAD"), {
      path: fc.oneof(sessionPath(), sessionPath(["messages"]), sessionPath(["end"])),
      body: noBody,
    }),
  ],
];

const endpoint = fc.oneof(...ENDPOINTS.map(([weight, arbitrary]) => ({ weight, arbitrary })));

/** One fuzzed request: an endpoint's spec inside random headers and credentials. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(endpoint, envelope)
  .map(([s, e]) => ({ ...s, ...e }) as FuzzRequest);
