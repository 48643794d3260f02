import { describe, expect, it } from "vitest";
import { withinDepth } from "../src/lib/json-depth";
import { api, freshTenant, newSession } from "./helpers";

/** {"a": {"a": … {"a": 1}}} with `levels` objects. */
const nested = (levels: number): string => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
const nestedArrays = (levels: number): string => `${"[".repeat(levels)}${"]".repeat(levels)}`;

describe("metadata nesting", () => {
  it("accepts 32 levels and stores them", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    const res = await api(`/api/sessions/${id}/messages`, {
      as: me,
      body: `{"role":"user","content":"x","metadata":${nested(32)}}`,
    });
    expect(res.status).toBe(201);
  });

  it.each([33, 1_500, 2_000, 20_000])(
    "refuses %i levels with a 400 naming metadata, storing nothing",
    async (levels) => {
      const me = { tenant: freshTenant(), user: 1 };
      const id = await newSession(me);
      const res = await api(`/api/sessions/${id}/messages`, {
        as: me,
        body: `{"role":"user","content":"x","metadata":${nested(levels)}}`,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^metadata/);
      expect((await api(`/api/sessions/${id}`, { as: me })).body.message_count).toBe(0);
    },
  );

  it("refuses deep arrays inside metadata too", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await newSession(me);
    const res = await api(`/api/sessions/${id}/messages`, {
      as: me,
      body: `{"role":"user","content":"x","metadata":{"list":${nestedArrays(60_000)}}}`,
    });
    expect(res.status).toBe(400);
  });

  it("deep JSON anywhere in a chat body is a 4xx, never a 5xx", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const res = await api("/api/chat", { as: me, body: `{"query":"x","extra":${nestedArrays(60_000)}}` });
    expect(res.status).toBeLessThan(500);
  });

  it("counts levels exactly", () => {
    expect(withinDepth({}, 1)).toBe(true);
    expect(withinDepth({ a: {} }, 1)).toBe(false);
    expect(withinDepth({ a: [1, { b: 2 }] }, 3)).toBe(true);
    expect(withinDepth({ a: [1, { b: {} }] }, 3)).toBe(false);
    expect(withinDepth("text", 0)).toBe(true);
  });
});
