import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { Config } from "../config";
import { ApiError } from "../errors";
import type { JsonObject } from "../session-types";

export const MAX_METADATA_BYTES = 8 * 1024;
const utf8 = new TextEncoder();

/**
 * Rejects, before reading it, a body too large to hold the largest text the
 * route accepts (4 bytes a character at worst, plus room for the rest).
 */
export const limitBody = (maxChars: (config: Config, path: string) => number) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const maxSize = maxChars(c.get("config"), c.req.path) * 4 + 64 * 1024;
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError(413, "payload_too_large", `request body exceeds ${maxSize} bytes`);
      },
    })(c, next);
  });

export function assertTextWithinLimit(field: string, text: string, config: Config): void {
  if (text.length > config.MAX_MESSAGE_CHARS) {
    throw new ApiError(
      413,
      "payload_too_large",
      `${field} is ${text.length} characters; the limit is ${config.MAX_MESSAGE_CHARS}`,
    );
  }
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
