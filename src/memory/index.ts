import { getConfig } from "../config";
import { aiBinding } from "../lib/ai";
import { ExtractiveSummarizer } from "./extractive";
import type { Summarizer } from "./summarizer";
import { WorkersAiSummarizer } from "./workers-ai";

export { ExtractiveSummarizer } from "./extractive";
export type { Summarizer, SummaryDraft } from "./summarizer";

/** Workers AI when the optional AI binding is configured, else the embedded extractive summariser. */
export function summarizerFor(env: Env): Summarizer {
  const ai = aiBinding(env);
  return ai ? new WorkersAiSummarizer(ai, getConfig(env).AI_SUMMARY_MODEL) : new ExtractiveSummarizer();
}
