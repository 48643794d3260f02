import { describe, expect, it } from "vitest";
import { ExtractiveSummarizer } from "../src/memory";
import type { MessageView } from "../src/session-types";

let seq = 0;
const msg = (role: MessageView["role"], content: string): MessageView => ({
  id: crypto.randomUUID(),
  seq: ++seq,
  role,
  content,
  metadata: {},
  created_at: new Date().toISOString(),
  origin: "client",
});

describe("the embedded extractive summariser", () => {
  it("summarises a Hungarian conversation in Hungarian, naming its topics", async () => {
    const draft = await new ExtractiveSummarizer().summarize([
      msg("user", "Szia! Mi a távmunka szabályzat?"),
      msg(
        "assistant",
        "A távmunka szabályzat szerint a munkavállalók heti két napot dolgozhatnak otthonról. A távmunkát a vezetővel előre egyeztetni kell.",
      ),
      msg("user", "És mennyi home office nap engedélyezett a távmunka szabályzatban?"),
      msg("assistant", "Havonta legfeljebb nyolc home office nap engedélyezett, a szabályzat szerint."),
    ]);
    expect(draft.language).toBe("hu");
    expect(draft.method).toBe("extractive");
    expect(draft.keyTopics.slice(0, 3)).toEqual(expect.arrayContaining(["távmunka", "szabályzat"]));
    expect(draft.keyTopics).toContain("home");
    expect(draft.text).toMatch(/^A beszélgetés témái: /);
    expect(draft.text).toContain("„Szia! Mi a távmunka szabályzat?”");
    // The answer sentence that carries the facts is kept.
    expect(draft.text).toContain("heti két napot");
    // Inflected forms are merged: one topic, not "szabályzat" and "szabályzatban".
    expect(draft.keyTopics.filter((t) => t.startsWith("szabályzat"))).toHaveLength(1);
  });

  it("summarises an English conversation in English", async () => {
    const draft = await new ExtractiveSummarizer().summarize([
      msg("user", "How many vacation days do new employees get?"),
      msg("assistant", "New employees get 25 vacation days per year. Unused vacation days expire in March."),
      msg("user", "Can vacation days be carried over?"),
      msg("assistant", "Up to five vacation days can be carried over to the next year."),
    ]);
    expect(draft.language).toBe("en");
    expect(draft.keyTopics[0]).toBe("vacation");
    expect(draft.text).toMatch(/^Topics: vacation/);
    expect(draft.text).toContain('"Can vacation days be carried over?"');
  });

  it("stays sensible with nothing to go on", async () => {
    const draft = await new ExtractiveSummarizer().summarize([msg("user", "ok"), msg("assistant", "ok")]);
    expect(draft.text.length).toBeGreaterThan(0);
    expect(draft.keyTopics).toEqual([]);
  });
});
