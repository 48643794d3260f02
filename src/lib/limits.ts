import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { Config } from "../config";
import { ApiError } from "../errors";
import type { JsonObject } from "../session-types";

export const MAX_METADATA_BYTES = 8 * 1024;
const utf8 = new TextEncoder();

/**
 * The most bytes one character can take in a JSON body: an astral character
 * written as an escaped surrogate pair, `\uD83D\uDE00`.
 */
const MAX_JSON_BYTES_PER_CHAR = 12;
/**
 * Room for the rest of a body: metadata at its limit, every byte escaped
 * (6 bytes each), plus the other fields and their names.
 */
const BODY_ROOM_BYTES = 6 * MAX_METADATA_BYTES + 16 * 1024;

/** The largest body that can carry a text of `maxChars` characters, however it is encoded. */
export const maxBodyBytes = (maxChars: number) => maxChars * MAX_JSON_BYTES_PER_CHAR + BODY_ROOM_BYTES;

/**
 * Rejects, before reading it, a body too large to hold the largest text the
 * route accepts; the route itself then counts the characters.
 */
export const limitBody = (maxChars: (config: Config, path: string) => number) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const maxSize = maxBodyBytes(maxChars(c.get("config"), c.req.path));
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError(413, "payload_too_large", `request body exceeds ${maxSize} bytes`);
      },
    })(c, next);
  });

/** Characters as a reader counts them: Unicode code points, so an emoji is one, not two UTF-16 units. */
export function charCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count -= 1;
        i += 1;
      }
    }
  }
  return count;
}

/** 413 stating the counted characters if `text` is longer than `maxChars`. */
export function assertCharsWithinLimit(field: string, text: string, maxChars: number): void {
  // No string of at most maxChars UTF-16 units can have more code points.
  if (text.length <= maxChars) return;
  const chars = charCount(text);
  if (chars > maxChars) {
    throw new ApiError(413, "payload_too_large", `${field} is ${chars} characters; the limit is ${maxChars}`);
  }
}

export function assertTextWithinLimit(field: string, text: string, config: Config): void {
  assertCharsWithinLimit(field, text, config.MAX_MESSAGE_CHARS);
}

export function assertMetadataWithinLimit(metadata: JsonObject): void {
  const bytes = utf8.encode(JSON.stringify(metadata)).length;
  if (bytes > MAX_METADATA_BYTES) {
    throw new ApiError(413, "payload_too_large", `metadata is ${bytes} bytes; the limit is ${MAX_METADATA_BYTES}`);
  }
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The optional Idempotency-Key header: 1–255 visible ASCII characters. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw new ApiError(400, "invalid_request", "Idempotency-Key must be 1-255 visible ASCII characters");
  }
  return header;
}
