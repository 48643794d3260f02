import { ApiError, notFound } from "../errors";
import type { Outcome, Refusal } from "../session-types";

/** Refusals cross RPC as data; this is the one place they become HTTP errors. */
const RETRY_HINT =
  "your message is kept: send the same request again with the header Idempotency-Key set to details.idempotency_key to complete the turn";

export function refusalError(refusal: Refusal, details?: Record<string, string>): ApiError {
  switch (refusal) {
    case "not_found":
      return notFound();
    case "ended":
      return new ApiError(409, "session_ended", "the session has ended and is read-only");
    case "answer_failed":
      return new ApiError(502, "answer_failed", `the answer provider failed; ${RETRY_HINT}`, details);
    case "answer_timeout":
      return new ApiError(504, "answer_timeout", `the answer provider timed out; ${RETRY_HINT}`, details);
    case "knowledge_unavailable":
      return new ApiError(
        503,
        "knowledge_unavailable",
        `the knowledge base could not be searched; ${RETRY_HINT}`,
        details,
      );
  }
}

export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw refusalError(outcome.refusal, outcome.details);
  return outcome.value;
}
