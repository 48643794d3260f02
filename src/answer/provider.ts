import type { Passage } from "../knowledge/store";
import type { JsonObject, MessageView, RecalledSummary, Source } from "../session-types";

export type { Source } from "../session-types";

/** What every answer provider receives for one turn. */
export interface AnswerInput {
  query: string;
  /** The last MAX_CONTEXT_MESSAGES messages of the session, oldest first, ending with the query. */
  history: MessageView[];
  /** The user's most recent long-term summaries (LTM_CONTEXT_SUMMARIES), newest first. */
  memory: RecalledSummary[];
  /** The tenant's knowledge passages retrieved for this query (best first; may be empty). */
  passages: Passage[];
}

export interface Answer {
  content: string;
  sources: Source[];
  /** Stored on the assistant message (provider name, model, …); sources are added to it. */
  metadata: JsonObject;
}

export interface AnswerProvider {
  readonly name: string;
  /**
   * Answers the turn. A provider that can stream calls `onDelta` with each
   * piece of text as it is produced; the pieces then join to exactly
   * `content`. Others ignore it, and the turn streams the stored answer.
   */
  answer(input: AnswerInput, onDelta?: (text: string) => Promise<void>): Promise<Answer>;
}

/** A provider that could not answer: the turn is kept as failed and the client gets 502 or 504. */
export class AnswerError extends Error {
  constructor(
    readonly kind: "failed" | "timeout",
    message: string,
  ) {
    super(message);
    this.name = "AnswerError";
  }
}

/** One source per cited document, in the order the passages rank them. */
export function sourcesOf(passages: Passage[]): Source[] {
  const seen = new Map<string, Source>();
  for (const p of passages) {
    if (!seen.has(p.document_id)) {
      seen.set(p.document_id, {
        document_id: p.document_id,
        title: p.title,
        source_url: p.source_url,
        snippet: p.snippet,
      });
    }
  }
  return [...seen.values()];
}
