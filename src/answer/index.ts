import { EmbeddedAnswerProvider } from "./embedded";
import type { AnswerProvider } from "./provider";

export type { Answer, AnswerInput, AnswerProvider } from "./provider";

/** Picks the answer provider for this deployment; offline default for now. */
export function answerProviderFor(_env: Env): AnswerProvider {
  return new EmbeddedAnswerProvider();
}
