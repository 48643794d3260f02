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
  /**
   * `messages` may be a bounded digest of a longer session (both ends of it);
   * `totalMessages` is how many the session really has.
   */
  summarize(messages: MessageView[], totalMessages?: number): Promise<SummaryDraft>;
}
