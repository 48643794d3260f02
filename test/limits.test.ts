import { describe, expect, it } from "vitest";
import { api, freshTenant, newSession } from "./helpers";

const MESSAGE_LIMIT = 32_000; // MAX_MESSAGE_CHARS default in wrangler.toml
const DOCUMENT_LIMIT = 200_000;

/**
 * JSON with every UTF-16 unit of every string written as a \uXXXX escape: the
 * largest encoding of a text (6 bytes a BMP character, 12 an astral one).
 */
function escapedJson(value: unknown): string {
  if (typeof value === "string") {
    let out = '"';
    for (let i = 0; i < value.length; i++) out += `\\u${value.charCodeAt(i).toString(16).padStart(4, "0")}`;
    return `${out}"`;
  }
  if (Array.isArray(value)) return `[${value.map(escapedJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([k, v]) => `${escapedJson(k)}:${escapedJson(v)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

const TEXTS = [
  ["ő", "ő"],
  ["an emoji", "😀"],
] as const;

const admin = (tenant: number) => ({ tenant, user: 1, role: "admin" as const });
const postDocument = (tenant: number, body: unknown) =>
  api("/api/knowledge/documents", { as: admin(tenant), body: typeof body === "string" ? body : JSON.stringify(body) });
const documentCount = async (tenant: number) =>
  (await api("/api/knowledge/documents", { as: admin(tenant) })).body.documents.length as number;

describe("the document route has its own limit: 200,000 characters", () => {
  it("accepts a 199,000-character document (the message routes' byte cap does not apply)", async () => {
    const tenant = freshTenant();
    const res = await postDocument(tenant, { title: "Long", body: "szó ".repeat(49_750) });
    expect(res.status).toBe(201);
    expect(res.body.chars).toBe(199_000);
  });

  it.each(TEXTS)(
    "accepts 200,000 × %s even with every character \\u-escaped; 200,001 → 413 with the count",
    async (_what, ch) => {
      const tenant = freshTenant();
      const atLimit = ch.repeat(DOCUMENT_LIMIT);
      const ok = await postDocument(tenant, escapedJson({ title: "Edge", body: atLimit }));
      expect(ok.status).toBe(201);
      const stored = await api(`/api/knowledge/documents/${ok.body.id}`, { as: admin(tenant) });
      expect(stored.body.body).toBe(atLimit);
      expect(stored.body.chars).toBe(DOCUMENT_LIMIT);

      for (const body of [
        JSON.stringify({ title: "Over", body: atLimit + ch }),
        escapedJson({ title: "Over", body: atLimit + ch }),
      ]) {
        const over = await postDocument(tenant, body);
        expect(over.status).toBe(413);
        expect(over.body.error).toMatchObject({
          code: "payload_too_large",
          message: "body is 200001 characters; the limit is 200000",
        });
      }
      expect(await documentCount(tenant)).toBe(1);
    },
  );

  it("still refuses, before reading it, a body larger than any 200,000-character document could be", async () => {
    const tenant = freshTenant();
    const padded = `{"title":"x","body":"y"${" ".repeat(2_500_000)}}`;
    const res = await postDocument(tenant, padded);
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/^request body exceeds \d+ bytes$/);
    expect(await documentCount(tenant)).toBe(0);
  });
});

describe("the message routes keep MAX_MESSAGE_CHARS, counted in characters (code points)", () => {
  it.each(TEXTS)(
    "a query of MAX_MESSAGE_CHARS × %s, \\u-escaped, is answered; one more → 413 with the count",
    async (_what, ch) => {
      const me = { tenant: freshTenant(), user: 1 };
      const ok = await api("/api/chat", { as: me, body: escapedJson({ query: ch.repeat(MESSAGE_LIMIT) }) });
      expect(ok.status).toBe(200);
      expect(ok.body.user_message.content).toBe(ch.repeat(MESSAGE_LIMIT));

      const over = await api("/api/chat", { as: me, body: { query: ch.repeat(MESSAGE_LIMIT + 1) } });
      expect(over.status).toBe(413);
      expect(over.body.error.message).toBe("query is 32001 characters; the limit is 32000");
      const list = await api("/api/sessions?status=all", { as: me });
      expect(list.body.sessions).toHaveLength(1);
    },
  );

  it.each(TEXTS)(
    "content of MAX_MESSAGE_CHARS × %s with 8 KiB of metadata, all \\u-escaped, is stored; one more → 413",
    async (_what, ch) => {
      const me = { tenant: freshTenant(), user: 1 };
      const id = await newSession(me);
      // JSON.stringify of this metadata is exactly 8 KiB, the metadata limit.
      const metadata = { note: "m".repeat(8 * 1024 - '{"note":""}'.length) };
      const content = ch.repeat(MESSAGE_LIMIT);
      const ok = await api(`/api/sessions/${id}/messages`, {
        as: me,
        body: escapedJson({ role: "user", content, metadata }),
      });
      expect(ok.status).toBe(201);
      expect(ok.body.content).toBe(content);

      const over = await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: content + ch } });
      expect(over.status).toBe(413);
      expect(over.body.error.message).toBe("content is 32001 characters; the limit is 32000");
      expect((await api(`/api/sessions/${id}`, { as: me })).body.message_count).toBe(1);
    },
  );

  it("a message body larger than any MAX_MESSAGE_CHARS text could be is refused before it is read", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const padded = `{"query":"hi"${" ".repeat(500_000)}}`;
    const res = await api("/api/chat", { as: me, body: padded });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/^request body exceeds \d+ bytes$/);
    // The same bytes are fine on the document route, whose limit is its own.
    const doc = await postDocument(me.tenant, `{"title":"x","body":"y"${" ".repeat(500_000)}}`);
    expect(doc.status).toBe(201);
  });
});
