import { ExtractiveSummarizer } from "./extractive";
import type { Summarizer } from "./summarizer";
import { type AiRunner, WorkersAiSummarizer } from "./workers-ai";

export { ExtractiveSummarizer } from "./extractive";
export type { Summarizer, SummaryDraft } from "./summarizer";

export const DEFAULT_SUMMARY_MODEL = "@cf/meta/llama-3.1-8b-instruct";

/** Workers AI when the optional AI binding is configured, else the embedded extractive summariser. */
export function summarizerFor(env: Env): Summarizer {
  if (!env.AI) return new ExtractiveSummarizer();
  return new WorkersAiSummarizer(env.AI as unknown as AiRunner, env.AI_SUMMARY_MODEL || DEFAULT_SUMMARY_MODEL);
}
