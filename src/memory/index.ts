import { getConfig } from "../config";
import { ExtractiveSummarizer } from "./extractive";
import type { Summarizer } from "./summarizer";
import { type AiRunner, WorkersAiSummarizer } from "./workers-ai";

export { ExtractiveSummarizer } from "./extractive";
export type { Summarizer, SummaryDraft } from "./summarizer";

/** Workers AI when the optional AI binding is configured, else the embedded extractive summariser. */
export function summarizerFor(env: Env): Summarizer {
  if (!env.AI) return new ExtractiveSummarizer();
  return new WorkersAiSummarizer(env.AI as unknown as AiRunner, getConfig(env).AI_SUMMARY_MODEL);
}
