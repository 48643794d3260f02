import type { Config } from "../config";
import { ApiError } from "../errors";
import type { JsonObject } from "../session-types";

export const MAX_METADATA_BYTES = 8 * 1024;
const utf8 = new TextEncoder();

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
