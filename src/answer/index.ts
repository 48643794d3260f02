import { getConfig } from "../config";
import { aiBinding } from "../lib/ai";
import { EmbeddedAnswerProvider } from "./embedded";
import type { AnswerProvider } from "./provider";
import { UpstreamAnswerProvider } from "./upstream";
import { WorkersAiAnswerProvider } from "./workers-ai";

export type { Answer, AnswerInput, AnswerProvider, Source } from "./provider";

/** ANSWER_URL wins (an existing router or model service), then Workers AI if bound, else the offline default. */
export function answerProviderFor(env: Env): AnswerProvider {
  const config = getConfig(env);
  if (config.ANSWER_URL)
    return new UpstreamAnswerProvider(config.ANSWER_URL, config.ANSWER_TIMEOUT_MS, env.ANSWER_TOKEN);
  const ai = aiBinding(env);
  if (ai) return new WorkersAiAnswerProvider(ai, config.AI_CHAT_MODEL);
  return new EmbeddedAnswerProvider();
}
