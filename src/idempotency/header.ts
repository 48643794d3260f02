import { ApiError } from "../errors";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The optional Idempotency-Key header: 1–255 visible ASCII characters. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw new ApiError(400, "invalid_request", "Idempotency-Key must be 1-255 visible ASCII characters");
  }
  return header;
}
