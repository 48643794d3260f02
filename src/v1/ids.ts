/**
 * Response ids name the session and the seq of the query they answer, so
 * GET /v1/responses/{id} goes straight to the session's object, and the
 * session id inside is verified like any other (its HMAC names the owner):
 * `resp_` + the session id's 32 hex digits + the seq in hex (at least 8).
 */
const RESPONSE_ID = /^resp_([0-9a-f]{32})([0-9a-f]{8,13})$/;

export const responseId = (sessionId: string, querySeq: number): string =>
  `resp_${sessionId.replace(/-/g, "")}${querySeq.toString(16).padStart(8, "0")}`;

export function parseResponseId(id: string): { sessionId: string; querySeq: number } | null {
  const match = RESPONSE_ID.exec(id);
  if (!match) return null;
  const [, hex, seq] = match as unknown as [string, string, string];
  const sessionId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const querySeq = Number.parseInt(seq, 16);
  // One id per response: a zero-padded variant of it is not another name for it.
  if (querySeq < 1 || !Number.isSafeInteger(querySeq) || responseId(sessionId, querySeq) !== id) return null;
  return { sessionId, querySeq };
}
