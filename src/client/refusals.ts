import { ApiError, notFound } from "../errors";
import type { Outcome, Refusal } from "../session-types";

/** Refusals cross RPC as data; this is the one place they become HTTP errors. */
const RETRY_HINT =
  "your message is kept: send the same request again with the header Idempotency-Key set to details.idempotency_key to complete the turn";

/** What went wrong in a failed turn, in words (the query is kept; see RETRY_HINT). */
export const FAILED_TURN: Record<"answer_failed" | "answer_timeout" | "knowledge_unavailable", string> = {
  answer_failed: "the answer provider failed",
  answer_timeout: "the answer provider timed out",
  knowledge_unavailable: "the knowledge base could not be searched",
};

export const isFailedTurn = (code: string): code is keyof typeof FAILED_TURN => code in FAILED_TURN;

export function refusalError(refusal: Refusal, details?: Record<string, string>): ApiError {
  switch (refusal) {
    case "not_found":
      return notFound();
    case "ended":
      return new ApiError(409, "session_ended", "the session has ended and is read-only");
    case "answer_failed":
      return new ApiError(502, refusal, `${FAILED_TURN[refusal]}; ${RETRY_HINT}`, details);
    case "answer_timeout":
      return new ApiError(504, refusal, `${FAILED_TURN[refusal]}; ${RETRY_HINT}`, details);
    case "knowledge_unavailable":
      return new ApiError(503, refusal, `${FAILED_TURN[refusal]}; ${RETRY_HINT}`, details);
  }
}

export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw refusalError(outcome.refusal, outcome.details);
  return outcome.value;
}
