import type { MessageView } from "../session-types";

export interface SummaryDraft {
  text: string;
  keyTopics: string[];
  /** "extractive" for the embedded summariser, "workers-ai" for the model. */
  method: string;
  model: string | null;
  language: string;
}

export interface Summarizer {
  readonly method: string;
  summarize(messages: MessageView[]): Promise<SummaryDraft>;
}
