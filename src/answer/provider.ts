import type { JsonObject, MemoryItem, MessageView } from "../session-types";

/** What every answer provider receives for one turn. */
export interface AnswerInput {
  query: string;
  /** The last MAX_CONTEXT_MESSAGES messages of the session, oldest first, ending with the query. */
  history: MessageView[];
  /** The user's most recent long-term summaries (LTM_CONTEXT_SUMMARIES), newest first. */
  memory: MemoryItem[];
}

export interface Answer {
  content: string;
  /** Stored on the assistant message (provider name, sources, …). */
  metadata: JsonObject;
}

export interface AnswerProvider {
  readonly name: string;
  answer(input: AnswerInput): Promise<Answer>;
}
