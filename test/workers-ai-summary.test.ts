import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AiRunner } from "../src/lib/ai";
import { summarizerFor } from "../src/memory";
import { WorkersAiSummarizer } from "../src/memory/workers-ai";
import type { SessionObject } from "../src/session-object";

/** README: "after three model failures the embedded summariser takes over". */
const MODEL_SUMMARY_ATTEMPTS = 3;

import { api, freshTenant, sessionWithTurns, stubFor, summaryRows } from "./helpers";

/** A fake of the one external thing here, the Workers AI binding: fails `failures` times, then answers. */
function fakeAi(failures: number) {
  const calls: { model: string; messages: { role: string; content: string }[] }[] = [];
  let left = failures;
  const ai: AiRunner = {
    async run(model, input) {
      calls.push({ model, messages: input.messages });
      if (left-- > 0) throw new Error("AI: 503 upstream overloaded");
      return { response: "A felhasználó a távmunka szabályairól kérdezett.\nTOPICS: távmunka, home office" };
    },
  };
  return { ai, calls };
}

async function useModel(sessionId: string, ai: AiRunner) {
  await runInDurableObject(stubFor(sessionId), (obj: SessionObject) => {
    obj.useDeps(() => ({ summarizer: new WorkersAiSummarizer(ai, "@cf/test/model") }));
  });
}

describe("Workers AI summaries", () => {
  it("summarizerFor picks Workers AI when the AI binding is configured, the embedded one otherwise", () => {
    expect(summarizerFor(env).method).toBe("extractive");
    const withAi = summarizerFor({ ...env, AI: fakeAi(0).ai as unknown as Ai });
    expect(withAi).toBeInstanceOf(WorkersAiSummarizer);
  });

  it("stores the model's summary and topics, once", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["Mi a távmunka szabályzat?", "És mennyi home office nap?"]);
    const { ai, calls } = fakeAi(0);
    await useModel(id, ai);
    const ended = await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect(ended.body.processed_for_ltm).toBe(true);
    const rows = (await summaryRows(id)).results;
    expect(rows).toEqual([
      expect.objectContaining({
        summary: "A felhasználó a távmunka szabályairól kérdezett.",
        key_topics: JSON.stringify(["távmunka", "home office"]),
        method: "workers-ai",
        model: "@cf/test/model",
      }),
    ]);
    expect(calls).toHaveLength(1);
    // The transcript went to the model.
    expect(calls[0]?.messages[1]?.content).toContain("user: Mi a távmunka szabályzat?");
  });

  it("if the model fails the end still stands; the alarm retries and the summary is made exactly once", async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["q1", "q2"]);
    const { ai, calls } = fakeAi(1);
    await useModel(id, ai);
    const ended = await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect(ended.body.status).toBe("ended");
    expect(ended.body.processed_for_ltm).toBe(false);
    expect((await summaryRows(id)).results).toEqual([]);

    expect(await runDurableObjectAlarm(stubFor(id))).toBe(true);
    expect((await api(`/api/sessions/${id}`, { as: me })).body.processed_for_ltm).toBe(true);
    expect((await summaryRows(id)).results).toEqual([expect.objectContaining({ method: "workers-ai" })]);
    // Further alarms or ends do not summarise again.
    await runDurableObjectAlarm(stubFor(id));
    await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    expect(calls).toHaveLength(2);
    expect((await summaryRows(id)).results).toHaveLength(1);
  });

  it(`after ${MODEL_SUMMARY_ATTEMPTS} model failures the embedded summariser takes over`, async () => {
    const me = { tenant: freshTenant(), user: 1 };
    const id = await sessionWithTurns(me, ["Mi a távmunka szabályzat?", "És mennyi home office nap?"]);
    const { ai, calls } = fakeAi(1_000);
    await useModel(id, ai);
    await api(`/api/sessions/${id}/end`, { as: me, method: "POST" });
    for (let i = 1; i < MODEL_SUMMARY_ATTEMPTS; i++) {
      await runDurableObjectAlarm(stubFor(id));
      expect((await summaryRows(id)).results).toEqual([]);
    }
    expect(calls).toHaveLength(MODEL_SUMMARY_ATTEMPTS);
    await runDurableObjectAlarm(stubFor(id));
    expect(calls).toHaveLength(MODEL_SUMMARY_ATTEMPTS);
    const rows = (await summaryRows(id)).results;
    expect(rows).toEqual([expect.objectContaining({ method: "extractive", model: null, language: "hu" })]);
    expect((await api(`/api/sessions/${id}`, { as: me })).body.processed_for_ltm).toBe(true);
    // Nothing pending any more: only the session's retention-free ended state remains.
    expect(await runInDurableObject(stubFor(id), (_o, s) => s.storage.getAlarm())).toBeNull();
  });
});
