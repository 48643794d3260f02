import { describe, expect, it } from "vitest";
import { EmbeddedAnswerProvider } from "../src/answer/embedded";
import { ExtractiveSummarizer } from "../src/memory";
import { api, freshTenant, newSession } from "./helpers";

/** True if `s` holds a lone surrogate: text that cannot be stored as UTF-8. */
const broken = (s: string) => /\p{Surrogate}/u.test(s);

// Found by test/fuzz.test.ts: a lone surrogate cannot be stored as UTF-8, so the
// history held U+FFFD where the response had echoed the text as sent.
const LONE = ["\uD800", "x\uDC00y", "ok \uDBFF"];

describe("text that is not valid Unicode", () => {
  it.each(LONE)("a chat query with a lone surrogate (%j) is a 400 naming query, and stores nothing", async (bad) => {
    const me = { tenant: freshTenant(), user: 1 };
    const res = await api("/api/chat", { as: me, body: { query: bad } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe("query");
    const list = await api("/api/sessions?status=all", { as: me });
    expect(list.body.sessions).toEqual([]);
  });

  it.each(LONE)(
    "a message with a lone surrogate (%j) is a 400 naming content; the history is untouched",
    async (bad) => {
      const me = { tenant: freshTenant(), user: 1 };
      const id = await newSession(me);
      const res = await api(`/api/sessions/${id}/messages`, { as: me, body: { role: "user", content: bad } });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toBe("content");
      expect((await api(`/api/sessions/${id}`, { as: me })).body.message_count).toBe(0);
    },
  );

  it("a document title, body or tag with a lone surrogate is a 400 naming the field", async () => {
    const admin = { tenant: freshTenant(), user: 1, role: "admin" as const };
    const good = { title: "Policy", body: "Remote work is allowed two days a week.", tags: ["hr"] };
    for (const [field, doc] of [
      ["title", { ...good, title: "Pol\uD800icy" }],
      ["body", { ...good, body: "Remote \uDC00 work." }],
      ["tags.0", { ...good, tags: ["h\uD800r"] }],
    ] as const) {
      const res = await api("/api/knowledge/documents", { as: admin, body: doc });
      expect(res.status, field).toBe(400);
      expect(res.body.error.details[0].field, field).toBe(field);
    }
    expect((await api("/api/knowledge/documents", { as: admin })).body.documents).toEqual([]);
  });

  it("valid Unicode of every kind is stored exactly as sent and read back unchanged", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const text = "e\u0301\u0302 👩‍👩‍👧‍👦 \u202Eevil\u202C שלום مرحبا a\u0000b \uFEFF \u2028 😀";
    const turn = await api("/api/chat", { as: me, body: { query: text } });
    expect(turn.status).toBe(200);
    expect(turn.body.user_message.content).toBe(text);
    const appended = await api(`/api/sessions/${turn.body.session_id}/messages`, {
      as: me,
      body: { role: "system", content: text },
    });
    expect(appended.status).toBe(201);
    const history = await api(`/api/sessions/${turn.body.session_id}/messages`, { as: me });
    expect(history.body.messages.map((m: { content: string }) => m.content)).toEqual([
      text,
      turn.body.assistant_message.content,
      text,
    ]);
  });
});

describe("text the service writes itself is cut between characters, never inside one", () => {
  // Found by test/fuzz.test.ts: the no-match answer quoted the query cut at 199 UTF-16
  // units, halving an emoji, so the stored answer differed from the one returned.
  const emoji = "😀".repeat(150); // 300 UTF-16 units, each emoji two of them

  it("the no-match answer quoting a long emoji query is valid text, stored exactly as returned", async () => {
    const answer = await new EmbeddedAnswerProvider().answer({ query: emoji, history: [], memory: [], passages: [] });
    expect(broken(answer.content)).toBe(false);
    expect(answer.content).toContain(`${"😀".repeat(99)}…`);

    const me = { tenant: freshTenant(), user: 1 };
    const turn = await api("/api/chat", { as: me, body: { query: `x${emoji}` } });
    expect(turn.status).toBe(200);
    const history = await api(`/api/sessions/${turn.body.session_id}/messages`, { as: me });
    expect(history.body.messages[1].content).toBe(turn.body.assistant_message.content);
    expect(broken(turn.body.answer)).toBe(false);
  });

  it("the summariser's quoted questions and sentences are valid text", async () => {
    const at = new Date().toISOString();
    const m = (seq: number, role: "user" | "assistant", content: string) => ({
      id: crypto.randomUUID(),
      seq,
      role,
      content,
      metadata: {},
      created_at: at,
      origin: "client" as const,
    });
    // Both parities: a cut at an odd or an even offset into the emoji.
    for (const lead of ["Q ", "Qs "]) {
      const draft = await new ExtractiveSummarizer().summarize([
        m(1, "user", `${lead}${emoji}?`),
        m(2, "assistant", `${lead}${emoji}.`),
        m(3, "user", `${lead}${emoji} again?`),
        m(4, "assistant", `${lead}${emoji} again.`),
      ]);
      expect(broken(draft.text), lead).toBe(false);
    }
  });
});
