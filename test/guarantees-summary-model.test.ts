import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ConfigError, getConfig } from "../src/config";
import type { AiRunner } from "../src/lib/ai";
import { summarizerFor } from "../src/memory";
import type { MessageView } from "../src/session-types";

/** A fake Workers AI binding at its real shape (run(model, {messages}) → {response}) that records the model asked. */
function fakeAi() {
  const models: string[] = [];
  const ai: AiRunner = {
    async run(model) {
      models.push(model);
      return { response: "The user asked about remote work.\nTOPICS: remote work" };
    },
  };
  return { ai: ai as unknown as Ai, models };
}

const messages: MessageView[] = [
  {
    id: "m1",
    seq: 1,
    role: "user",
    content: "What is the remote work policy?",
    metadata: {},
    created_at: "2026-01-01T00:00:00.000Z",
    origin: "client",
  },
  {
    id: "m2",
    seq: 2,
    role: "assistant",
    content: "Two days a week.",
    metadata: {},
    created_at: "2026-01-01T00:00:01.000Z",
    origin: "client",
  },
];

describe("AI_SUMMARY_MODEL", () => {
  it("is parsed by the config schema, with the seed's default", () => {
    expect(getConfig(env).AI_SUMMARY_MODEL).toBe("@cf/meta/llama-3.1-8b-instruct");
    expect(getConfig({}).AI_SUMMARY_MODEL).toBe("@cf/meta/llama-3.1-8b-instruct");
    expect(getConfig({ AI_SUMMARY_MODEL: " @cf/test/summary " }).AI_SUMMARY_MODEL).toBe("@cf/test/summary");
  });

  it("a bad value is refused with a message naming the key", () => {
    expect(() => getConfig({ AI_SUMMARY_MODEL: "   " })).toThrow(ConfigError);
    expect(() => getConfig({ AI_SUMMARY_MODEL: "   " })).toThrow(/AI_SUMMARY_MODEL/);
    // The summariser reads it through the schema, so a bad value cannot slip past it.
    expect(() => summarizerFor({ ...env, AI: fakeAi().ai, AI_SUMMARY_MODEL: "   " } as unknown as Env)).toThrow(
      /AI_SUMMARY_MODEL/,
    );
  });

  it("the Workers AI summariser calls the configured model", async () => {
    const { ai, models } = fakeAi();
    const summarizer = summarizerFor({ ...env, AI: ai, AI_SUMMARY_MODEL: "@cf/test/summary-model" } as unknown as Env);
    const draft = await summarizer.summarize(messages);
    expect(models).toEqual(["@cf/test/summary-model"]);
    expect(draft).toMatchObject({ method: "workers-ai", model: "@cf/test/summary-model" });
  });

  it("without the key the summariser calls the default model", async () => {
    const { ai, models } = fakeAi();
    const { AI_SUMMARY_MODEL: _unset, ...rest } = env as unknown as Record<string, unknown>;
    await summarizerFor({ ...rest, AI: ai } as unknown as Env).summarize(messages);
    expect(models).toEqual(["@cf/meta/llama-3.1-8b-instruct"]);
  });
});
